// Status lights for the supervising office: per (task, unit, occurrence), then per unit and task.
import { DEFAULT_TZ, dayOf } from '../clock.ts';
import type { ProgressRecord, TaskRecord, UnitRecord, UnitRole } from '../registry/types.ts';
import { diffDays, plusDays } from './day-math.ts';
import type { WorkCalendar } from './calendar.ts';
import { liveOccurrences, periodLabelOf, previousQuarter, quarterOf, type Occurrence } from './occurrences.ts';
import type { ReminderPolicy } from './policy.ts';
import { memberOfBoundCollective, recipientsOf, unitDirectory, type Recipient } from './recipients.ts';
import { extendIndex, indexProgress, unitProgress } from './unit-progress.ts';
import { movedDeadlines, occurrenceKey, type ExtensionRecord } from './extensions.ts';

/** Best first: a unit's status is the worst of its occurrences, a task's the worst of its lead units. */
export const STATUS_ORDER = ['done', 'on-track', 'blue', 'yellow', 'red'] as const;
export type StatusLight = (typeof STATUS_ORDER)[number];

export function worstOf(lights: Iterable<StatusLight>, ifNone: StatusLight = 'on-track'): StatusLight {
  let worst = -1;
  for (const l of lights) worst = Math.max(worst, STATUS_ORDER.indexOf(l));
  return worst < 0 ? ifNone : STATUS_ORDER[worst]!;
}

export interface OccurrenceStatus {
  taskNumber: number;
  unitName: string;
  role: UnitRole;
  milestoneKey: string;
  /** Due day (quarter end for a continuous milestone): the original one when an extension moved it. */
  occurrence: string;
  /** The deadline in force, when an approved extension moved it. */
  extendedTo?: string;
  status: StatusLight;
  /** Calendar days until the deadline in force; negative when overdue. */
  daysLeft: number;
}

export interface UnitTaskStatus {
  taskNumber: number;
  unitName: string;
  role: UnitRole;
  status: StatusLight;
  /** The unit's latest report is 'blocked'. */
  blocked: boolean;
  occurrences: OccurrenceStatus[];
}

export interface TaskStatus {
  taskNumber: number;
  status: StatusLight;
  units: UnitTaskStatus[];
}

export interface StatusInput {
  tasks: TaskRecord[];
  progress: ProgressRecord[];
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  now: Date;
  tz?: string;
  /** When given, collective units without a chat are expanded to their members (as the planner does). */
  units?: UnitRecord[];
  /** Go-live day: occurrences due before it are left out (as in the planner). */
  trackFrom?: string;
  /** Extension requests: an approved one moves the deadline its lights count down to. */
  extensions?: ExtensionRecord[];
}

/**
 * statusOf one unit at a time, for callers that ask about a few units (the chat): the progress index
 * and the continuous-work window are built once, every answer uses the same rules as statusOf.
 */
export interface StatusBoard {
  /** The planning day of `now`. */
  today: string;
  /** The task's recipients, as the planner sees them (collectives without a chat expanded). */
  recipients(task: TaskRecord): Recipient[];
  /** One recipient's status on the task. */
  ofRecipient(task: TaskRecord, rcp: Recipient): UnitTaskStatus;
  /**
   * A unit's status on the task: its own recipient row; for a collective that is expanded, its
   * members' rows merged (an occurrence is done when every member's is); undefined when the task
   * does not involve the unit.
   */
  ofUnit(task: TaskRecord, unitName: string): UnitTaskStatus | undefined;
}

// A report's day never changes: remembered per zone for as long as the report object lives (the chat
// builds a board for every message over the same stored reports).
const reportDays = new Map<string, WeakMap<ProgressRecord, string>>();
const daysIn = (tz: string) => reportDays.get(tz) ?? reportDays.set(tz, new WeakMap()).get(tz)!;

// The same reports (the store hands out one array until a report is added) give the same index for
// any `now` at or after the newest of them: built once per array and zone, not once per message. A new
// array that is the last one plus reports appended in time order (what the store hands out after a
// report) extends the last index instead of indexing every report again.
interface KeptIndex {
  progress: readonly ProgressRecord[];
  index: ReturnType<typeof indexProgress>;
  newest: number;
}
const indexes = new WeakMap<readonly ProgressRecord[], Map<string, KeptIndex>>();
const lastIndex = new Map<string, KeptIndex>();

