// The board's rows and counts on the real Jin'an plan: the same lights as 汇总 (buildDigest over the
// same statuses), each filter narrowing what a user would expect, paging, and a liaison's scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/clock.ts';
import { boardView, PAGE_SIZE } from '../../src/board/board-rows.ts';
import { parseFilter } from '../../src/board/filters.ts';
import { WHOLE_PLAN, type Scope } from '../../src/board/scope.ts';
import { buildDigest } from '../../src/supervision/digest.ts';
import type { SupervisionData } from '../../src/supervision/load-supervision.ts';
import { makeBoardWorld, NOW, TZ, type BoardWorld } from './world.ts';

let w: BoardWorld;
let data: SupervisionData;
/** A task 区司法局 takes part in, reported blocked. */
let sfjTask: number;
const today = dayOf(NOW, TZ);
const view = (query: string, scope: Scope = WHOLE_PLAN) =>
  boardView({ ...data, today, officeName: w.officeName }, scope, parseFilter(new URLSearchParams(query)).filter);

beforeAll(async () => {
  w = await makeBoardWorld();
  await w.report({ taskNumber: 68, unitName: '区委办', status: 'done', percent: 100, text: '报告已报送' });
  sfjTask = (await w.data()).tasks.find((t) => t.units.some((u) => u.name === '区司法局'))!.number;
  await w.report({ taskNumber: sfjTask, unitName: '区司法局', status: 'blocked', text: '等待上级批复' });
  data = await w.data();
}, 60_000);
afterAll(() => w?.close());

describe('board rows', () => {
  it('counts every task × unit with the lights 汇总 shows', () => {
    const digest = buildDigest({ statuses: data.statuses, tasks: data.tasks, sent: data.sent, progress: data.progress, now: NOW, tz: TZ, officeUnit: w.officeName });
    const v = view('');
    expect(v.totals).toEqual(digest.totals);
    expect(v.perUnit).toEqual(digest.perUnit);
    expect(v.total).toBe(Object.values(digest.totals).reduce((a, b) => a + b, 0));
    // The state the world was built for: 区政府办 has not reported on 68, 区委办 has.
    expect(v.totals.red).toBeGreaterThan(0);
    const all = view('unit=区政府办').rows.concat(view('unit=区委办').rows).filter((r) => r.taskNumber === 68);
    expect(all.map((r) => [r.unitName, r.status])).toEqual(expect.arrayContaining([['区政府办', 'red']]));
    expect(all.find((r) => r.unitName === '区委办')?.latest).toMatchObject({ status: 'done', percent: 100, text: '报告已报送', by: '区委办联络员' });
  });

  it('filters by light, unit (any spelling), role, chapter and due window', () => {
    const red = view('light=red');
    expect(red.total).toBe(view('').totals.red);
    expect(red.rows.every((r) => r.status === 'red')).toBe(true);
    expect(view('unit=司法局').unit).toBe('区司法局');
    expect(view('unit=司法局').rows.every((r) => r.unitName === '区司法局')).toBe(true);
    expect(view('unit=区司法局&light=yellow').rows.map((r) => [r.taskNumber, r.blocked])).toContainEqual([sfjTask, true]);
    expect(view('role=lead').rows.every((r) => r.role === 'lead')).toBe(true);
    const chapter = data.tasks.find((t) => t.number === 68)!.chapter;
    const inChapter = view(`chapter=${encodeURIComponent(chapter)}`);
    expect(inChapter.rows.every((r) => r.chapter === chapter)).toBe(true);
    expect(inChapter.total).toBeLessThan(view('').total);
    // Due within 30 days of 2027-03-05: task 68's publication on 04-01 is in; within 7 days nothing of 68 is.
    expect(view('due=30d&unit=区政府办').rows.map((r) => r.taskNumber)).toContain(68);
    expect(view('due=7d&unit=区政府办').rows.map((r) => r.taskNumber)).not.toContain(68);
    expect(view('due=overdue').rows.every((r) => r.status === 'red')).toBe(true);
    expect(view('from=2099-01-01').total).toBe(0);
  });

  it('an unknown unit selects nothing and bad values are reported, not obeyed', () => {
    expect(view('unit=火星局')).toMatchObject({ unit: null, total: 0 });
    const parsed = parseFilter(new URLSearchParams('light=purple&from=2027-02-30&page=0&sort=task'));
    expect(parsed.ignored).toEqual(['light=purple', 'from=2027-02-30', 'page=0']);
    expect(parsed.filter).toEqual({ sort: 'task', page: 1 });
  });

  it('pages through the rows', () => {
    const first = view('');
    expect(first.rows).toHaveLength(Math.min(PAGE_SIZE, first.total));
    expect(first.pages).toBe(Math.ceil(first.total / PAGE_SIZE));
    const last = view(`page=${first.pages}`);
    expect(last.rows.length).toBe(first.total - (first.pages - 1) * PAGE_SIZE);
    expect(view('page=999').page).toBe(first.pages);
  });

  it('a liaison sees their units only, and the chart counts only them', () => {
    const v = view('', { kind: 'units', units: new Set(['区司法局']) });
    expect(v.total).toBeGreaterThan(0);
    expect(new Set(v.rows.map((r) => r.unitName))).toEqual(new Set(['区司法局']));
    expect(v.perUnit.map((u) => u.unitName)).toEqual(['区司法局']);
    expect(v.units).toEqual(['区司法局']);
    expect(view('unit=区政府办', { kind: 'units', units: new Set(['区司法局']) }).total).toBe(0);
  });
});
