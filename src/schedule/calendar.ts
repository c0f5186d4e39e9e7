// The working-day calendar: override file first, then chinese-days, then (for years nobody
// describes) plain weekends, reported through unknownYears()/warnings() rather than trusted silently.
import { plusDays, weekdayOf } from './day-math.ts';
import { EMPTY_HOLIDAY_OVERRIDE, type HolidayOverride } from './holiday-override.ts';
import { PACKAGE_LAST_YEAR, PACKAGE_YEARS, packageIsWorkday } from './package-holidays.ts';

export { loadHolidayOverride, type HolidayOverride } from './holiday-override.ts';

// The longest run of days off in any real calendar is 9 (春节 with weekends); a search longer than
// this means the override marks a whole season off, which is a data error worth an exception.
const MAX_DAYS_OFF_IN_A_ROW = 60;

export interface CalendarWarning {
  year: number;
  message: string;
}

export interface WorkCalendar {
  isWorkday(day: string): boolean;
  /** True when the override or chinese-days describes the year's holidays. */
  hasData(year: number): boolean;
  /** The last working day strictly before `day`. */
  previousWorkday(day: string): string;
  /** The first working day strictly after `day`. */
  nextWorkday(day: string): string;
  /** `day` itself when it is a working day, else the working day before it. */
  onOrBeforeWorkday(day: string): string;
  /** `day` itself when it is a working day, else the working day after it. */
  onOrAfterWorkday(day: string): string;
  /** The n-th working day after `day` (n < 0: before it; n = 0: `day` unchanged). */
  addWorkdays(day: string, n: number): string;
  /** The years among `years` that have no holiday data (evaluated as weekends-only). */
  unknownYears(years: Iterable<number>): number[];
  /** One warning per year without holiday data. */
  warnings(years: Iterable<number>): CalendarWarning[];
  /** The last year chinese-days covers. */
  readonly packageLastYear: number;
}

const yearOf = (day: string) => Number(day.slice(0, 4));
const isWeekend = (day: string) => {
  const wd = weekdayOf(day);
  return wd === 0 || wd === 6;
};

export function createWorkCalendar(override: HolidayOverride = EMPTY_HOLIDAY_OVERRIDE): WorkCalendar {
  const offDays = new Set(override.holidays);
  const onDays = new Set(override.workdays);
  const overrideYears = new Set(override.years);
  const memo = new Map<string, boolean>();

  const hasData = (year: number) => overrideYears.has(year) || PACKAGE_YEARS.has(year);

  const isWorkday = (day: string): boolean => {
    const hit = memo.get(day);
    if (hit !== undefined) return hit;
    let v: boolean;
    if (onDays.has(day)) v = true;
    else if (offDays.has(day)) v = false;
    else if (!overrideYears.has(yearOf(day)) && PACKAGE_YEARS.has(yearOf(day))) v = packageIsWorkday(day);
    else v = !isWeekend(day);
    memo.set(day, v);
    return v;
  };

  const step = (day: string, dir: 1 | -1): string => {
    let d = day;
    for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
      d = plusDays(d, dir);
      if (isWorkday(d)) return d;
    }
    throw new Error(`no working day within ${MAX_DAYS_OFF_IN_A_ROW} days ${dir > 0 ? 'after' : 'before'} ${day}: check the holiday override`);
  };

  const unknownYears = (years: Iterable<number>) => [...new Set(years)].filter((y) => !hasData(y)).sort((a, b) => a - b);

  return {
    isWorkday,
    hasData,
    previousWorkday: (day) => step(day, -1),
    nextWorkday: (day) => step(day, 1),
    onOrBeforeWorkday: (day) => (isWorkday(day) ? day : step(day, -1)),
    onOrAfterWorkday: (day) => (isWorkday(day) ? day : step(day, 1)),
    addWorkdays: (day, n) => {
      let d = day;
      for (let i = 0; i < Math.abs(n); i++) d = step(d, n > 0 ? 1 : -1);
      return d;
    },
    unknownYears,
    warnings: (years) =>
      unknownYears(years).map((year) => ({
        year,
        message:
          `${year}年节假日安排未录入（chinese-days 覆盖至 ${PACKAGE_LAST_YEAR} 年），按周末推算工作日；` +
          `国务院通知发布后请写入 data/holidays-override.json 并在 years 中加入 ${year}`,
      })),
    packageLastYear: PACKAGE_LAST_YEAR,
  };
}
