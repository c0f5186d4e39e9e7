import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/clock.ts';
import { createWorkCalendar, loadHolidayOverride } from '../../src/schedule/calendar.ts';
import { planPass, previewReminders, PREVIEW_MAX_DAYS } from '../../src/schedule/plan-reminders.ts';
import type { PlannedReminder } from '../../src/schedule/types.ts';
import {
  baseInput, calendar, continuous, lines, makeTask, OFFICE, once, passAt, passOn, report, T68_UNITS, task68, TOWNS, UNITS,
} from './builders.ts';

const LADDER = ['D-30', 'D-7', 'W-3', 'W-1', 'D0'];
const OVERDUE = ['OD+1', ...Array.from({ length: 8 }, (_, i) => `OD+W${i + 1}`)];
const of = (rs: PlannedReminder[], unit: string, occurrence?: string) =>
  rs.filter((r) => r.unitName === unit && (!occurrence || r.occurrence === occurrence)).map((r) => r.step);

describe('planReminders: task 68 through 2027', () => {
  it('what would be sent on 2027-02-22? the D-7 step of the 3月1日 report, to every unit', () => {
    expect(lines(passOn('2027-02-22'))).toEqual(T68_UNITS.map((u) => `${u} 2027-03-01 D-7`));
  });

  it('a year stepped day by day sends each step once, on its working day, before 3月1日 and 4月1日', () => {
    const firstSeen = new Map<string, { day: string; r: PlannedReminder }>();
    const passesOnDaysOff: string[] = [];
    for (let d = '2027-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
      const rs = passOn(d);
      if (rs.length > 0 && !calendar.isWorkday(d)) passesOnDaysOff.push(d);
      for (const r of rs) if (!firstSeen.has(r.key)) firstSeen.set(r.key, { day: d, r });
    }
    expect(passesOnDaysOff).toEqual([]);
    const unitFacing = [...firstSeen.values()].filter((x) => x.r.kind !== 'office-overdue');
    expect(unitFacing.filter((x) => x.day !== x.r.sendOn)).toEqual([]); // nothing late, nothing early
    for (const unit of T68_UNITS) {
      for (const due of ['2027-03-01', '2027-04-01']) {
        const mine = unitFacing.filter((x) => x.r.unitName === unit && x.r.occurrence === due);
        expect(mine.map((x) => x.r.step)).toEqual([...LADDER, ...OVERDUE]);
        expect(mine.filter((x) => x.r.kind === 'reminder').every((x) => x.day <= due)).toBe(true);
      }
    }
    const days = unitFacing.filter((x) => x.r.unitName === '区委办' && x.r.kind === 'reminder').map((x) => `${x.r.step} ${x.day}`);
    expect(days).toEqual([
      'D-30 2027-01-29', 'D-7 2027-02-22', 'W-3 2027-02-24', 'W-1 2027-02-26', 'D0 2027-03-01',
      'D-30 2027-03-02', 'D-7 2027-03-25', 'W-3 2027-03-29', 'W-1 2027-03-31', 'D0 2027-04-01',
    ]);
  });

  it('is idempotent: the same day planned twice, or later that day, gives the same keys', () => {
    const keys = (rs: PlannedReminder[]) => rs.map((r) => r.key);
    expect(keys(passOn('2027-02-24'))).toEqual(keys(passOn('2027-02-24')));
    expect(keys(passAt('2027-02-24T23:59:00+08:00').reminders)).toEqual(keys(passOn('2027-02-24')));
    expect(passOn('2027-02-24')[0]!.key).toBe('区委办|68|annual:03-01|2027-03-01|W-3');
  });
});

describe('when a pass sends', () => {
  it.each([
    ['2027-02-22T09:16:59+08:00', 0, 'before the send time'],
    ['2027-02-22T09:17:00+08:00', 6, 'at the send time'],
    ['2027-02-22T01:17:00Z', 6, 'the same instant written in UTC'],
    ['2027-02-21T23:00:00Z', 0, '07:00 in Shanghai'],
    ['2027-02-27T10:00:00+08:00', 0, 'a Saturday'],
  ])('%s: %i reminders (%s)', (iso, n) => {
    expect(passAt(iso).reminders).toHaveLength(n);
  });
});

