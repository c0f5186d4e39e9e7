// One recipient's progress on one task, as known at `now`, and which occurrences its 'done'
// reports have closed.
import { dayOf } from '../clock.ts';
import type { ProgressRecord, TaskRecord } from '../registry/types.ts';
import { plusDays } from './day-math.ts';
import { nextOccurrence, previousOccurrence } from './occurrences.ts';
import type { ProgressSummary } from './types.ts';

/** A report with its calendar day in the planning zone. */
export interface DatedReport {
  report: ProgressRecord;
  day: string;
}

/** Reports known at `now`, by task, oldest first (built once per pass: dayOf is not cheap). */
export type ProgressIndex = Map<number, DatedReport[]>;

/** Each report's calendar day, remembered across passes. */
export interface DayMemo {
  get(r: ProgressRecord): string | undefined;
  set(r: ProgressRecord, day: string): unknown;
}

/** `days` memoizes each report's day across passes (a preview runs hundreds of passes). */
export function indexProgress(progress: ProgressRecord[], now: Date, tz: string, days: DayMemo = new Map<ProgressRecord, string>()): ProgressIndex {
  const index: ProgressIndex = new Map();
  const t = now.getTime();
  // The store hands reports out in time order: then one pass, no sort (this runs for every message).
  let sorted = true;
  for (let i = 1; i < progress.length && sorted; i++) sorted = progress[i - 1].at.getTime() <= progress[i].at.getTime();
  const inOrder = sorted ? progress : [...progress].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const report of inOrder) {
    if (report.at.getTime() > t) break;
    let day = days.get(report);
    if (day === undefined) days.set(report, (day = dayOf(report.at, tz)));
    const list = index.get(report.taskNumber);
    if (list) list.push({ report, day });
    else index.set(report.taskNumber, [{ report, day }]);
  }
  return index;
}

/**
 * The index of `base` plus reports appended after it (each at or after the newest indexed one, none after
 * `now`): a new index sharing every task's list the additions do not touch; `index` itself is unchanged.
 */
export function extendIndex(index: ProgressIndex, added: readonly ProgressRecord[], tz: string, days: DayMemo): ProgressIndex {
  const next: ProgressIndex = new Map(index);
  const copied = new Set<number>();
  for (const report of added) {
    let day = days.get(report);
    if (day === undefined) days.set(report, (day = dayOf(report.at, tz)));
    const list = next.get(report.taskNumber);
    if (!list) {
      next.set(report.taskNumber, [{ report, day }]);
      copied.add(report.taskNumber);
    } else if (copied.has(report.taskNumber)) list.push({ report, day });
    else {
      next.set(report.taskNumber, [...list, { report, day }]);
      copied.add(report.taskNumber);
    }
  }
  return next;
}

export interface UnitProgress {
  /** Reports by the unit (or the collective it came through), oldest first, none after `now`. */
  reports: DatedReport[];
  last: ProgressRecord | undefined;
  lastDay: string | undefined;
  latest: DatedReport | undefined;
  isClosed(milestoneKey: string, occurrence: string): boolean;
  /** Any report on a day in [from, to]. */
  reportedBetween(from: string, to: string): boolean;
}

export function summarize(r: DatedReport | undefined): ProgressSummary | null {
  if (!r) return null;
  const p = r.report;
  return { at: p.at.toISOString(), day: r.day, status: p.status, percent: p.percent, text: p.text };
}

// previousOccurrence is "strictly before" and nextOccurrence "on or after"; shifting by a day makes
// a report on the due day close that occurrence rather than the next one.
const addOne = (day: string) => plusDays(day, 1);

type Closure = { milestoneKey: string | '*'; occurrence: string } | { milestoneKey: string; upTo: string };

export function unitProgress(
  task: TaskRecord,
  reporters: string[],
  index: ProgressIndex,
  /** Occurrences due before this day were never chased, so they are not "open" (see PlanInput.trackFrom). */
  trackFrom = '0000-01-01',
): UnitProgress {
  const reports = (index.get(task.number) ?? []).filter((r) => reporters.includes(r.report.unitName));
  const closures: Closure[] = [];
  const isClosed = (mk: string, occ: string) =>
    closures.some((c) =>
      'upTo' in c ? c.milestoneKey === mk && occ <= c.upTo : (c.milestoneKey === '*' || c.milestoneKey === mk) && c.occurrence === occ,
    );

  for (const { report: p, day } of reports) {
    if (p.status !== 'done') continue;
    if (p.occurrence) {
      closures.push({ milestoneKey: p.milestoneKey ?? '*', occurrence: p.occurrence });
      continue;
    }
    // Names no occurrence: it closes what is already due and still open, or, when nothing is,
    // the next upcoming occurrence (every milestone due that day).
    const dated = task.milestones.filter(
      (m) => m.kind !== 'continuous' && !m.historical && (!p.milestoneKey || m.key === p.milestoneKey),
    );
    const openDue = dated.filter((m) => {
      const due = m.kind === 'once' ? (m.due <= day ? m.due : undefined) : previousOccurrence(m, addOne(day))?.due;
      return due !== undefined && due >= trackFrom && !isClosed(m.key, due);
    });
    if (openDue.length > 0) {
      for (const m of openDue) closures.push({ milestoneKey: m.key, upTo: day });
      continue;
    }
    const upcoming = dated.map((m) => nextOccurrence(m, addOne(day))).filter((o) => o !== undefined);
    const first = upcoming.map((o) => o.due).sort()[0];
    for (const o of upcoming) if (o.due === first) closures.push({ milestoneKey: o.milestone.key, occurrence: o.due });
  }

  return {
    reports,
    last: reports[reports.length - 1]?.report,
    lastDay: reports[reports.length - 1]?.day,
    latest: reports[reports.length - 1],
    isClosed,
    reportedBetween: (from, to) => reports.some((r) => r.day >= from && r.day <= to),
  };
}
