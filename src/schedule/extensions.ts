// Extension requests (延期申请) as the schedule sees them: an approved one moves one unit's deadline for
// one occurrence; the occurrence keeps its original due day (progress and reminders stay keyed on it),
// and the ladder, the overdue notices and the lights follow the new one. The rules for asking are here
// too, as plain functions of the request, the deadline in force and the policy.
import type { TaskRecord } from '../registry/types.ts';
import type { WorkCalendar } from './calendar.ts';
import { diffDays, plusDays } from './day-math.ts';

export type ExtensionStatus = 'pending' | 'approved' | 'refused';

export interface ExtensionRecord {
  id: number;
  taskNumber: number;
  unitName: string;
  milestoneKey: string;
  /** The occurrence's original due day. */
  occurrence: string;
  /** The deadline in force when the request was made (an earlier approval may have moved it). */
  fromDue: string;
  /** The day asked for. */
  newDue: string;
  reason: string;
  status: ExtensionStatus;
  requesterId: string;
  requesterName: string | null;
  chatId: string | null;
  messageId: string | null;
  createdAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  comment: string | null;
}

export const occurrenceKey = (unitName: string, taskNumber: number, milestoneKey: string, occurrence: string) =>
  `${unitName}|${taskNumber}|${milestoneKey}|${occurrence}`;

/** The deadline in force for an occurrence an approved extension moved, and the day it was approved. */
export interface MovedDeadline {
  due: string;
  /** Steps of the new ladder scheduled before this day are not sent: the unit has just heard the decision. */
  since: string;
}

/** unit|task|milestone|occurrence → the latest approved extension of that occurrence. */
export type MovedDeadlines = ReadonlyMap<string, MovedDeadline>;

const decidedOrder = (a: ExtensionRecord, b: ExtensionRecord) => (a.decidedAt?.getTime() ?? 0) - (b.decidedAt?.getTime() ?? 0) || a.id - b.id;

/** The deadlines approved extensions have moved as of `now` (a decision taken later is not known yet). */
export function movedDeadlines(extensions: readonly ExtensionRecord[] | undefined, dayOfInstant: (d: Date) => string, now?: Date): MovedDeadlines {
  const moved = new Map<string, MovedDeadline>();
  if (!extensions?.length) return moved;
  const known = (e: ExtensionRecord) => e.status === 'approved' && (!now || !e.decidedAt || e.decidedAt.getTime() <= now.getTime());
  for (const e of extensions.filter(known).sort(decidedOrder))
    moved.set(occurrenceKey(e.unitName, e.taskNumber, e.milestoneKey, e.occurrence), { due: e.newDue, since: dayOfInstant(e.decidedAt ?? e.createdAt) });
  return moved;
}

/**
 * The last day the plan runs: 31 December of the latest year any dated deadline of the plan falls in,
 * and never before the end of the occurrence's own year (annual reports go on being chased after the
 * plan's last dated deadline, and their year is then the plan's working year).
 */
export function planEndFor(tasks: readonly TaskRecord[], occurrence: string): string {
  let year = Number(occurrence.slice(0, 4));
  for (const t of tasks) for (const m of t.milestones) if (m.kind === 'once') year = Math.max(year, Number(m.due.slice(0, 4)));
  return `${year}-12-31`;
}

export type ExtensionCheck =
  | { ok: true; days: number }
  | { ok: false; reason: 'deadline-passed'; due: string }
  | { ok: false; reason: 'not-later'; due: string }
  | { ok: false; reason: 'too-far'; due: string; maxDays: number; latest: string }
  | { ok: false; reason: 'after-plan-end'; planEnd: string };

/** May a unit ask to move `due` (the deadline in force) to `newDue` on `today`? */
export function checkExtension(req: { today: string; due: string; newDue: string; maxDays: number; planEnd: string }): ExtensionCheck {
  const { today, due, newDue, maxDays, planEnd } = req;
  // Asked before the deadline, as every office's rules say: an overdue item is reported, not extended.
  if (due < today) return { ok: false, reason: 'deadline-passed', due };
  if (newDue <= due) return { ok: false, reason: 'not-later', due };
  const latest = plusDays(due, maxDays);
  if (newDue > latest) return { ok: false, reason: 'too-far', due, maxDays, latest };
  if (newDue > planEnd) return { ok: false, reason: 'after-plan-end', planEnd };
  return { ok: true, days: diffDays(due, newDue) };
}

/** Pending requests made at least `workdays` working days before `today`, oldest first. */
export function undecidedExtensions(
  extensions: readonly ExtensionRecord[],
  today: string,
  workdays: number,
  calendar: WorkCalendar,
  dayOfInstant: (d: Date) => string,
): ExtensionRecord[] {
  return extensions
    .filter((e) => e.status === 'pending' && calendar.addWorkdays(dayOfInstant(e.createdAt), workdays) <= today)
    .sort((a, b) => a.id - b.id);
}

/** "2027-03-15", "2027/3/15", "2027.3.15", "2027年3月15日", "2027-03-15 +0800" → YYYY-MM-DD; null when it is not a real day. */
export function readDay(s: string): string | null {
  // The card's date picker sends "2027-03-15 +0800": the day in the picker's zone.
  const m = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:\s+[+-]\d{4})?$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
