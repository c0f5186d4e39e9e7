// Next occurrences of milestones for chat answers ("my tasks", overdue, this week). Pure: (milestones,
// today, reports) in, occurrences out. src/schedule/ had nothing to reuse when this was written.
import type { MilestoneRecord, ProgressStatus } from '../registry/types.ts';
import { daysBetween, isValidDay } from '../clock.ts';

export interface Occurrence {
  milestone: MilestoneRecord;
  milestoneKey: string;
  /** YYYY-MM-DD in the plan's zone. */
  occurrence: string;
  /** Negative = overdue by that many days. */
  daysLeft: number;
}

/** What deadlines need of a progress report: its status, what it answered, and the day it was made. */
export interface CoverReport {
  status: ProgressStatus;
  milestoneKey?: string | null;
  occurrence?: string | null;
  day: string;
}

/** Day of an annual milestone in a year; 2-29 falls on 2-28 in common years. */
export function annualOn(year: number, month: number, day: number): string {
  const mm = String(month).padStart(2, '0');
  for (let d = day; d >= 28; d--) {
    const s = `${String(year).padStart(4, '0')}-${mm}-${String(d).padStart(2, '0')}`;
    if (isValidDay(s)) return s;
  }
  return `${String(year).padStart(4, '0')}-${mm}-${String(Math.min(day, 28)).padStart(2, '0')}`;
}

// A report that names no occurrence (console, CLI) covers the occurrence whose window holds its day:
// from 335 days before to 30 days after, so consecutive annual windows never overlap and one
// report never closes two cycles.
const EARLY_DAYS = 335;
const LATE_DAYS = 30;

export function isCovered(key: string, occurrence: string, kind: MilestoneRecord['kind'], reports: CoverReport[]): boolean {
  return reports.some((r) => {
    if (r.status !== 'done') return false;
    if (r.occurrence) return r.occurrence === occurrence && (!r.milestoneKey || r.milestoneKey === key);
    if (r.milestoneKey && r.milestoneKey !== key) return false;
    const offset = daysBetween(occurrence, r.day);
    if (kind === 'once') return offset > -365;
    return offset > -EARLY_DAYS && offset <= LATE_DAYS;
  });
}

/**
 * Occurrences still open on `today`, earliest first: a once milestone until done (historical ones,
 * already past at first import, are not chased); an annual one's previous occurrence while no done
 * report covers it (and not before `notBefore`, the first import), plus its next uncovered one.
 * Continuous milestones have no dates.
 */
export function openOccurrences(
  milestones: MilestoneRecord[],
  today: string,
  reports: CoverReport[],
  opts: { notBefore?: string } = {},
): Occurrence[] {
  const out: Occurrence[] = [];
  const push = (m: MilestoneRecord, occurrence: string) =>
    out.push({ milestone: m, milestoneKey: m.key, occurrence, daysLeft: daysBetween(today, occurrence) });
  for (const m of milestones) {
    if (m.kind === 'continuous') continue;
    if (m.kind === 'once') {
      if (m.historical) continue;
      if (!isCovered(m.key, m.due, 'once', reports)) push(m, m.due);
      continue;
    }
    const year = Number(today.slice(0, 4));
    const thisYear = annualOn(year, m.month, m.day);
    const prev = thisYear < today ? thisYear : annualOn(year - 1, m.month, m.day);
    const next = thisYear >= today ? thisYear : annualOn(year + 1, m.month, m.day);
    if (!(opts.notBefore && prev < opts.notBefore) && !isCovered(m.key, prev, 'annual', reports)) push(m, prev);
    push(m, isCovered(m.key, next, 'annual', reports) ? annualOn(Number(next.slice(0, 4)) + 1, m.month, m.day) : next);
  }
  return out.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
}

/** The light a task shows for one unit. */
export type Light = 'overdue' | 'blocked' | 'due-soon' | 'on-track' | 'done' | 'ongoing';

export const DUE_SOON_DAYS = 7;

export function lightOf(open: Occurrence[], latest: { status: ProgressStatus } | undefined, hasDates: boolean): Light {
  if (open.some((o) => o.daysLeft < 0)) return 'overdue';
  if (latest?.status === 'blocked') return 'blocked';
  if (open.length === 0) return latest?.status === 'done' || hasDates ? 'done' : 'ongoing';
  if (open[0].daysLeft <= DUE_SOON_DAYS) return 'due-soon';
  return 'on-track';
}

/** Days in the "this week" window: today and the next 7 days. */
export function inWeek(o: Occurrence): boolean {
  return o.daysLeft >= 0 && o.daysLeft <= DUE_SOON_DAYS;
}