/** The reports `progress` adds to `kept.progress`, when it only appends (in time order, none after `t`). */
function appended(progress: readonly ProgressRecord[], kept: KeptIndex, t: number): readonly ProgressRecord[] | undefined {
  const base = kept.progress;
  if (progress.length < base.length) return undefined;
  for (let i = 0; i < base.length; i++) if (progress[i] !== base[i]) return undefined;
  let prev = kept.newest;
  for (let i = base.length; i < progress.length; i++) {
    const at = progress[i].at.getTime();
    if (at < prev || at > t) return undefined;
    prev = at;
  }
  return progress.slice(base.length);
}

function indexOf(progress: ProgressRecord[], now: Date, tz: string): ReturnType<typeof indexProgress> {
  let byZone = indexes.get(progress);
  if (!byZone) indexes.set(progress, (byZone = new Map()));
  const hit = byZone.get(tz);
  const t = now.getTime();
  if (hit && t >= hit.newest) return hit.index;
  const last = lastIndex.get(tz);
  const added = last && t >= last.newest ? appended(progress, last, t) : undefined;
  let kept: KeptIndex;
  if (added) {
    kept = { progress, index: extendIndex(last!.index, added, tz, daysIn(tz)), newest: added.length ? added[added.length - 1].at.getTime() : last!.newest };
  } else {
    const index = indexProgress(progress, now, tz, daysIn(tz));
    let newest = -Infinity;
    for (const p of progress) if (p.at.getTime() > newest) newest = p.at.getTime();
    // Only an index that holds every report is valid later on (a report stamped after `now` is left out).
    if (t < newest) return index;
    kept = { progress, index, newest };
  }
  byZone.set(tz, kept);
  lastIndex.set(tz, kept);
  return kept.index;
}

export function createStatusBoard(input: Omit<StatusInput, 'tasks'>): StatusBoard {
  const { policy, calendar, now } = input;
  const tz = input.tz ?? DEFAULT_TZ;
  const today = dayOf(now, tz);
  const dir = unitDirectory(input.units ?? []);
  const index = indexOf(input.progress, now, tz);
  const moved = movedDeadlines(input.extensions, (d) => dayOf(d, tz), now);
  // A continuous task is behind when the unit has not reported this quarter; before this
  // quarter's progress call goes out, a report in the previous quarter still counts.
  const q = quarterOf(today);
  const callOn = calendar.onOrBeforeWorkday(plusDays(q.end, -policy.continuous.quarterlyCallDaysBeforeEnd));
  const windowStart = today >= callOn ? q.start : previousQuarter(q).start;
  // Units could only report to Duban from go-live on: a window that opened before it is not held
  // against them until this quarter's call has gone out (else day one shows every continuous task behind).
  const graceBeforeCall = !!input.trackFrom && windowStart < input.trackFrom && today < callOn;

  const ofRecipient = (task: TaskRecord, rcp: Recipient): UnitTaskStatus => {
    const prog = unitProgress(task, rcp.reporters, index, input.trackFrom);
    const blocked = prog.last?.status === 'blocked';
    const row = (milestoneKey: string, occurrence: string, status: StatusLight, extendedTo?: string): OccurrenceStatus => ({
      taskNumber: task.number,
      unitName: rcp.unitName,
      role: rcp.role,
      milestoneKey,
      occurrence,
      ...(extendedTo ? { extendedTo } : {}),
      status: blocked && status !== 'done' ? worstOf([status, 'yellow']) : status,
      daysLeft: diffDays(today, extendedTo ?? occurrence),
    });
    const occurrences: OccurrenceStatus[] = [];
    for (const m of task.milestones) {
      if (m.historical) continue;
      if (m.kind === 'continuous') {
        occurrences.push(row(m.key, q.end, graceBeforeCall || prog.reportedBetween(windowStart, today) ? 'on-track' : 'yellow'));
        continue;
      }
      for (const occ of liveOccurrences(m, today)) {
        if (input.trackFrom && occ.due < input.trackFrom) continue;
        const extendedTo = moved.size ? moved.get(occurrenceKey(rcp.unitName, task.number, m.key, occ.due))?.due : undefined;
        const left = diffDays(today, extendedTo ?? occ.due);
        const light: StatusLight = prog.isClosed(m.key, occ.due) ? 'done' : left < 0 ? 'red' : left <= policy.blueWindowDays ? 'blue' : 'on-track';
        occurrences.push(row(m.key, occ.due, light, extendedTo));
      }
    }
    const status = worstOf(occurrences.map((o) => o.status), blocked ? 'yellow' : 'on-track');
    return { taskNumber: task.number, unitName: rcp.unitName, role: rcp.role, status, blocked, occurrences };
  };

  const recipients = (task: TaskRecord) => recipientsOf(task, dir);

  return {
    today,
    recipients,
    ofRecipient,
    ofUnit(task, unitName) {
      const rows = recipients(task);
      const name = dir(unitName)?.name ?? unitName;
      const own = rows.find((r) => r.unitName === name) ?? memberOfBoundCollective(task, name, dir);
      if (own) return ofRecipient(task, own);
      // An expanded collective: the members that came through it.
      const members = rows.filter((r) => r.reporters.length > 1 && r.reporters.includes(name));
      if (members.length === 0) return undefined;
      return mergeMembers(task, name, members.map((r) => ofRecipient(task, r)));
    },
  };
}

