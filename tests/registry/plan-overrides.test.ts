import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/registry/parse-plan.ts';
import { PlanOverridesFileSchema } from '../../src/registry/plan-overrides.ts';
import { createUnitDirectory } from '../../src/registry/unit-directory.ts';

const PLAN = [
  '一、营商环境',
  '',
  '13.落实《优化营商环境条例》。',
  '',
  '责任单位:区营商办、发改晋安公安局牵头,有关部门',
  '',
  '进度安排:持续推进,2021底前完成',
  '',
  '14.开展年度报告。',
  '',
  '责任单位:区司法局',
  '',
  '进度安排:尽快完成',
].join('\n');

const directory = createUnitDirectory([
  { name: '区营商办' },
  { name: '区发改局', aliases: ['发改'] },
  { name: '晋安公安分局' },
  { name: '区司法局' },
  { name: '有关部门', collective: true },
]);

const overrides = (tasks: unknown) => PlanOverridesFileSchema.parse({ tasks });

describe('plan overrides', () => {
  it('without overrides, the damage shows as warnings and repairs', () => {
    const plan = parsePlan(PLAN, { directory });
    const notNumbering = plan.warnings.filter((w) => !w.message.startsWith('numbering jumps to 13'));
    expect(notNumbering.map((w) => w.source)).toEqual(['发改晋安公安局', '尽快完成', '尽快完成']);
    expect(plan.overrides).toBeUndefined();
  });

  it('a unit correction replaces the name as written and silences its warning', () => {
    const plan = parsePlan(PLAN, {
      directory,
      overrides: overrides({ '13': { note: 'checked with 区营商办', expect: '发改晋安公安局', units: { 发改晋安公安局: ['区发改局', '晋安公安分局'] } } }),
    });
    expect(plan.tasks[0].leadUnits).toEqual(['区营商办', '区发改局', '晋安公安分局']);
    expect(plan.warnings.some((w) => w.task === 13 && w.message.includes('unit'))).toBe(false);
    expect(plan.overrides).toEqual([{ task: 13, note: 'checked with 区营商办', fields: ['units'] }]);
  });

  it('replacement milestones carry "override: <note>" as their repair', () => {
    const plan = parsePlan(PLAN, {
      directory,
      overrides: overrides({ '14': { note: '原文缺时限,依法治办确认为每年3月1日', milestones: [{ kind: 'annual', month: 3, day: 1, label: '报送年度报告' }] } }),
    });
    const t = plan.tasks.find((x) => x.number === 14)!;
    expect(t.milestones).toEqual([
      { kind: 'annual', month: 3, day: 1, label: '报送年度报告', source: 'data/plan-overrides.json, task 14', repair: 'override: 原文缺时限,依法治办确认为每年3月1日' },
    ]);
    expect(plan.warnings.filter((w) => w.task === 14)).toEqual([]);
  });

  it('a replacement schedule is read by the grammar and marked', () => {
    const plan = parsePlan(PLAN, { directory, overrides: overrides({ '14': { note: 'reviewed', schedule: '2023年底前完成' } }) });
    const t = plan.tasks.find((x) => x.number === 14)!;
    expect(t.schedule).toBe('2023年底前完成');
    expect(t.milestones).toEqual([expect.objectContaining({ due: '2023-12-31', repair: 'override: reviewed' })]);
  });

  it('a stale override (its words are gone) is not applied, and says so', () => {
    const plan = parsePlan(PLAN, {
      directory,
      overrides: overrides({ '13': { note: 'x', expect: '发改公安局', units: { 发改公安局: ['区发改局'] } } }),
    });
    expect(plan.tasks[0].leadUnits).toContain('发改晋安公安局');
    expect(plan.warnings).toContainEqual(expect.objectContaining({ task: 13, message: expect.stringContaining('not applied'), source: '发改公安局' }));
  });

  it('an override for a task not in the plan is a warning', () => {
    const plan = parsePlan(PLAN, { directory, overrides: overrides({ '99': { note: 'old', schedule: '持续推进' } }) });
    expect(plan.warnings).toContainEqual(expect.objectContaining({ task: 99, message: expect.stringContaining('not in the plan') }));
  });

  it('the schema wants a note and at least one correction', () => {
    expect(PlanOverridesFileSchema.safeParse({ tasks: { '1': { schedule: '持续推进' } } }).success).toBe(false);
    expect(PlanOverridesFileSchema.safeParse({ tasks: { '1': { note: 'why' } } }).success).toBe(false);
    expect(PlanOverridesFileSchema.safeParse({ tasks: { x: { note: 'why', schedule: '持续推进' } } }).success).toBe(false);
    expect(PlanOverridesFileSchema.safeParse({ tasks: { '1': { note: 'why', milestones: [{ kind: 'once', due: '2023-6-30', label: 'x' }] } } }).success).toBe(false);
  });
});
