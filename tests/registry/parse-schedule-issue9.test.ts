// Issue 9: dates that are not deadlines, adjectives that are not "ongoing", and deadlines relative to the plan.
import { describe, expect, it } from 'vitest';
import { findDeadlinesInText, parseSchedule } from '../../src/registry/parse-schedule.ts';
import type { MilestoneDraft } from '../../src/registry/types.ts';

const when = (m: MilestoneDraft) => (m.kind === 'once' ? m.due : m.kind === 'annual' ? `每年${m.month}/${m.day}` : 'continuous');
const text = (s: string, opts = {}) => findDeadlinesInText(s, opts).milestones.map(when);

describe('dates that are not deadlines', () => {
  it.each([
    '政策执行期限为2019年1月1日至12月31日',
    '从2019年1月1日起降低社会保险费率',
    '2021年5月1日起按照省级统筹标准执行',
    '有效期延长至2025年12月31日',
    '实施期限至2021年12月31日',
    '截至2022年底,全市累计建成5G基站1万个',
    '每年不少于8天',
    '每三年轮训一遍',
    '三年内认定市级众创空间60家以上',
    '建立长期稳定的供销关系',
  ])('%s', (s) => {
    expect(text(s, { issueYear: 2022 })).toEqual([]);
  });

  it('a plain deadline in the same words still counts', () => {
    expect(text('2019年12月31日前完成清理')).toEqual(['2019-12-31']);
    expect(text('到2024年底基本完成')).toEqual(['2024-12-31']);
  });
});

describe('持续/长期 in a schedule', () => {
  it.each([
    ['持续推进', ['continuous']],
    ['长期坚持', ['continuous']],
    ['持续深化综合行政执法体制改革,到2023年取得重大进展', ['continuous', '2023-12-31']],
    ['长期稳定的供销关系', []],
    ['长期有效', []],
  ])('%s', (s, want) => {
    expect(parseSchedule(s).milestones.map(when)).toEqual(want);
  });
});

describe('deadlines relative to the plan', () => {
  it('年内, 年底前 and months without a year use the plan\'s year, and say so', () => {
    const s = parseSchedule('年内持续推进', { issueYear: 2020, issueSource: '国发〔2020〕6号' });
    expect(s.milestones.map(when)).toEqual(['2020-12-31']);
    expect(s.milestones[0].repair).toMatch(/2020.*国发〔2020〕6号/);
    expect(parseSchedule('6月底前完成', { issueYear: 2022 }).milestones.map(when)).toEqual(['2022-06-30']);
    expect(text('9月底前完成自评', { issueYear: 2022 })).toEqual(['2022-09-30']);
  });

  it('without the plan\'s year they are problems quoting the words, not guesses', () => {
    const s = parseSchedule('6月底前完成');
    expect(s.milestones).toEqual([]);
    expect(s.problems).toEqual([expect.objectContaining({ source: '6月底前完成', message: expect.stringMatching(/no year/) })]);
    expect(text('9月底前完成自评')).toEqual([]);
  });

  it('"印发之日起N日内" counts from the issue date; months clamp to the month\'s end', () => {
    expect(parseSchedule('自本意见印发之日起30日内', { issueDate: '2018-06-01' }).milestones.map(when)).toEqual(['2018-07-01']);
    expect(parseSchedule('本方案印发后3个月内', { issueDate: '2021-11-30' }).milestones.map(when)).toEqual(['2022-02-28']);
    expect(text('各地要自本通知印发之日起三十日内制定方案', { issueDate: '2020-11-01' })).toEqual(['2020-12-01']);
  });

  it('without an issue date, or in working days, they are a problem quoting them', () => {
    expect(parseSchedule('自本意见印发之日起30日内').problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/issue date/), source: '自本意见印发之日起30日内' })]);
    expect(parseSchedule('印发之日起15个工作日内', { issueDate: '2020-11-01' }).problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/working days/) })]);
  });

  it('"今年" alone in running text is no deadline and no problem', () => {
    expect(findDeadlinesInText('确保今年经济社会发展各项目标任务全面如期完成')).toEqual({ milestones: [], problems: [], undatedRecurrences: [] });
  });
});