function mergeMembers(task: TaskRecord, name: string, members: UnitTaskStatus[]): UnitTaskStatus {
  const role = members.some((m) => m.role === 'lead') ? 'lead' : 'other';
  const byOcc = new Map<string, OccurrenceStatus>();
  for (const o of members.flatMap((m) => m.occurrences)) {
    const key = `${o.milestoneKey}|${o.occurrence}`;
    const seen = byOcc.get(key);
    byOcc.set(key, { ...o, unitName: name, role, status: worstOf([seen?.status ?? 'done', o.status]) });
  }
  const occurrences = [...byOcc.values()];
  const blocked = members.some((m) => m.blocked);
  return { taskNumber: task.number, unitName: name, role, status: worstOf(occurrences.map((o) => o.status), blocked ? 'yellow' : 'on-track'), blocked, occurrences };
}

export function statusOf(input: StatusInput): TaskStatus[] {
  const board = createStatusBoard(input);
  return input.tasks
    .filter((t) => !t.retired)
    .map((task) => {
      const units = board.recipients(task).map((rcp) => board.ofRecipient(task, rcp));
      const leads = units.filter((u) => u.role === 'lead');
      return { taskNumber: task.number, status: worstOf((leads.length > 0 ? leads : units).map((u) => u.status)), units };
    });
}

/** An occurrence a unit has not closed yet, with the lights' view of it. */
export interface OpenOccurrence extends Occurrence {
  /** The deadline in force, when an approved extension moved it from `due`. */
  extendedTo?: string;
  /** Calendar days until the deadline in force; negative when overdue. */
  daysLeft: number;
  status: StatusLight;
}

/**
 * The dated occurrences (once, annual) a unit's status row still has open, nearest first (overdue
 * first); continuous milestones have no due day of their own and are left out.
 */
export function openOccurrences(task: TaskRecord, u: UnitTaskStatus): OpenOccurrence[] {
  const order = new Map(task.milestones.map((m, i) => [m.key, i]));
  const out: OpenOccurrence[] = [];
  for (const o of u.occurrences) {
    const m = task.milestones.find((x) => x.key === o.milestoneKey);
    if (!m || m.kind === 'continuous' || o.status === 'done') continue;
    out.push({
      milestone: m,
      due: o.occurrence,
      ...(o.extendedTo ? { extendedTo: o.extendedTo } : {}),
      ...(m.kind === 'annual' ? { periodLabel: periodLabelOf(m, Number(o.occurrence.slice(0, 4))) } : {}),
      daysLeft: o.daysLeft,
      status: o.status,
    });
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || (a.due < b.due ? -1 : a.due > b.due ? 1 : order.get(a.milestone.key)! - order.get(b.milestone.key)!));
}
