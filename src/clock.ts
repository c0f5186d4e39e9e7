// Time: every deadline is a calendar day in the configured zone (Asia/Shanghai by default).
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

export const DEFAULT_TZ = 'Asia/Shanghai';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the console can move by hand. */
export function fixedClock(start: Date | string): Clock & { set(t: Date | string): void; advance(ms: number): void } {
  let t = new Date(start);
  return {
    now: () => new Date(t),
    set: (v) => { t = new Date(v); },
    advance: (ms) => { t = new Date(t.getTime() + ms); },
  };
}

// dayjs's tz() costs ~200 µs a call, and the planner calls dayOf for every progress report on every
// pass (10,000 reports: 2 s a pass); a cached Intl formatter gives the same day in ~6 µs.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a zone. */
// A chat message asks the day of the same `now` many times over: the last answer per zone is kept.
const lastDays = new Map<string, { t: number; day: string }>();

export function dayOf(instant: Date, tz: string = DEFAULT_TZ): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) return dayjs(instant).tz(tz).format('YYYY-MM-DD');
  const last = lastDays.get(tz);
  if (last?.t === t) return last.day;
  const day = formatDay(instant, tz);
  lastDays.set(tz, { t, day });
  return day;
}

function formatDay(instant: Date, tz: string): string {
  let fmt = dayFormats.get(tz);
  if (!fmt) dayFormats.set(tz, (fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  let y = '';
  let m = '';
  let d = '';
  for (const p of fmt.formatToParts(instant)) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y.padStart(4, '0')}-${m}-${d}`;
}

/** The instant of a wall-clock time on a calendar day in a zone. */
export function instantAt(day: string, hhmm: string, tz: string = DEFAULT_TZ): Date {
  return dayjs.tz(`${day} ${hhmm}`, 'YYYY-MM-DD HH:mm', tz).toDate();
}

export function inZone(instant: Date, tz: string = DEFAULT_TZ): Dayjs {
  return dayjs(instant).tz(tz);
}

/** Calendar arithmetic on YYYY-MM-DD strings (zone-free: a day is a day). */
export function addDays(day: string, n: number): string {
  return dayjs.utc(day).add(n, 'day').format('YYYY-MM-DD');
}

export function daysBetween(from: string, to: string): number {
  return dayjs.utc(to).diff(dayjs.utc(from), 'day');
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && dayjs.utc(day).format('YYYY-MM-DD') === day;
}

export { dayjs };

/** The process clock: real time, or (DUBAN_NOW) real time shifted to start at a given instant. */
export function processClock(startAt?: Date): Clock & { setNow(t: Date): void } {
  return offsetClock(systemClock, startAt);
}

/** Real time shifted by an offset: the console's `/now` moves it without stopping it. */
export function offsetClock(base: Clock = systemClock, startAt?: Date): Clock & { setNow(t: Date): void; reset(): void } {
  let offset = startAt ? startAt.getTime() - base.now().getTime() : 0;
  return {
    now: () => new Date(base.now().getTime() + offset),
    setNow: (t) => { offset = t.getTime() - base.now().getTime(); },
    reset: () => { offset = 0; },
  };
}
