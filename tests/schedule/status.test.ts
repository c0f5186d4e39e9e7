import { describe, expect, it } from 'vitest';
import { instantAt } from '../../src/clock.ts';
import type { ProgressRecord, TaskRecord } from '../../src/registry/types.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';
import { createStatusBoard, openOccurrences, STATUS_ORDER, statusOf, worstOf, type StatusLight } from '../../src/schedule/status.ts';
import { roleOn, unitDirectory } from '../../src/schedule/recipients.ts';
import { calendar, continuous, GO_LIVE, makeTask, once, report, task68, TOWNS, TZ, UNITS } from './builders.ts';

const NOW = instantAt('2027-06-10', '10:00', TZ); // a Thursday
const status = (tasks: TaskRecord[], progress: ProgressRecord[] = [], now = NOW) =>
  statusOf({ tasks, progress, policy: DEFAULT_POLICY, calendar, now, tz: TZ, trackFrom: GO_LIVE });
const unitLight = (due: string, progress: ProgressRecord[] = []) =>
  status([makeTask({ number: 1, milestones: [once(due)], lead: ['区司法局'] })], progress)[0]!.units[0]!.status;

describe('status lights', () => {
  it('orders the lights best to worst', () => {
    expect(STATUS_ORDER).toEqual(['done', 'on-track', 'blue', 'yellow', 'red']);
    expect(worstOf(['blue', 'red', 'done'])).toBe('red');
    expect(worstOf([])).toBe('on-track');
  });

  it.each<[string, string, ProgressRecord[], StatusLight]>([
    ['more than the blue window away', '2027-06-18', [], 'on-track'],
    ['exactly at the blue window boundary (7 days)', '2027-06-17', [], 'blue'],
    ['due today', '2027-06-10', [], 'blue'],
    ['one day overdue', '2027-06-09', [], 'red'],
    ['overdue for half a year', '2026-12-31', [], 'red'],
    ['due before go-live: not tracked', '2026-06-10', [], 'on-track'],
    ['done (unnamed report closes the due occurrence)', '2027-06-09', [report('区司法局', 1, 'done', '2027-06-10T09:00:00+08:00')], 'done'],
    ['done early (closes the next upcoming one)', '2027-06-30', [report('区司法局', 1, 'done', '2027-06-01')], 'done'],
    ['blocked, deadline far', '2027-09-30', [report('区司法局', 1, 'blocked', '2027-06-01')], 'yellow'],
    ['blocked and overdue stays red', '2027-06-01', [report('区司法局', 1, 'blocked', '2027-06-01')], 'red'],
    ['blocked, then progress again', '2027-09-30', [report('区司法局', 1, 'blocked', '2027-06-01'), report('区司法局', 1, 'progress', '2027-06-05')], 'on-track'],
    ['a report after now does not count', '2027-06-09', [report('区司法局', 1, 'done', '2027-06-11')], 'red'],
  ])('%s: due %s → %s', (_what, due, progress, expected) => {
    expect(unitLight(due, progress)).toBe(expected);
  });

  it('continuous work right after go-live is not "behind" until the quarter\'s progress call has gone out', () => {
    const t = [makeTask({ number: 2, milestones: [continuous()], lead: ['区司法局'] })];
    const at = (day: string, track: string) =>
      statusOf({ tasks: t, progress: [], policy: DEFAULT_POLICY, calendar, now: instantAt(day, '10:00', TZ), tz: TZ, trackFrom: track })[0]!.status;
    // Live since 2026-11-29; the Q4 call goes out 2026-12-21 (10 days before the quarter ends, a Monday).
    expect(at('2026-11-30', '2026-11-29')).toBe('on-track');
    expect(at('2026-12-18', '2026-11-29')).toBe('on-track');
    expect(at('2026-12-21', '2026-11-29')).toBe('yellow');
    // Live for a whole quarter without a report: behind.
    expect(at('2026-11-30', '2026-06-01')).toBe('yellow');
  });

  it('a task is the worst of its lead units (other units do not colour it)', () => {
    const task = makeTask({ number: 2, milestones: [once('2027-06-01')], lead: ['区委办', '区政府办'], other: ['区司法局'] });
    const done = (u: string) => report(u, 2, 'done', '2027-05-30');
    expect(status([task], [done('区委办'), done('区政府办')])[0]!.status).toBe('done');
    expect(status([task], [done('区委办')])[0]!.status).toBe('red');
    const rows = status([task], [done('区委办'), done('区政府办')])[0]!.units;
    expect(rows.map((u) => `${u.unitName} ${u.role} ${u.status}`)).toEqual(['区委办 lead done', '区政府办 lead done', '区司法局 other red']);
  });

  it('a unit is the worst over its occurrences (task 68 in June 2027: 3月1日 done, 4月1日 overdue)', () => {
    const progress = [report('区委办', 68, 'done', '2027-02-26')];
    const u = status([task68()], progress)[0]!.units.find((x) => x.unitName === '区委办')!;
    expect(u.occurrences.map((o) => `${o.occurrence} ${o.status} ${o.daysLeft}`)).toEqual([
      '2027-03-01 done -101',
      '2028-03-01 on-track 265',
      '2027-04-01 red -70',
      '2028-04-01 on-track 296',
    ]);
    expect(u.status).toBe('red');
  });

  it.each<[string, string[], string, StatusLight]>([
    ['no progress this quarter, after the call day', [], '2027-06-21', 'yellow'],
    ['progress this quarter', ['2027-04-20'], '2027-06-21', 'on-track'],
    ['before the call day a report last quarter still counts', ['2027-03-01'], '2027-06-10', 'on-track'],
    ['after the call day last quarter no longer counts', ['2027-03-01'], '2027-06-21', 'yellow'],
    ['never reported', [], '2027-06-10', 'yellow'],
  ])('continuous: %s → %s', (_what, days, today, expected) => {
    const task = makeTask({ number: 3, milestones: [continuous()], lead: ['区司法局'] });
    const progress = days.map((d) => report('区司法局', 3, 'progress', d));
    expect(status([task], progress, instantAt(today, '10:00', TZ))[0]!.status).toBe(expected);
  });

  it('historical milestones and retired tasks are left out; collectives expand when units are given', () => {
    const task = makeTask({ number: 4, milestones: [once('2024-12-31', 'old', true)], lead: ['区司法局'], other: ['各乡镇(街道)'] });
    expect(status([task])[0]!.units.every((u) => u.occurrences.length === 0 && u.status === 'on-track')).toBe(true);
    expect(status([task68({ retired: true })])).toEqual([]);
    const expanded = statusOf({ tasks: [task], progress: [], policy: DEFAULT_POLICY, calendar, now: NOW, tz: TZ, units: UNITS });
    expect(expanded[0]!.units.map((u) => u.unitName)).toEqual(['区司法局', '鼓山镇', '新店镇', '岳峰镇']);
  });
});

