// The office's weekly digest as data: counts per unit, the red and yellow items, and the units that
// left their last reminder unanswered. Pure: statuses come from statusOf, time from `now`.
import { dayOf } from '../clock.ts';
import type { ProgressRecord, ProgressStatus, TaskRecord, UnitRole } from '../registry/types.ts';
import { STATUS_ORDER, type OccurrenceStatus, type StatusLight, type TaskStatus, type UnitTaskStatus } from '../schedule/status.ts';

// A reminder that went out minutes before the digest has not been ignored yet. Two days lets a
// unit answer a Thursday reminder before Monday's digest counts it as silent.
export const SILENCE_GRACE_MS = 2 * 86_400_000;

/** One reminder item that reached a unit's chat (Reminder row whose outbox message was sent). */
export interface SentReminder {
  unitName: string;
  taskNumber: number;
  milestoneKey: string;
  occurrence: string;
  kind: string;
  /** The message it went out in: items of one card share it. */
  messageId: number;
  sentAt: Date;
}

export type Counts = Record<StatusLight, number>;

export interface UnitCounts {
  unitName: string;
  counts: Counts;
  /** (task, unit) pairs counted. */
  total: number;
}

export interface DigestItem {
  taskNumber: number;
  taskText: string;
  unitName: string;
  role: UnitRole;
  status: 'red' | 'yellow';
  milestoneLabel: string;
  /** Due day of the worst occurrence (quarter end for a continuous task). */
  occurrence: string;
  /** Red: calendar days past the due day. */
  daysOverdue?: number;
  /** Yellow: why ('blocked' report, or no progress this quarter on a continuous task). */
  reason?: 'blocked' | 'no-progress';
  lastProgress: { day: string; status: ProgressStatus; percent: number | null; text: string } | null;
}

export interface SilentUnit {
  unitName: string;
  /** Day the last reminder (older than the grace period) went out. */
  lastReminderDay: string;
  daysSilent: number;
  /** Tasks that reminder was about. */
  taskNumbers: number[];
}

export interface Digest {
  day: string;
  /** The unit asked about (summary for one unit), or null for the whole plan. */
  unit: string | null;
  totals: Counts;
  perUnit: UnitCounts[];
  red: DigestItem[];
  yellow: DigestItem[];
  silent: SilentUnit[];
}

export interface DigestInput {
  statuses: TaskStatus[];
  tasks: TaskRecord[];
  sent: SentReminder[];
  progress: ProgressRecord[];
  now: Date;
  tz: string;
  /** Only this unit (canonical name); all units when absent. */
  unit?: string;
  /** The office itself is never a subject of its own digest. */
  officeUnit?: string;
}

export const emptyCounts = (): Counts => ({ done: 0, 'on-track': 0, blue: 0, yellow: 0, red: 0 });

const rank = (l: StatusLight) => STATUS_ORDER.indexOf(l);

/** Worst first: red, then yellow, then blue; ties by name so the order is stable. */
export function byWorst(a: UnitCounts, b: UnitCounts): number {
  for (const l of ['red', 'yellow', 'blue'] as const) if (a.counts[l] !== b.counts[l]) return b.counts[l] - a.counts[l];
  return a.unitName.localeCompare(b.unitName, 'zh-CN');
}

function latestReport(progress: ProgressRecord[], taskNumber: number, unitName: string, now: Date): ProgressRecord | undefined {
  let best: ProgressRecord | undefined;
  for (const p of progress) {
    if (p.taskNumber !== taskNumber || p.unitName !== unitName || p.at > now) continue;
    if (!best || p.at >= best.at) best = p;
  }
  return best;
}

/** The occurrence that gives the unit its light: the worst, earliest due first. */
function worstOccurrence(u: UnitTaskStatus): OccurrenceStatus | undefined {
  return [...u.occurrences].sort((a, b) => rank(b.status) - rank(a.status) || (a.occurrence < b.occurrence ? -1 : 1))[0];
}

export function buildDigest(input: DigestInput): Digest {
  const { now, tz } = input;
  const today = dayOf(now, tz);
  const tasks = new Map(input.tasks.map((t) => [t.number, t]));
  const inScope = (unitName: string) => unitName !== input.officeUnit && (!input.unit || unitName === input.unit);

  const perUnit = new Map<string, UnitCounts>();
  const totals = emptyCounts();
  const red: DigestItem[] = [];
  const yellow: DigestItem[] = [];
  for (const ts of input.statuses) {
    for (const u of ts.units) {
      if (!inScope(u.unitName)) continue;
      const row = perUnit.get(u.unitName) ?? { unitName: u.unitName, counts: emptyCounts(), total: 0 };
      row.counts[u.status]++;
      row.total++;
      perUnit.set(u.unitName, row);
      totals[u.status]++;
      if (u.status !== 'red' && u.status !== 'yellow') continue;
      const task = tasks.get(u.taskNumber);
      const occ = worstOccurrence(u);
      const milestone = task?.milestones.find((m) => m.key === occ?.milestoneKey);
      const last = latestReport(input.progress, u.taskNumber, u.unitName, now);
      const item: DigestItem = {
        taskNumber: u.taskNumber,
        taskText: task?.text ?? '',
        unitName: u.unitName,
        role: u.role,
        status: u.status,
        milestoneLabel: milestone?.label ?? '',
        occurrence: occ?.occurrence ?? '',
        lastProgress: last ? { day: dayOf(last.at, tz), status: last.status, percent: last.percent, text: last.text } : null,
      };
      if (u.status === 'red') red.push({ ...item, daysOverdue: occ ? -occ.daysLeft : 0 });
      else yellow.push({ ...item, reason: u.blocked ? 'blocked' : 'no-progress' });
    }
  }
  red.sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || a.taskNumber - b.taskNumber || a.unitName.localeCompare(b.unitName, 'zh-CN'));
  yellow.sort((a, b) => a.taskNumber - b.taskNumber || a.unitName.localeCompare(b.unitName, 'zh-CN'));

  return {
    day: today,
    unit: input.unit ?? null,
    totals,
    perUnit: [...perUnit.values()].sort(byWorst),
    red,
    yellow,
    silent: silentUnits(input, inScope, today),
  };
}

/** Units whose last reminder (older than the grace period) got no progress on any of its tasks since. */
function silentUnits(input: DigestInput, inScope: (u: string) => boolean, today: string): SilentUnit[] {
  const cutoff = input.now.getTime() - SILENCE_GRACE_MS;
  const last = new Map<string, SentReminder>();
  for (const s of input.sent) {
    if (!inScope(s.unitName) || s.sentAt.getTime() > cutoff) continue;
    const seen = last.get(s.unitName);
    if (!seen || s.sentAt > seen.sentAt || (s.sentAt.getTime() === seen.sentAt.getTime() && s.messageId > seen.messageId)) last.set(s.unitName, s);
  }
  const out: SilentUnit[] = [];
  for (const [unitName, r] of last) {
    const taskNumbers = [...new Set(input.sent.filter((s) => s.unitName === unitName && s.messageId === r.messageId).map((s) => s.taskNumber))].sort((a, b) => a - b);
    const answered = input.progress.some(
      (p) => p.unitName === unitName && taskNumbers.includes(p.taskNumber) && p.at >= r.sentAt && p.at <= input.now,
    );
    if (answered) continue;
    const day = dayOf(r.sentAt, input.tz);
    out.push({ unitName, lastReminderDay: day, daysSilent: Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000), taskNumbers });
  }
  return out.sort((a, b) => b.daysSilent - a.daysSilent || a.unitName.localeCompare(b.unitName, 'zh-CN'));
}
