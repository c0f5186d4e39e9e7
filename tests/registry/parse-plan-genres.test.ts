// Other plans of the same genre: how responsibility, deadlines and numbering are written varies.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/registry/parse-plan.ts';
import type { MilestoneDraft } from '../../src/registry/types.ts';
import { createUnitDirectory } from '../../src/registry/unit-directory.ts';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const when = (m: MilestoneDraft) => (m.kind === 'once' ? m.due : m.kind === 'annual' ? `每年${m.month}/${m.day}` : 'continuous');

describe('responsibility and deadlines on their own lines (responsibility-lines.txt)', () => {
  const plan = parsePlan(fixture('responsibility-lines.txt'));
  const t = (n: number) => plan.tasks.find((x) => x.number === n)!;

  it('reads the five tasks, not the preamble or the closing paragraph', () => {
    expect(plan.tasks.map((x) => x.number)).toEqual([1, 2, 3, 4, 5]);
    expect(t(5).text).toBe('健全行政规范性文件合法性审核机制。');
  });

  it('责任单位: with 牵头 splits lead and other units (full-width punctuation)', () => {
    expect(t(1)).toMatchObject({ leadUnits: ['区审改办'], otherUnits: ['区司法局', '区市场监管局'], section: '深化“放管服”改革' });
    expect(t(1).milestones.map(when)).toEqual(['2023-06-30']);
    // A bare date has no verb phrase; the task's words label it, the source quotes the date.
    expect(t(1).milestones[0]).toMatchObject({ label: '全面落实行政许可事项清单管理,严禁变相设置行政许可', source: '2023年6月底前' });
  });

  it('责任单位: without 牵头: every unit leads', () => {
    expect(t(2)).toMatchObject({ leadUnits: ['区行政服务中心', '区大数据中心'], otherUnits: [] });
    expect(t(2).milestones.map(when)).toEqual(['continuous', '2023-09-30']);
  });

  it('牵头单位: + 配合单位: lines, 完成时限: with a full date', () => {
    expect(t(3)).toMatchObject({ leadUnits: ['区司法局'], otherUnits: ['区发改局', '区工信局'], schedule: '2023年9月30日前' });
    expect(t(3).milestones.map(when)).toEqual(['2023-09-30']);
  });

  it('责任单位: after 牵头单位: lists the other units; 时间节点: is a schedule', () => {
    expect(t(4)).toMatchObject({ leadUnits: ['区政府办'], otherUnits: ['区司法局', '各街道'], chapter: '二、完善依法行政制度体系', section: '' });
    expect(t(4).milestones.map(when)).toEqual(['每年3/31']);
  });

  it('Chinese numerals in a deadline', () => {
    expect(t(5).milestones.map(when)).toEqual(['2023-12-31']);
  });

  it('only warns that no unit directory was given', () => {
    expect(plan.warnings.map((w) => w.message)).toEqual([expect.stringContaining('no unit directory')]);
  });
});

describe('responsibility inline at the end of the item (inline-responsibility.txt)', () => {
  const plan = parsePlan(fixture('inline-responsibility.txt'));
  const t = (n: number) => plan.tasks.find((x) => x.number === n)!;

  it('reads （1）-numbered items', () => {
    expect(plan.tasks.map((x) => x.number)).toEqual([1, 2, 3, 4]);
  });

  it('（牵头单位：X，配合单位：Y） is taken out of the text into the units', () => {
    expect(t(1)).toMatchObject({
      text: '严格落实重大行政决策程序规定,建立决策事项目录动态调整机制。',
      leadUnits: ['区政府办'],
      otherUnits: ['区司法局', '各乡镇(街道)'],
    });
  });

  // Issue 9: without a lead rule stated by the document ("列第一位者为牵头单位"), every listed unit leads.
  it('（A、B负责）: without a lead rule every listed unit leads; a deadline in the text is found', () => {
    expect(t(2)).toMatchObject({ leadUnits: ['区司法局', '区政府办'], otherUnits: [] });
    expect(t(2).milestones).toEqual([expect.objectContaining({ kind: 'once', due: '2023-12-31', source: '2023年底前实现区政府部门全覆盖' })]);
  });

  it('an inline 完成时限 next to the units; 每半年 in the text is not a deadline', () => {
    expect(t(3)).toMatchObject({ leadUnits: ['区司法局'], otherUnits: ['区城管局', '区市场监管局'], schedule: '2024年上半年' });
    expect(t(3).milestones.map(when)).toEqual(['2024-06-30']);
  });

  it('tasks without any deadline are warnings, not dropped', () => {
    expect(t(4).leadUnits).toEqual(['区司法局']);
    expect(plan.warnings.filter((w) => w.task).map((w) => w.task)).toEqual([1, 4]);
  });
});

describe('numbering that runs on across sections (numbering-runs-on.txt)', () => {
  const dir = createUnitDirectory([
    { name: '区市场监管局', aliases: ['市场监管局'] },
    { name: '有关部门', aliases: ['区有关部门'], collective: true },
    { name: '区审改办' },
    { name: '区商务局' },
    { name: '区发改局' },
    { name: '区司法局' },
  ]);
  const plan = parsePlan(fixture('numbering-runs-on.txt'), { directory: dir });

  it('reads 1． and 1、 numbering, one sequence across sections and chapters', () => {
    expect(plan.tasks.map((t) => [t.number, t.section])).toEqual([
      [1, '深化行政审批制度改革'],
      [2, '深化行政审批制度改革'],
      [3, '加强事中事后监管'],
      [4, '加强事中事后监管'],
      [5, ''],
      [6, ''],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('deadline lines without blank lines between fields', () => {
    expect(plan.tasks.map((t) => t.milestones.map(when).join(' '))).toEqual([
      '2023-06-30',
      '2023-12-31',
      'continuous',
      '2024-03-31',
      'continuous',
      '2023-06-30',
    ]);
    expect(plan.tasks[2].otherUnits).toEqual(['有关部门']);
  });
});

describe('a plan with problems (numbering-problems.txt): nothing is dropped silently', () => {
  const plan = parsePlan(fixture('numbering-problems.txt'));
  const messages = plan.warnings.map((w) => `${w.task ?? `line ${w.line}`}: ${w.message} 「${w.source}」`);

  it('keeps the readable tasks; a repeated number keeps the first', () => {
    expect(plan.tasks.map((t) => t.number)).toEqual([1, 2, 4, 6]);
    expect(plan.tasks[0].text).toBe('落实政府权责清单制度。');
  });

  it('warns about each problem, quoting it', () => {
    expect(messages).toEqual([
      expect.stringMatching(/^2: schedule not understood.*「尽快完成」/),
      expect.stringMatching(/^2: task 2 has no deadline/),
      expect.stringMatching(/^4: numbering jumps to 4: task 3 not found/),
      expect.stringMatching(/^line 17: numbered item 5 has no responsibility.*「加强法治宣传教育/),
      expect.stringMatching(/^6: task 6 names no responsible unit/),
      expect.stringMatching(/^6: numbering jumps to 6/),
      expect.stringMatching(/^1: date not understood.*「20233年底前」/),
      expect.stringMatching(/^1: task 1 has no deadline/),
      expect.stringMatching(/^1: task number 1 appears again.*not imported/),
      expect.stringMatching(/^line 28: responsibility or schedule line without a numbered item.*「责任单位:区审计局」/),
      expect.stringMatching(/no unit directory/),
    ]);
  });
});
