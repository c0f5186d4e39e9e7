import { describe, expect, it } from 'vitest';
import { addDays, dayOf, instantAt } from '../../src/clock.ts';
import { checkExtension, movedDeadlines, planEndFor, readDay, undecidedExtensions, type ExtensionRecord } from '../../src/schedule/extensions.ts';
import { statusOf } from '../../src/schedule/status.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';
import type { PlannedReminder } from '../../src/schedule/types.ts';
import { calendar, makeTask, once, passOn, task68, TZ, UNITS } from './builders.ts';

const ext = (over: Partial<ExtensionRecord> = {}): ExtensionRecord => ({
  id: 1,
  taskNumber: 68,
  unitName: '区委办',
  milestoneKey: 'annual:03-01',
  occurrence: '2027-03-01',
  fromDue: '2027-03-01',
  newDue: '2027-03-15',
  reason: '等待上级批复',
  status: 'approved',
  requesterId: 'ou_a',
  requesterName: '张三',
  chatId: 'oc_qwb',
  messageId: 'om_1',
  createdAt: instantAt('2027-02-23', '10:00', TZ),
  decidedBy: 'ou_office',
  decidedByName: '李四',
  decidedAt: instantAt('2027-02-23', '16:00', TZ),
  comment: null,
  ...over,
});

const dayIn = (d: Date) => dayOf(d, TZ);

describe('checkExtension', () => {
  const base = { today: '2027-02-23', due: '2027-03-01', maxDays: 90, planEnd: '2027-12-31' };
  it.each([
    ['2027-03-15', { ok: true, days: 14 }],
    ['2027-03-01', { ok: false, reason: 'not-later', due: '2027-03-01' }],
    ['2027-02-27', { ok: false, reason: 'not-later', due: '2027-03-01' }],
    ['2027-05-30', { ok: true, days: 90 }],
    ['2027-05-31', { ok: false, reason: 'too-far', due: '2027-03-01', maxDays: 90, latest: '2027-05-30' }],
  ])('to %s', (newDue, expected) => {
    expect(checkExtension({ ...base, newDue })).toEqual(expected);
  });
  it('after the plan ends, or once the deadline has passed', () => {
    expect(checkExtension({ ...base, due: '2025-12-01', today: '2025-11-20', newDue: '2026-01-15', planEnd: '2025-12-31' })).toEqual({ ok: false, reason: 'after-plan-end', planEnd: '2025-12-31' });
    expect(checkExtension({ ...base, today: '2027-03-02', newDue: '2027-03-15' })).toEqual({ ok: false, reason: 'deadline-passed', due: '2027-03-01' });
    // On the deadline day itself the unit may still ask.
    expect(checkExtension({ ...base, today: '2027-03-01', newDue: '2027-03-15' }).ok).toBe(true);
  });
});

describe('planEndFor', () => {
  it('is the end of the last year a dated deadline falls in, never before the occurrence’s own year', () => {
    const tasks = [makeTask({ number: 1, milestones: [once('2025-06-30')] }), task68()];
    expect(planEndFor(tasks, '2025-06-30')).toBe('2025-12-31');
    expect(planEndFor(tasks, '2027-03-01')).toBe('2027-12-31');
  });
});

describe('readDay', () => {
  it.each([
    ['2027-03-15', '2027-03-15'],
    ['2027/3/5', '2027-03-05'],
    ['2027.3.5', '2027-03-05'],
    ['2027年3月15日', '2027-03-15'],
    ['2027-02-30', null],
    ['3月15日', null],
    ['明天', null],
  ])('%s → %s', (s, day) => expect(readDay(s)).toBe(day));
});

describe('movedDeadlines', () => {
  it('takes the latest approved request of an occurrence; pending and refused ones move nothing', () => {
    const moved = movedDeadlines(
      [
        ext({ id: 1, newDue: '2027-03-10' }),
        ext({ id: 2, newDue: '2027-03-20', decidedAt: instantAt('2027-03-05', '10:00', TZ) }),
        ext({ id: 3, newDue: '2027-04-20', status: 'refused' }),
        ext({ id: 4, newDue: '2027-05-20', status: 'pending', decidedAt: null }),
      ],
      dayIn,
    );
    expect([...moved]).toEqual([['区委办|68|annual:03-01|2027-03-01', { due: '2027-03-20', since: '2027-03-05' }]]);
  });
});

const steps = (rs: PlannedReminder[], unit: string) => rs.filter((r) => r.unitName === unit && r.milestoneKey === 'annual:03-01').map((r) => r.step);