describe('downtime: a missed step is sent late once, a superseded one not at all', () => {
  it.each([
    ['2027-01-28', []],
    ['2027-02-01', ['D-30']], // down from 01-29 to 01-31: D-30 late
    ['2027-02-23', ['D-7']], // D-7 (02-22) missed
    ['2027-02-25', ['W-3']], // D-7 and W-3 both missed: only W-3
    ['2027-03-01', ['D0']],
    ['2027-03-08', ['OD+1']], // down 03-02..03-07
    ['2027-05-03', ['OD+W8']], // the last notice stays current for a week ...
    ['2027-05-04', []], // ... then the unit hears no more
  ])('first pass after downtime on %s sends %j', (day, steps) => {
    expect(of(passOn(day), '区委办', '2027-03-01')).toEqual(steps);
  });
});

describe('deadlines on days off move earlier', () => {
  const task = makeTask({ number: 12, milestones: [once('2026-02-22', '春节期间到期')], lead: ['区司法局'] });
  it.each([
    ['2026-02-12', ['W-3']],
    ['2026-02-13', ['W-3']],
    ['2026-02-14', ['D0']], // a Saturday, but a make-up working day: the last one before the Sunday deadline
    ['2026-02-16', []], // 春节: no pass sends anything
    ['2026-02-24', ['OD+1']], // the first working day after the deadline
  ])('on %s: %j', (day, steps) => {
    expect(passOn(day, { tasks: [task], trackFrom: undefined }).filter((r) => r.kind !== 'office-overdue').map((r) => r.step)).toEqual(steps);
  });

  it('a weekend deadline in an ordinary week: D0 on the Friday', () => {
    const sunday = makeTask({ number: 13, milestones: [once('2027-05-30')], lead: ['区司法局'] });
    const week = previewReminders(baseInput({ tasks: [sunday] }), '2027-05-24', '2027-05-31');
    expect(week.map((r) => `${r.step} ${r.sendOn}`)).toEqual(['D-7 2027-05-21', 'W-3 2027-05-26', 'D0 2027-05-28', 'OD+1 2027-05-31', 'OFFICE@2027-05-31 2027-05-31']);
  });
});

describe('done', () => {
  const done = (unit: string, when: string, extra = {}) => report(unit, 68, 'done', when, extra);

  it('stops later steps and overdue notices for that unit only', () => {
    const progress = [done('区司法局', '2027-02-25')];
    expect(of(passOn('2027-02-26', { progress }), '区司法局')).toEqual([]);
    expect(of(passOn('2027-02-26', { progress }), '区委办')).toEqual(['W-1']);
    const m2 = passOn('2027-03-02', { progress });
    expect(of(m2, '区司法局', '2027-03-01')).toEqual([]);
    expect(of(m2, '区司法局', '2027-04-01')).toEqual(['D-30']); // the publication is a separate occurrence
    expect(m2.filter((r) => r.kind === 'office-overdue').map((r) => r.aboutUnit)).not.toContain('区司法局');
  });

  it('a late unnamed done closes the overdue occurrence, not the next one', () => {
    const progress = [done('区委办', '2027-03-05')];
    expect(of(passOn('2027-03-09', { progress }), '区委办', '2027-03-01')).toEqual([]);
    expect(of(passOn('2027-03-25', { progress }), '区委办', '2027-04-01')).toEqual(['D-7']);
  });

  it('a done naming an occurrence closes only that one', () => {
    const progress = [done('区委办', '2027-02-25', { milestoneKey: 'annual:04-01', occurrence: '2027-04-01' })];
    expect(of(passOn('2027-03-02', { progress }), '区委办')).toEqual(['OD+1']);
  });

  it('blocked does not close (and shows as the last progress)', () => {
    const rs = passOn('2027-02-26', { progress: [report('区委办', 68, 'blocked', '2027-02-25')] });
    const mine = rs.filter((r) => r.unitName === '区委办');
    expect(mine.map((r) => r.step)).toEqual(['W-1']);
    expect(mine[0]!.lastProgress).toMatchObject({ status: 'blocked', day: '2027-02-25' });
  });

  it('a done by the collective unit closes it for every member', () => {
    const rs = passOn('2027-02-26', { progress: [done('各乡镇(街道)', '2027-02-25')] });
    expect(rs.map((r) => r.unitName)).toEqual(['区委办', '区政府办', '区司法局']);
  });

  it('ignores reports recorded after now', () => {
    expect(of(passOn('2027-02-26', { progress: [done('区委办', '2027-02-27')] }), '区委办')).toEqual(['W-1']);
  });
});

