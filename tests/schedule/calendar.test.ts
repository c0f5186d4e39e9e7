import fs from 'node:fs';
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/clock.ts';
import { createWorkCalendar, loadHolidayOverride } from '../../src/schedule/calendar.ts';
import { PACKAGE_LAST_YEAR, PACKAGE_YEARS } from '../../src/schedule/package-holidays.ts';

const cal = createWorkCalendar();

describe('createWorkCalendar (no override)', () => {
  it.each([
    ['2024-02-04', true, 'Sunday make-up day before 春节 2024'],
    ['2025-10-08', false, '国庆/中秋 2025'],
    ['2026-01-04', true, 'Sunday make-up day'],
    ['2026-02-14', true, 'Saturday make-up day'],
    ['2026-02-23', false, '春节 2026 (a Monday)'],
    ['2026-02-28', true, 'Saturday make-up day'],
    ['2026-05-09', true, 'Saturday make-up day'],
    ['2026-09-20', true, 'Sunday make-up day'],
    ['2026-10-10', true, 'Saturday make-up day'],
    ['2026-10-01', false, '国庆'],
    ['2026-11-30', true, 'plain Monday'],
    ['2026-11-29', false, 'plain Sunday'],
    ['2027-01-01', true, '2027 unknown: weekends only, so New Year (a Friday) counts as working'],
    ['2027-10-01', true, '2027 unknown: weekends only'],
    ['2027-02-06', false, '2027 unknown: a Saturday'],
  ])('%s is a working day: %s (%s)', (day, expected) => {
    expect(cal.isWorkday(day)).toBe(expected);
  });

  it('knows chinese-days through 2026 and nothing after (pinned: bump with the package)', () => {
    expect(PACKAGE_LAST_YEAR).toBe(2026);
    expect(Math.min(...PACKAGE_YEARS)).toBe(2004);
    expect(cal.packageLastYear).toBe(2026);
    expect([2004, 2021, 2026].map(cal.hasData)).toEqual([true, true, true]);
    expect(cal.hasData(2027)).toBe(false);
  });

  it('agrees with the package API on every day of 2024-2026 (run in TZ=UTC)', () => {
    const disagree: string[] = [];
    for (let d = '2024-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      if (cal.isWorkday(d) !== chineseDays.isWorkday(d)) disagree.push(d);
    }
    expect(disagree).toEqual([]);
  });

  it('reports 2027 as a year without data, as data (not silently)', () => {
    expect(cal.unknownYears([2026, 2027, 2027, 2028])).toEqual([2027, 2028]);
    const [w] = cal.warnings([2027]);
    expect(w!.year).toBe(2027);
    expect(w!.message).toContain('2027');
    expect(w!.message).toContain('holidays-override.json');
    expect(cal.warnings([2025, 2026])).toEqual([]);
  });

  it.each([
    ['nextWorkday', '2026-09-30', '2026-10-08'],
    ['nextWorkday', '2026-10-08', '2026-10-09'],
    ['nextWorkday', '2026-10-09', '2026-10-10'],
    ['previousWorkday', '2026-02-24', '2026-02-14'],
    ['previousWorkday', '2026-02-16', '2026-02-14'],
    ['onOrBeforeWorkday', '2026-02-22', '2026-02-14'],
    ['onOrBeforeWorkday', '2026-02-13', '2026-02-13'],
    ['onOrAfterWorkday', '2026-02-15', '2026-02-24'],
    ['onOrAfterWorkday', '2027-03-06', '2027-03-08'],
  ] as const)('%s(%s) = %s', (fn, day, expected) => {
    expect(cal[fn](day)).toBe(expected);
  });

  it.each([
    ['2026-10-09', -3, '2026-09-29'],
    ['2026-10-09', -1, '2026-10-08'],
    ['2026-10-09', 0, '2026-10-09'],
    ['2026-09-30', 1, '2026-10-08'],
    ['2026-02-13', 2, '2026-02-24'],
    ['2027-03-01', -3, '2027-02-24'],
  ])('addWorkdays(%s, %i) = %s', (day, n, expected) => {
    expect(cal.addWorkdays(day, n)).toBe(expected);
  });
});

describe('holiday override', () => {
  it('is checked first and, with years, describes a year fully (no warning)', () => {
    const c = createWorkCalendar(
      loadHolidayOverride({ holidays: ['2027-01-01', '2026-11-30'], workdays: ['2027-02-06'], years: [2027] }),
    );
    expect(c.isWorkday('2027-01-01')).toBe(false);
    expect(c.isWorkday('2027-02-06')).toBe(true);
    expect(c.isWorkday('2026-11-30')).toBe(false); // beats the package too
    expect(c.hasData(2027)).toBe(true);
    expect(c.warnings([2027])).toEqual([]);
    expect(c.nextWorkday('2026-12-31')).toBe('2027-01-04');
  });

  it('with dates but without the year listed still warns (partial data)', () => {
    const c = createWorkCalendar(loadHolidayOverride({ holidays: ['2027-01-01'] }));
    expect(c.isWorkday('2027-01-01')).toBe(false);
    expect(c.unknownYears([2027])).toEqual([2027]);
  });

  it.each([
    [{ holidays: ['2027-13-01'] }, 'holidays.0: expected a calendar day YYYY-MM-DD'],
    [{ workdays: '2027-02-06' }, 'workdays:'],
    [{ years: [27] }, 'years.0:'],
    [{ holidays: ['2027-02-06'], workdays: ['2027-02-06'] }, '2027-02-06 is listed both'],
    [{ holiday: [] }, 'holiday'],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => loadHolidayOverride(json)).toThrow(message);
  });

  it('ships data/holidays-override.json valid and empty: 2027 is not invented', () => {
    const o = loadHolidayOverride(JSON.parse(fs.readFileSync('data/holidays-override.json', 'utf8')));
    expect(o).toMatchObject({ holidays: [], workdays: [], years: [] });
    expect(createWorkCalendar(o).unknownYears([2027])).toEqual([2027]);
  });
});
