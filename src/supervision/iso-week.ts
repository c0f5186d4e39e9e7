// ISO 8601 weeks of calendar days: the digest goes out once per ISO week (Monday-based).
import { diffDays, plusDays, weekdayOf } from '../schedule/day-math.ts';

/** Monday of the ISO week holding `day`. */
export function isoWeekStart(day: string): string {
  return plusDays(day, -((weekdayOf(day) + 6) % 7));
}

/** '2027-W05'. The ISO year is the year of the week's Thursday (so 2027-01-01, a Friday, is 2026-W53). */
export function isoWeekOf(day: string): string {
  const thursday = plusDays(isoWeekStart(day), 3);
  const year = Number(thursday.slice(0, 4));
  const week = diffDays(isoWeekStart(`${year}-01-04`), thursday) / 7 + 1;
  return `${year}-W${String(Math.floor(week)).padStart(2, '0')}`;
}

/** The day of `weekday` (0 = Sunday … 6 = Saturday) in the ISO week holding `day`. */
export function dayInIsoWeek(day: string, weekday: number): string {
  return plusDays(isoWeekStart(day), (weekday + 6) % 7);
}