describe('annual rollover', () => {
  it('after 2027-03-01 the next report is due 2028-03-01 (on 2027), while 2027-03-01 still escalates', () => {
    expect(lines(passOn('2027-03-02').filter((r) => r.unitName === '区委办'))).toEqual([
      '区委办 2027-03-01 OD+1',
      '区委办 2027-04-01 D-30',
    ]);
    const jan = passOn('2028-01-31').filter((r) => r.unitName === '区委办');
    expect(jan.map((r) => [r.occurrence, r.step, r.periodLabel])).toEqual([['2028-03-01', 'D-30', '2027年度']]);
  });

  it('labels the 2027-03-01 report as the 2026 report', () => {
    expect(passOn('2027-02-22')[0]).toMatchObject({ occurrence: '2027-03-01', periodLabel: '2026年度', label: '完成上一年度法治政府建设情况报告' });
  });
});

describe('silence', () => {
  it.each([
    ['historical milestones', makeTask({ number: 5, milestones: [once('2027-03-01', '已过期', true)] })],
    ['retired tasks', task68({ retired: true })],
  ])('%s are never reminded', (_what, task) => {
    expect(previewReminders(baseInput({ tasks: [task] }), '2027-01-01', '2027-12-31')).toEqual([]);
  });
});

describe('recipients', () => {
  it('a collective without a chat reaches each member (an unbound member gets chatId null)', () => {
    const towns = passOn('2027-02-22').filter((r) => TOWNS.includes(r.unitName));
    expect(towns.map((r) => [r.unitName, r.chatId, r.role])).toEqual([
      ['鼓山镇', 'oc_gs', 'other'],
      ['新店镇', 'oc_xd', 'other'],
      ['岳峰镇', null, 'other'],
    ]);
  });

  it('a collective with its own chat is reached there', () => {
    const units = UNITS.map((u) => (u.name === '各乡镇(街道)' ? { ...u, chatId: 'oc_towns' } : u));
    expect(passOn('2027-02-22', { units }).map((r) => r.unitName)).toEqual(['区委办', '区政府办', '区司法局', '各乡镇(街道)']);
  });

  it('a member listed as lead and through a collective is reminded once, as lead', () => {
    const task = makeTask({ number: 9, milestones: [once('2027-03-01')], lead: ['鼓山镇'], other: ['各乡镇(街道)'] });
    expect(passOn('2027-02-22', { tasks: [task] }).map((r) => `${r.unitName} ${r.role}`)).toEqual(['鼓山镇 lead', '新店镇 other', '岳峰镇 other']);
  });

  it('an alias finds the unit', () => {
    const task = makeTask({ number: 9, milestones: [once('2027-03-01')], lead: ['司法局'] });
    expect(passOn('2027-02-22', { tasks: [task] }).map((r) => [r.unitName, r.chatId])).toEqual([['区司法局', 'oc_sfj']]);
  });
});

describe('office-overdue', () => {
  const office = (rs: PlannedReminder[]) => rs.filter((r) => r.kind === 'office-overdue');

  it('one item per overdue (task, unit, occurrence) per working day, to the office chat', () => {
    const progress = [report('区委办', 68, 'progress', '2027-02-28', { percent: 60 }), report('区政府办', 68, 'done', '2027-03-01')];
    const rs = office(passOn('2027-03-03', { progress }));
    expect(rs.map((r) => r.aboutUnit)).toEqual(['区委办', '区司法局', ...TOWNS]);
    expect(rs.every((r) => r.unitName === OFFICE && r.chatId === 'oc_office' && r.daysOverdue === 2 && r.step === 'OFFICE@2027-03-03')).toBe(true);
    expect(rs[0]!.lastProgress).toMatchObject({ percent: 60, day: '2027-02-28' });
    expect(new Set(rs.map((r) => r.key)).size).toBe(rs.length);
    expect(office(passOn('2027-03-06'))).toEqual([]); // Saturday
    expect(office(passOn('2027-03-08', { progress })).map((r) => r.daysOverdue)).toEqual([7, 7, 7, 7, 7]);
  });

  it('keeps going after the unit notices stop, and has a null chat when the office is unbound', () => {
    const units = UNITS.filter((u) => u.name !== OFFICE);
    const rs = passOn('2027-06-01', { units });
    expect(rs.filter((r) => r.kind === 'overdue' && r.occurrence === '2027-03-01')).toEqual([]);
    const about03 = office(rs).filter((r) => r.occurrence === '2027-03-01');
    expect(about03).toHaveLength(6);
    expect(about03.every((r) => r.chatId === null && r.daysOverdue === 92)).toBe(true);
  });

  it('without a go-live day the previous cycle counts as overdue too', () => {
    expect(office(passOn('2027-02-22', { trackFrom: undefined })).map((r) => r.occurrence)).toEqual([
      ...T68_UNITS.flatMap(() => ['2026-03-01', '2026-04-01']),
    ]);
  });
});

