import { describe, expect, it } from 'vitest';
import { currentStep, stepsFor } from '../../src/schedule/ladder.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';
import { calendar } from './builders.ts';

const before = (due: string) =>
  stepsFor(due, DEFAULT_POLICY, calendar)
    .filter((s) => s.kind === 'reminder')
    .map((s) => `${s.id} ${s.sendOn}`);

describe('stepsFor: the ladder before a deadline', () => {
  it.each([
    ['2026-06-01', 'a Monday; D-30 falls in the May Day break', ['D-30 2026-04-30', 'D-7 2026-05-25', 'W-3 2026-05-27', 'W-1 2026-05-29', 'D0 2026-06-01']],
    ['2026-02-22', 'a Sunday inside 春节: D-7, W-1 and D0 all land on the make-up Saturday 02-14', ['D-30 2026-01-23', 'W-3 2026-02-12', 'D0 2026-02-14']],
    ['2026-10-03', 'a Saturday in the National Day break; D-7 skips 中秋 (09-25)', ['D-30 2026-09-03', 'D-7 2026-09-24', 'W-3 2026-09-28', 'D0 2026-09-30']],
    ['2026-10-09', 'the Friday after the break: W-3 comes before D-7', ['D-30 2026-09-09', 'W-3 2026-09-29', 'D-7 2026-09-30', 'W-1 2026-10-08', 'D0 2026-10-09']],
    ['2027-03-01', 'a Monday in 2027 (weekends only)', ['D-30 2027-01-29', 'D-7 2027-02-22', 'W-3 2027-02-24', 'W-1 2027-02-26', 'D0 2027-03-01']],
    ['2027-04-01', 'a Thursday in 2027', ['D-30 2027-03-02', 'D-7 2027-03-25', 'W-3 2027-03-29', 'W-1 2027-03-31', 'D0 2027-04-01']],
  ])('due %s (%s)', (due, _why, expected) => {
    expect(before(due)).toEqual(expected);
  });

  it('every step is on a working day and days strictly increase', () => {
    for (const due of ['2026-02-22', '2026-10-03', '2026-10-09', '2026-01-01', '2027-03-01']) {
      const steps = stepsFor(due, DEFAULT_POLICY, calendar);
      expect(steps.every((s) => calendar.isWorkday(s.sendOn))).toBe(true);
      expect(steps.map((s) => s.sendOn)).toEqual([...new Set(steps.map((s) => s.sendOn))].sort());
    }
  });
});

describe('stepsFor: overdue notices', () => {
  it('next working day, then weekly (moved later off days off), capped at 8', () => {
    const od = stepsFor('2026-02-13', DEFAULT_POLICY, calendar).filter((s) => s.kind === 'overdue');
    expect(od.map((s) => `${s.id} ${s.sendOn}`)).toEqual([
      'OD+1 2026-02-14', // the make-up Saturday
      'OD+W1 2026-02-24', // 02-21 is in 春节
      'OD+W2 2026-02-28',
      'OD+W3 2026-03-09',
      'OD+W4 2026-03-16',
      'OD+W5 2026-03-23',
      'OD+W6 2026-03-30',
      'OD+W7 2026-04-07', // 04-06 清明
      'OD+W8 2026-04-13',
    ]);
  });
});

describe('currentStep: the latest step on or before today', () => {
  const steps = stepsFor('2027-03-01', DEFAULT_POLICY, calendar);
  it.each([
    ['2027-01-28', undefined],
    ['2027-01-29', 'D-30'],
    ['2027-02-21', 'D-30'],
    ['2027-02-23', 'D-7'],
    ['2027-02-25', 'W-3'],
    ['2027-03-01', 'D0'],
    ['2027-03-02', 'OD+1'],
    ['2027-04-27', 'OD+W8'],
    ['2027-05-03', 'OD+W8'],
    ['2027-05-04', undefined], // a week after the last notice: silent
  ])('on %s: %s', (today, id) => {
    expect(currentStep(steps, today, 7)?.id).toBe(id);
  });
});
