import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../src/clock.ts';
import { diffDays, plusDays, weekdayOf } from '../../src/schedule/day-math.ts';

describe('day-math agrees with clock.ts', () => {
  it.each([
    ['2027-02-28', 1],
    ['2028-02-28', 1],
    ['2026-12-31', 1],
    ['2027-03-01', -1],
    ['2027-03-01', -30],
    ['2027-01-04', 90],
    ['2026-03-29', 400],
  ])('plusDays(%s, %i)', (day, n) => {
    expect(plusDays(day, n)).toBe(addDays(day, n));
    expect(diffDays(day, plusDays(day, n))).toBe(daysBetween(day, addDays(day, n)));
  });

  it('weekdayOf: 2027-03-01 is a Monday, 2026-02-14 a Saturday', () => {
    expect([weekdayOf('2027-03-01'), weekdayOf('2026-02-14'), weekdayOf('2026-02-15')]).toEqual([1, 6, 0]);
  });
});