describe('continuous tasks', () => {
  const task70 = makeTask({ number: 70, milestones: [continuous('持续推进')], lead: ['区司法局'] });
  const plan = (day: string, progress = [] as ReturnType<typeof report>[]) =>
    passOn(day, { tasks: [task70], progress }).map((r) => `${r.kind} ${r.step} ${r.occurrence} ${r.sendOn}`);

  it.each([
    ['2027-03-18', [], []],
    ['2027-03-19', [], ['quarterly Q2027Q1 2027-03-31 2027-03-19']], // 03-21 is a Sunday
    ['2027-03-31', [], ['quarterly Q2027Q1 2027-03-31 2027-03-19']], // missed calls go out within the quarter
    ['2027-03-19', ['2027-01-05'], []], // already reported this quarter
    ['2027-04-01', [], ['idle IDLE90 2027-01-01 2027-04-01']], // never reported: stretches from 1 January
    ['2027-04-02', ['2027-01-04'], []],
    ['2027-04-05', ['2027-01-04'], ['idle IDLE90 2027-01-04 2027-04-05']], // 04-04 is a Sunday
    ['2027-06-18', ['2027-01-04'], ['quarterly Q2027Q2 2027-06-30 2027-06-18', 'idle IDLE90 2027-01-04 2027-04-05']],
    ['2027-07-05', ['2027-01-04'], ['idle IDLE90 2027-04-04 2027-07-05']], // the next stretch
  ])('on %s with reports %j: %j', (day, reports, expected) => {
    expect(plan(day, reports.map((d) => report('区司法局', 70, 'progress', d)))).toEqual(expected);
  });

  it('the idle stretch of a unit that never reported starts at go-live, not on 1 January', () => {
    const live = (day: string) =>
      passOn(day, { tasks: [task70], progress: [], trackFrom: '2027-02-15' }).map((r) => `${r.kind} ${r.step} ${r.occurrence} ${r.sendOn}`);
    expect(live('2027-04-01')).toEqual([]);
    expect(live('2027-05-17')).toEqual(['idle IDLE90 2027-02-15 2027-05-17']);
  });
});

describe('calendar warnings', () => {
  it('a pass that touches 2027 says so; an override describing 2027 silences it', () => {
    expect(passAt('2026-11-30T09:30:00+08:00').warnings.map((w) => w.year)).toEqual([2027]);
    expect(passAt('2027-02-22T09:30:00+08:00').warnings.map((w) => w.year)).toEqual([2027]);
    const known = createWorkCalendar(loadHolidayOverride({ years: [2027, 2028] }));
    expect(planPass({ ...baseInput({ calendar: known }), now: new Date('2027-02-22T09:30:00+08:00') }).warnings).toEqual([]);
    expect(passAt('2025-06-03T09:30:00+08:00').warnings).toEqual([]);
  });
});

describe('previewReminders', () => {
  it('is the union of what each day would send, each key once', () => {
    const week = previewReminders(baseInput(), '2027-02-22', '2027-02-28');
    expect(week.filter((r) => r.unitName === '区委办').map((r) => `${r.step} ${r.sendOn}`)).toEqual(['D-7 2027-02-22', 'W-3 2027-02-24', 'W-1 2027-02-26']);
    expect(week).toHaveLength(18);
    expect(previewReminders(baseInput(), '2027-02-22', '2027-02-22')).toEqual(passOn('2027-02-22'));
  });

  it.each([
    ['2027-03-01', '2027-02-01', 'before it starts'],
    ['2027-01-01', addDays('2027-01-01', PREVIEW_MAX_DAYS), 'longer than'],
  ])('rejects %s..%s', (from, to, message) => {
    expect(() => previewReminders(baseInput(), from, to)).toThrow(message);
  });
});
