import { describe, expect, it } from 'vitest';
import { findDeadlinesInText, parseSchedule, splitMonthDay } from '../../src/registry/parse-schedule.ts';
import type { MilestoneDraft } from '../../src/registry/types.ts';

/** once → "2024-12-31", annual → "每年03-01", continuous → "continuous": what a reader checks first. */
function when(m: MilestoneDraft): string {
  if (m.kind === 'once') return m.due;
  if (m.kind === 'annual') return `每年${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;
  return 'continuous';
}

describe('parseSchedule: the phrase table of dates-and-documents.md ("what we want")', () => {
  it.each([
    ['持续推进', ['continuous']],
    ['持续推进，到2024年取得重大进展', ['continuous', '2024-12-31']],
    ['2021年底前实现全覆盖', ['2021-12-31']],
    ['2021底前', ['2021-12-31']],
    ['2022年第二季度成立领导小组', ['2022-06-30']],
    ['2022年内建立联席会议机制', ['2022-12-31']],
    ['2023年内取得重大进展', ['2023-12-31']],
    ['每年12月底前报送', ['每年12-31']],
    ['2023年底前完成', ['2023-12-31']],
    ['2025年前实现', ['2025-12-31']],
    ['按照中央和省、市、区的部署实施', ['continuous']],
    ['每年3月1日前完成上一年度报告，并于4月1日前向社会公开', ['每年03-01', '每年04-01']],
    ['每年31日前', ['每年03-01']],
    ['完成时限：2023年6月底前', ['2023-06-30']],
    ['2023年6月30日前', ['2023-06-30']],
    ['2024年上半年', ['2024-06-30']],
    ['二〇二三年十二月底前', ['2023-12-31']],
  ])('%s', (phrase, expected) => {
    const r = parseSchedule(phrase);
    expect(r.milestones.map(when)).toEqual(expected);
    for (const m of r.milestones) expect(m.source.length).toBeGreaterThan(0);
  });

  it('明年上半年 is the first half of the year after the issue date', () => {
    expect(parseSchedule('明年上半年', { issueDate: '2021-06-15' }).milestones.map(when)).toEqual(['2022-06-30']);
  });

  it('明年上半年 without an issue date is a problem that quotes it, not a guess', () => {
    const r = parseSchedule('明年上半年');
    expect(r.milestones).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ source: '明年上半年' })]);
    expect(r.problems[0].message).toContain('明年');
  });
});

describe('parseSchedule: repairs are explained, ambiguity is flagged', () => {
  it('"2021底前" gets its 年 back and says so', () => {
    const [m] = parseSchedule('持续推进,2021底前实现“证照分离”改革全覆盖').milestones.filter((x) => x.kind === 'once');
    expect(m).toMatchObject({ kind: 'once', due: '2021-12-31', source: '2021底前实现“证照分离”改革全覆盖', label: '实现“证照分离”改革全覆盖' });
    expect(m.repair).toMatch(/2021底.*年/);
  });

  it('"每年31日前" is read as 3月1日 with a repair note', () => {
    const [m] = parseSchedule('每年31日前').milestones;
    expect(m).toMatchObject({ kind: 'annual', month: 3, day: 1 });
    expect(m.repair).toContain('每年31日');
  });

  it('"41前" in a yearly sentence is read as 4月1日 with a repair note', () => {
    const r = parseSchedule('每年3月1日前完成报告,并于41前向社会公开');
    expect(r.milestones.map(when)).toEqual(['每年03-01', '每年04-01']);
    expect(r.milestones[1].repair).toContain('41前');
    expect(r.milestones[0].repair).toBeUndefined();
  });

  it('a clause-leading year without 年 ("2025各职能部门…") is repaired', () => {
    const r = parseSchedule('持续推进,2022年实现全覆盖;2025各职能部门行政调解组织基本实现应建则建');
    expect(r.milestones.map(when)).toEqual(['continuous', '2022-12-31', '2025-12-31']);
    expect(r.milestones[2].repair).toContain('2025');
  });

  it('"2025年前" is read as the end of 2025 but flagged as ambiguous', () => {
    const r = parseSchedule('持续推进,2025年前实现政府督察全覆盖');
    expect(r.milestones.map(when)).toEqual(['continuous', '2025-12-31']);
    expect(r.problems).toEqual([expect.objectContaining({ source: '2025年前实现政府督察全覆盖' })]);
    expect(r.problems[0].message).toMatch(/ambiguous/);
  });

  it('digits that do not split into one date are a problem, not a guess', () => {
    expect(splitMonthDay('31')).toEqual({ month: 3, day: 1 });
    expect(splitMonthDay('1231')).toEqual({ month: 12, day: 31 });
    expect(splitMonthDay('111')).toBeUndefined(); // 1/11 or 11/1
    const r = parseSchedule('每年111日前');
    expect(r.milestones).toEqual([]);
    expect(r.problems[0].source).toBe('每年111日前');
  });

  it.each(['尽快完成', '20233年底前', '第五季度前完成'])('"%s" is not understood and the problem quotes it', (phrase) => {
    const r = parseSchedule(phrase);
    expect(r.milestones).toEqual([]);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0].message).toContain(phrase);
  });
});

describe('parseSchedule: multi-clause schedules', () => {
  it('gives one milestone per dated clause with its verb phrase (task 14 of the Jin\'an plan)', () => {
    const r = parseSchedule(
      '持续推进,2022年第二季度成立区检察院涉案企业合规改革试点工作领导小组,2022年内建立联席会议机制并召开第一次会议,建立区企业合规第三方监督评估机制,成立管委会,2023年内取得重大进展,2024年进行总结提升',
    );
    expect(r.milestones.map(when)).toEqual(['continuous', '2022-06-30', '2022-12-31', '2023-12-31', '2024-12-31']);
    expect(r.milestones[1].label).toBe('成立区检察院涉案企业合规改革试点工作领导小组');
    // Undated clauses after a dated one belong to it.
    expect(r.milestones[2].label).toBe('建立联席会议机制并召开第一次会议,建立区企业合规第三方监督评估机制,成立管委会');
    expect(r.problems).toEqual([]);
  });

  it('a date on its own clause takes the following words as its label', () => {
    const [, m] = parseSchedule('持续推进,2022年底前,政务服务事项全部纳入平台办理,全面实现“一网通办”').milestones;
    expect(m).toMatchObject({ due: '2022-12-31', label: '政务服务事项全部纳入平台办理,全面实现“一网通办”' });
  });

  it('keeps one milestone per date: two clauses on the same day are joined', () => {
    const r = parseSchedule('2022年内建立机制,2022年底前完成验收');
    expect(r.milestones).toHaveLength(1);
    expect(r.milestones[0].label).toBe('建立机制;完成验收');
  });

  it('a yearly clause without a date is reported as such (its date is in the task text)', () => {
    const r = parseSchedule('持续推进,每年形成工作报告,并按时向社会公开');
    expect(r.milestones.map(when)).toEqual(['continuous']);
    expect(r.undatedRecurrences).toEqual(['每年形成工作报告,并按时向社会公开']);
    expect(r.problems).toEqual([]);
  });

  it.each([
    ['持续深化综合行政执法体制改革', 'continuous'],
    ['持续健全行政裁决机制', 'continuous'],
    ['长期坚持', 'continuous'],
    ['按要求推进', 'continuous'],
    ['按照中央、省、市的部署要求', 'continuous'],
  ])('"%s" is %s', (phrase, kind) => {
    expect(parseSchedule(phrase).milestones.map((m) => m.kind)).toEqual([kind]);
  });

  it.each([
    ['2023年6月中旬前', '2023-06-20'],
    ['2023年第四季度', '2023-12-31'],
    ['2024年下半年', '2024-12-31'],
    ['2024年2月底前', '2024-02-29'],
    ['2023年十月底前', '2023-10-31'],
  ])('%s → %s', (phrase, due) => {
    expect(parseSchedule(phrase).milestones.map(when)).toEqual([due]);
  });

  it('每季度 becomes one yearly milestone per quarter end', () => {
    expect(parseSchedule('每季度末前报送').milestones.map(when)).toEqual(['每年03-31', '每年06-30', '每年09-30', '每年12-31']);
  });
});

describe('findDeadlinesInText', () => {
  it('finds the yearly dates of task 68, repaired and marked', () => {
    const r = findDeadlinesInText(
      '严格执行法治政府建设年度报告制度各级各部门每年31日前完成上一年度法治政府建设情况报告,并于41前将报告通过报刊、政府网站等向社会公开。',
    );
    expect(r.milestones.map(when)).toEqual(['每年03-01', '每年04-01']);
    expect(r.milestones.every((m) => m.repair)).toBe(true);
    expect(r.milestones[0].label).toBe('完成上一年度法治政府建设情况报告');
  });

  it('ignores years that are not deadlines and yearly words without a date', () => {
    const r = findDeadlinesInText('根据《法治政府建设实施纲要(2021-2025年)》,制定2023年度目录。确保每人每年接受不少于60学时的培训。');
    expect(r.milestones).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it('finds 于每年12月底前 and keeps the following words in the label', () => {
    const r = findDeadlinesInText('各级各部门于每年12月底前将本年度培训情况汇总后,报送委组织部。');
    expect(r.milestones).toEqual([
      expect.objectContaining({ kind: 'annual', month: 12, day: 31, label: '将本年度培训情况汇总后,报送委组织部' }),
    ]);
  });
});
