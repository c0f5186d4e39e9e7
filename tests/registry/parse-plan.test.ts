// The Jin'an District plan (data/plan.txt) as an operator imports it: with data/units.json and
// data/plan-overrides.json. Expectations are what a person reading the plan would write down.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/registry/parse-plan.ts';
import { PlanOverridesFileSchema } from '../../src/registry/plan-overrides.ts';
import type { MilestoneDraft, ParsedPlan, TaskDraft } from '../../src/registry/types.ts';
import { createUnitDirectory, UnitDirectoryFileSchema } from '../../src/registry/unit-directory.ts';

const readJson = (p: string): unknown => JSON.parse(fs.readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));

let plan: ParsedPlan;
const task = (n: number): TaskDraft => {
  const t = plan.tasks.find((x) => x.number === n);
  if (!t) throw new Error(`task ${n} not parsed`);
  return t;
};
const when = (m: MilestoneDraft) =>
  m.kind === 'once' ? m.due : m.kind === 'annual' ? `每年${m.month}/${m.day}` : 'continuous';

beforeAll(() => {
  const text = fs.readFileSync(new URL('../../data/plan.txt', import.meta.url), 'utf8');
  plan = parsePlan(text, {
    directory: createUnitDirectory(UnitDirectoryFileSchema.parse(readJson('data/units.json'))),
    overrides: PlanOverridesFileSchema.parse(readJson('data/plan-overrides.json')),
  });
});

describe('the Jin\'an plan: tasks', () => {
  it('has exactly the 75 numbered tasks, 1..75, in order', () => {
    expect(plan.tasks.map((t) => t.number)).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
  });

  it('does not take the five principles under 基本要求 for tasks', () => {
    expect(plan.tasks.some((t) => t.text.startsWith('坚持加强党的领导'))).toBe(false);
    expect(plan.tasks.some((t) => t.text.startsWith('坚持统筹推进'))).toBe(false);
    expect(task(1).line).toBe(62);
  });

  it('keeps chapter, (damaged) section, full text and schedule line', () => {
    expect(task(1)).toMatchObject({
      chapter: '二、健全政府机构职能体系,推动更好发挥政府作用',
      section: '推进政府履职优化协同高效',
      schedule: '持续推进,到2024年取得重大进展',
      line: 62,
    });
    expect(task(1).text).toMatch(/^以进一步厘清政府和市场.*推动有效市场和有为政府更好结合。$/);
    expect(task(6).section).toBe('深入推进“放管服”改革');
    expect(task(13).section).toBe('加快推进法治化营商环境建设'); // its (七) was lost
    expect(task(32).section).toBe('深化行政执法体制改革'); // "(十深化…"
    expect(task(61).section).toBe('发挥政务诚信建设示范作用'); // "二十发挥…"
    expect(task(75).chapter).toMatch(/^十、坚持和加强党的领导/);
  });

  it('does not attach the closing paragraph to task 75', () => {
    expect(task(75).text).not.toContain('各部门要全面准确贯彻');
  });
});

describe('the Jin\'an plan: units', () => {
  it('task 6: 发改局(区审改办) is 区发改局, a lead; short forms map to canonical units', () => {
    expect(task(6).leadUnits).toEqual(['区发改局', '区行政服务中心管委会']);
    expect(task(6).otherUnits).toEqual(['区市场监管局', '区人社局', '区司法局', '各乡镇(街道)', '有关部门']);
  });

  it('task 7: "发改局(区审改办)市场监管局" is two units', () => {
    expect(task(7).leadUnits).toEqual(['区发改局', '区市场监管局', '区司法局', '区商务局']);
  });

  it('task 5: "发改商务局" is 区发改局 and 区商务局', () => {
    expect(task(5).leadUnits).toEqual(['区发改局', '区商务局', '区市场监管局']);
  });

  it('task 1: 委编办/政府办 lead; "各乡镇(街道)有关部门" is two collective units', () => {
    expect(task(1).leadUnits).toEqual(['区委编办', '区政府办']);
    expect(task(1).otherUnits).toEqual(['各乡镇(街道)', '有关部门']);
  });

  it('task 20: "乡镇(街道)区政府各部门" is two collective units', () => {
    expect(task(20).otherUnits).toEqual(['各乡镇(街道)', '区政府各部门']);
  });

  it('task 17 (no 牵头): every listed unit is responsible and leads', () => {
    expect(task(17).leadUnits).toEqual(['各乡镇(街道)', '有关部门']);
    expect(task(17).otherUnits).toEqual([]);
    expect(task(22).leadUnits).toEqual(['各乡镇(街道)', '有关部门']);
    expect(task(74).leadUnits).toEqual(['各乡镇(街道)', '有关部门']);
  });

  it('task 13: 发改晋安公安局 is kept as written and is a warning that quotes it', () => {
    expect(task(13).leadUnits).toContain('发改晋安公安局');
    const w = plan.warnings.filter((x) => x.task === 13);
    expect(w).toEqual([expect.objectContaining({ source: '发改晋安公安局' })]);
    expect(w[0].message).toContain('发改晋安公安局');
    expect(w[0].message).toContain('区发改局'); // the partial reading, as a hint
  });

  it('task 47: the damaged "乡镇(街道)直各有关部门" gives 各乡镇(街道) and 区直各有关部门', () => {
    expect(task(47).otherUnits.slice(-2)).toEqual(['各乡镇(街道)', '区直各有关部门']);
  });

  it('区委依法治区办 is the supervising office, under the name the plan gives it', () => {
    expect(task(66).leadUnits).toEqual(['区委办', '区政府办', '区委依法治区办']);
  });

  it('区委宣传部(区委网信办) is one unit; 区委网信办 on its own is the same unit', () => {
    expect(task(75).leadUnits).toEqual(['区委宣传部', '区委依法治区办', '区司法局', '区教育局', '区委党校', '区法学会']);
    expect(plan.tasks.flatMap((x) => [...x.leadUnits, ...x.otherUnits])).not.toContain('区委网信办');
  });

  it('lists the units the plan names, with aliases, collectives and their members', () => {
    const byName = new Map(plan.units.map((u) => [u.name, u]));
    expect(byName.get('区发改局')?.aliases).toEqual(expect.arrayContaining(['发改', '区大数据局', '区审改办']));
    expect(byName.get('各乡镇(街道)')).toMatchObject({ collective: true, members: expect.arrayContaining(['王庄街道', '日溪乡']) });
    expect(byName.get('有关部门')).toMatchObject({ collective: true, members: [] });
    expect(byName.get('发改晋安公安局')).toEqual({ name: '发改晋安公安局', aliases: [] });
    expect(byName.has('鼓山镇')).toBe(true);
    const named = new Set(plan.tasks.flatMap((t) => [...t.leadUnits, ...t.otherUnits]));
    for (const n of named) expect(byName.has(n), n).toBe(true);
  });

  it('every task has at least one unit', () => {
    for (const t of plan.tasks) expect(t.leadUnits.length, `task ${t.number}`).toBeGreaterThan(0);
  });
});