describe('status board (one unit at a time) and open occurrences', () => {
  const board = (progress: ProgressRecord[] = [], units = UNITS) =>
    createStatusBoard({ progress, policy: DEFAULT_POLICY, calendar, now: NOW, tz: TZ, units, trackFrom: GO_LIVE });
  const april = (unit: string) => report(unit, 68, 'done', '2027-06-01', { milestoneKey: 'annual:04-01', occurrence: '2027-04-01' });

  it('gives the same rows as statusOf', () => {
    const progress = [report('区委办', 68, 'done', '2027-02-26'), report('鼓山镇', 68, 'blocked', '2027-05-01')];
    const b = board(progress);
    const all = statusOf({ tasks: [task68()], progress, policy: DEFAULT_POLICY, calendar, now: NOW, tz: TZ, units: UNITS, trackFrom: GO_LIVE });
    expect(b.recipients(task68()).map((r) => b.ofRecipient(task68(), r))).toEqual(all[0]!.units);
    expect(b.today).toBe('2027-06-10');
  });

  it('open occurrences: not closed, dated only, nearest first, with days left and the report period', () => {
    const t = makeTask({ number: 68, lead: ['区委办'], milestones: [...task68().milestones, continuous()] });
    const u = board([report('区委办', 68, 'done', '2027-02-26')]).ofUnit(t, '区委办')!;
    expect(openOccurrences(t, u).map((o) => `${o.due} ${o.status} ${o.daysLeft} ${o.periodLabel} ${o.milestone.key}`)).toEqual([
      '2027-04-01 red -70 2027年度 annual:04-01',
      '2028-03-01 on-track 265 2027年度 annual:03-01',
      '2028-04-01 on-track 296 2028年度 annual:04-01',
    ]);
    // Blocked: the lights turn yellow, the days left still say how near each deadline is.
    const blocked = board([report('区司法局', 1, 'blocked', '2027-06-01')]).ofUnit(makeTask({ number: 1, milestones: [once('2027-09-30')] }), '区司法局')!;
    expect(openOccurrences(makeTask({ number: 1, milestones: [once('2027-09-30')] }), blocked).map((o) => [o.status, o.daysLeft])).toEqual([['yellow', 112]]);
  });

  it('an expanded collective is done for an occurrence when every member is (its own report counts for all)', () => {
    const ofTowns = (progress: ProgressRecord[]) => {
      const u = board(progress).ofUnit(task68(), '各乡镇(街道)')!;
      return u.occurrences.find((o) => o.occurrence === '2027-04-01')!.status;
    };
    expect(ofTowns(TOWNS.slice(0, 2).map(april))).toBe('red');
    expect(ofTowns(TOWNS.map(april))).toBe('done');
    expect(ofTowns([april('各乡镇(街道)')])).toBe('done');
    expect(board().ofUnit(task68(), '各乡镇(街道)')).toMatchObject({ unitName: '各乡镇(街道)', role: 'other', status: 'red' });
  });

  it('a member of a collective with its own chat: its own and the collective\'s reports; aliases; units not on the task', () => {
    const units = UNITS.map((u) => (u.name === '各乡镇(街道)' ? { ...u, chatId: 'oc_towns' } : u));
    const b = board([april('各乡镇(街道)')], units);
    expect(b.recipients(task68()).map((r) => r.unitName)).not.toContain('鼓山镇');
    const gs = b.ofUnit(task68(), '鼓山镇')!;
    expect(gs).toMatchObject({ unitName: '鼓山镇', role: 'other' });
    expect(gs.occurrences.find((o) => o.occurrence === '2027-04-01')!.status).toBe('done');
    expect(b.ofUnit(task68(), '司法局')?.unitName).toBe('区司法局');
    expect(b.ofUnit(makeTask({ number: 1, milestones: [once('2027-09-30')] }), '区财政局')).toBeUndefined();
  });

  it('roleOn: the same units the board answers for', () => {
    const dir = unitDirectory(UNITS);
    const bound = unitDirectory(UNITS.map((u) => (u.name === '各乡镇(街道)' ? { ...u, chatId: 'oc_towns' } : u)));
    expect(roleOn(task68(), '区委办', dir)).toBe('lead');
    expect(roleOn(task68(), '司法局', dir)).toBe('other');
    expect(roleOn(task68(), '鼓山镇', dir)).toBe('other');
    expect(roleOn(task68(), '鼓山镇', bound)).toBe('other');
    expect(roleOn(task68(), '各乡镇(街道)', dir)).toBe('other');
    expect(roleOn(task68(), '区财政局', dir)).toBeNull();
  });
});