describe('the planner with an approved extension', () => {
  const extensions = [ext()];
  it('what would be sent on 2027-02-24? nothing of the old ladder to 区委办; 区政府办 keeps W-3', () => {
    expect(steps(passOn('2027-02-24', { extensions }), '区委办')).toEqual([]);
    expect(steps(passOn('2027-02-24', { extensions }), '区政府办')).toEqual(['W-3']);
  });

  it('follows the new day: its ladder from the decision on, no overdue notice for the original day', () => {
    const firstSeen = new Map<string, PlannedReminder & { day: string }>();
    for (let d = '2027-02-15'; d <= '2027-04-30'; d = addDays(d, 1))
      for (const r of passOn(d, { extensions })) if (r.unitName === '区委办' && r.milestoneKey === 'annual:03-01' && !firstSeen.has(r.key)) firstSeen.set(r.key, { ...r, day: d });
    const seen = [...firstSeen.values()].map((r) => `${r.step} ${r.day}`);
    expect(seen.slice(0, 8)).toEqual([
      'D-30 2027-02-15', // the original ladder, before the request was approved
      'D-7 2027-02-22',
      'D-7@2027-03-15 2027-03-08',
      'W-3@2027-03-15 2027-03-10',
      'W-1@2027-03-15 2027-03-12',
      'D0@2027-03-15 2027-03-15',
      'OD+1@2027-03-15 2027-03-16',
      'OD+W1@2027-03-15 2027-03-23',
    ]);
    const overdue = [...firstSeen.values()].find((r) => r.step === 'OD+1@2027-03-15')!;
    // The occurrence is still the one due on 1 March (what a reply answers); the deadline in force is the 15th.
    expect(overdue).toMatchObject({ occurrence: '2027-03-01', extendedTo: '2027-03-15', daysOverdue: 1, kind: 'overdue' });
  });

  it('the office hears of 区委办 only after the new day has passed', () => {
    const officeAbout = (day: string) => passOn(day, { extensions }).filter((r) => r.kind === 'office-overdue' && r.milestoneKey === 'annual:03-01').map((r) => r.aboutUnit);
    expect(officeAbout('2027-03-02')).not.toContain('区委办');
    expect(officeAbout('2027-03-02')).toContain('区政府办');
    expect(officeAbout('2027-03-16')).toContain('区委办');
  });
});

describe('lights with an approved extension', () => {
  it('count down to the new day and keep the original visible', () => {
    const lights = (day: string) =>
      statusOf({ tasks: [task68()], progress: [], policy: DEFAULT_POLICY, calendar, now: instantAt(day, '10:00', TZ), tz: TZ, units: UNITS, extensions: [ext()] })[0]!
        .units.filter((u) => u.unitName === '区委办' || u.unitName === '区政府办')
        .map((u) => [u.unitName, u.occurrences.find((o) => o.milestoneKey === 'annual:03-01')]);
    const on0303 = Object.fromEntries(lights('2027-03-03'));
    expect(on0303['区委办']).toMatchObject({ occurrence: '2027-03-01', extendedTo: '2027-03-15', status: 'on-track', daysLeft: 12 });
    expect(on0303['区政府办']).toMatchObject({ occurrence: '2027-03-01', status: 'red', daysLeft: -2 });
    expect(Object.fromEntries(lights('2027-03-10'))['区委办']).toMatchObject({ status: 'blue', daysLeft: 5 });
    expect(Object.fromEntries(lights('2027-03-16'))['区委办']).toMatchObject({ status: 'red', daysLeft: -1 });
  });
});

describe('undecidedExtensions', () => {
  it('lists pending requests made at least 3 working days ago', () => {
    // Asked on Tuesday 2027-02-23: three working days on is Friday the 26th.
    const pending = [ext({ status: 'pending', decidedAt: null }), ext({ id: 2, status: 'pending', decidedAt: null, createdAt: instantAt('2027-02-25', '10:00', TZ) }), ext({ id: 3 })];
    expect(undecidedExtensions(pending, '2027-02-25', 3, calendar, dayIn).map((e) => e.id)).toEqual([]);
    expect(undecidedExtensions(pending, '2027-02-26', 3, calendar, dayIn).map((e) => e.id)).toEqual([1]);
    expect(undecidedExtensions(pending, '2027-03-02', 3, calendar, dayIn).map((e) => e.id)).toEqual([1, 2]);
  });
});