describe('the Jin\'an plan: milestones', () => {
  it('task 1: continuous, and a milestone at the end of 2024', () => {
    expect(task(1).milestones.map(when)).toEqual(['continuous', '2024-12-31']);
    expect(task(1).milestones[1]).toMatchObject({ label: '取得重大进展', source: '到2024年取得重大进展' });
  });

  it('task 7: 2021底前 → 2021-12-31, repaired and marked', () => {
    const m = task(7).milestones.find((x) => x.kind === 'once');
    expect(m).toMatchObject({ due: '2021-12-31', source: '2021底前实现“证照分离”改革全覆盖' });
    expect(m?.repair).toBeTruthy();
  });

  it('task 14: four dated steps', () => {
    expect(task(14).milestones.filter((m) => m.kind === 'once').map(when)).toEqual(['2022-06-30', '2022-12-31', '2023-12-31', '2024-12-31']);
  });

  it('task 68: yearly on March 1 (report) and April 1 (publish), repairs noted', () => {
    const annual = task(68).milestones.filter((m) => m.kind === 'annual');
    expect(annual.map(when)).toEqual(['每年3/1', '每年4/1']);
    expect(annual[0].source).toContain('每年31日前');
    expect(annual[1].source).toContain('41前');
    for (const m of annual) expect(m.repair).toBeTruthy();
    expect(plan.warnings.some((w) => w.task === 68)).toBe(false);
  });

  it('task 71: yearly on December 31, found in the task text', () => {
    const annual = task(71).milestones.filter((m) => m.kind === 'annual');
    expect(annual).toEqual([expect.objectContaining({ month: 12, day: 31 })]);
    expect(annual[0].source).toContain('每年12月底前');
  });

  it('task 63: 2023年底前 (in both text and schedule) is one milestone', () => {
    expect(task(63).milestones.map(when)).toEqual(['continuous', '2023-12-31']);
  });

  it('task 67: 2025年前 → 2025-12-31, with an ambiguity warning quoting it', () => {
    expect(task(67).milestones.map(when)).toEqual(['continuous', '2025-12-31']);
    expect(plan.warnings).toContainEqual(expect.objectContaining({ task: 67, source: '2025年前实现政府督察全覆盖' }));
  });

  it('other dated schedules', () => {
    expect(task(12).milestones.map(when)).toEqual(['continuous', '2022-12-31']);
    expect(task(32).milestones.map(when)).toEqual(['continuous', '2023-12-31']);
    expect(task(47).milestones.map(when)).toEqual(['continuous', '2022-12-31', '2025-12-31']);
    expect(task(49).milestones.map(when)).toEqual(['continuous', '2021-12-31', '2025-12-31']);
    expect(task(36).milestones.map(when)).toEqual(['continuous', '2022-12-31']);
  });

  it('every task has a milestone and every milestone quotes its source', () => {
    for (const t of plan.tasks) {
      expect(t.milestones.length, `task ${t.number}`).toBeGreaterThan(0);
      for (const m of t.milestones) {
        expect(m.source.trim(), `task ${t.number}`).not.toBe('');
        expect(m.label.trim(), `task ${t.number}`).not.toBe('');
      }
    }
  });

  it('milestones are unique per task (one per date)', () => {
    for (const t of plan.tasks) {
      const keys = t.milestones.map(when);
      expect(new Set(keys).size, `task ${t.number}`).toBe(keys.length);
    }
  });

  it('the reviewed override for task 11 is applied and reported', () => {
    expect(task(11).schedule).toBe('按照中央和省、市、区的部署实施');
    expect(task(11).milestones[0].repair).toMatch(/^override: /);
    expect(plan.overrides).toEqual([expect.objectContaining({ task: 11, fields: ['schedule'] })]);
  });
});

describe('the Jin\'an plan: warnings', () => {
  it('are exactly the ones a reviewer must look at', () => {
    expect(plan.warnings.map((w) => [w.task, w.source])).toEqual([
      [13, '发改晋安公安局'],
      [67, '2025年前实现政府督察全覆盖'],
    ]);
  });
});