describe('boards over a growing list of reports', () => {
  const tasks = [1, 2].map((n) => makeTask({ number: n, milestones: [once('2027-06-30')], lead: ['区司法局', '区财政局'] }));
  const board = (progress: ProgressRecord[], now = NOW) => createStatusBoard({ progress, policy: DEFAULT_POLICY, calendar, now, tz: TZ, trackFrom: GO_LIVE });
  const lights = (progress: ProgressRecord[], now = NOW) => {
    const b = board(progress, now);
    return tasks.flatMap((t) => ['区司法局', '区财政局'].map((u) => `${t.number}/${u}: ${b.ofUnit(t, u)?.status}`));
  };

  it('a list the store extended (the last one plus newer reports) reads as a list read afresh', () => {
    const first = [report('区司法局', 1, 'progress', '2027-06-01')];
    expect(lights(first)).toEqual(['1/区司法局: on-track', '1/区财政局: on-track', '2/区司法局: on-track', '2/区财政局: on-track']);
    // The store hands out a new array: the old one plus what was added.
    const second = [...first, report('区司法局', 1, 'done', '2027-06-05'), report('区财政局', 2, 'blocked', '2027-06-06')];
    expect(lights(second)).toEqual(['1/区司法局: done', '1/区财政局: on-track', '2/区司法局: on-track', '2/区财政局: yellow']);
    // The earlier list still reads as it did (its index was not changed in place).
    expect(lights(first)).toEqual(['1/区司法局: on-track', '1/区财政局: on-track', '2/区司法局: on-track', '2/区财政局: on-track']);
    const third = [...second, report('区财政局', 2, 'progress', '2027-06-07')];
    expect(lights(third)).toEqual(lights([...third]));
    expect(lights(third)[3]).toBe('2/区财政局: on-track');
  });

  it('a list that is not the last one extended (another order, a report after now) is read afresh', () => {
    const a = [report('区司法局', 1, 'progress', '2027-06-02')];
    lights(a);
    // An earlier report added in front: not an extension.
    const b = [report('区财政局', 1, 'done', '2027-06-01'), ...a];
    expect(lights(b)[1]).toBe('1/区财政局: done');
    // A report after now does not count, and the list is read again once now has passed it.
    const c = [...b, report('区司法局', 1, 'done', '2027-06-12')];
    expect(lights(c)[0]).toBe('1/区司法局: on-track');
    expect(lights(c, instantAt('2027-06-13', '10:00', TZ))[0]).toBe('1/区司法局: done');
  });
});
