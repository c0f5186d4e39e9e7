// One task as the board shows it: text, its units with their lights, milestones with their next due
// days, every progress report and every reminder, all narrowed to what the viewer may see. Pure.
import type { MilestoneRecord, ProgressRecord, ProgressStatus, ProgressVia, TaskRecord, UnitRecord } from '../registry/types.ts';
import { describeMilestone } from '../registry/describe-milestone.ts';
import { nextOccurrence, periodLabelOf, quarterOf } from '../schedule/occurrences.ts';
import { worstOf, type StatusLight, type TaskStatus } from '../schedule/status.ts';
import type { ReminderRecord } from '../store/reminder-repo.ts';
import { allRows, reporterLabel, type BoardRow } from './board-rows.ts';
import type { Scope } from './scope.ts';
import { UNIT_REMINDER_KINDS } from '../supervision/load-supervision.ts';

export interface MilestoneLine {
  key: string;
  kind: MilestoneRecord['kind'];
  label: string;
  /** "2025-12-31 前", "每年3月1日前", "持续推进". */
  rule: string;
  source: string;
  historical: boolean;
  /** The next due day on or after today (a continuous one: this quarter's end), null when past for good. */
  nextDue: string | null;
  periodLabel?: string;
}

export interface HistoryLine {
  at: Date;
  unitName: string;
  by: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
  via: ProgressVia;
  occurrence: string | null;
}

export interface ReminderLine {
  unitName: string;
  kind: string;
  step: string;
  occurrence: string;
  sendOn: string;
  status: string;
  attempts: number;
  sentAt: Date | null;
  /** Only the office sees why a send failed (it may name chats and platform codes). */
  lastError: string | null;
}

export interface TaskDetail {
  number: number;
  chapter: string;
  section: string;
  text: string;
  schedule: string;
  /** The task's light (worst lead) for the office; for a liaison, the worst of their own rows. */
  status: StatusLight;
  units: BoardRow[];
  milestones: MilestoneLine[];
  history: HistoryLine[];
  reminders: ReminderLine[];
}

export interface TaskDetailInput {
  task: TaskRecord;
  status: TaskStatus | undefined;
  units: UnitRecord[];
  progress: ProgressRecord[];
  reminders: ReminderRecord[];
  today: string;
  officeName: string;
}

/** The milestone's next due day: the earliest occurrence a visible unit has still open (it may be overdue), else the next one on the calendar. */
function milestoneLine(m: MilestoneRecord, today: string, open: string[]): MilestoneLine {
  const base = { key: m.key, kind: m.kind, label: m.label, rule: describeMilestone(m), source: m.source, historical: m.historical };
  if (m.kind === 'continuous') return { ...base, nextDue: quarterOf(today).end };
  const due = open.sort()[0] ?? (m.historical ? undefined : nextOccurrence(m, today)?.due);
  return { ...base, nextDue: due ?? null, ...(due && m.kind === 'annual' ? { periodLabel: periodLabelOf(m, Number(due.slice(0, 4))) } : {}) };
}

/** The task for this viewer; null when none of its rows are theirs (the page answers 403). */
export function taskDetail(input: TaskDetailInput, scope: Scope): TaskDetail | null {
  const { task, today } = input;
  const statuses = input.status ? [input.status] : [];
  const rows = allRows({ tasks: [task], units: input.units, statuses, progress: input.progress, today, officeName: input.officeName }, scope);
  // The office's own rows are not on the board, but the office still sees its tasks.
  if (rows.length === 0 && scope.kind !== 'all') return null;
  // A liaison sees the reports and reminders of their own rows: their units, and the collective a row came through.
  const names = new Set(rows.flatMap((r) => [r.unitName, ...r.reporters]));
  const mine = (unitName: string) => scope.kind === 'all' || names.has(unitName);
  const history = input.progress
    .filter((p) => p.taskNumber === task.number && mine(p.unitName))
    // Newest first; the store lists in recording order, so of two reports in one instant the later one leads.
    .reverse()
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map((p) => ({ at: p.at, unitName: p.unitName, by: reporterLabel(p), status: p.status, percent: p.percent, text: p.text, via: p.via, occurrence: p.occurrence ?? null }));
  // A liaison sees the reminders their chat got; the office also sees the lists and escalations it got about them.
  const reminders = input.reminders
    .filter((r) => mine(r.unitName) && (scope.kind === 'all' || (UNIT_REMINDER_KINDS as readonly string[]).includes(r.kind)))
    .map((r) => ({
      unitName: r.unitName,
      kind: r.kind,
      step: r.step,
      occurrence: r.occurrence,
      sendOn: r.sendOn,
      status: r.status,
      attempts: r.attempts,
      sentAt: r.sentAt,
      lastError: scope.kind === 'all' ? r.lastError : null,
    }))
    .sort((a, b) => (a.sendOn < b.sendOn ? 1 : a.sendOn > b.sendOn ? -1 : 0));
  const worst = scope.kind === 'all' ? (input.status?.status ?? 'on-track') : worstOf(rows.map((r) => r.status));
  return {
    number: task.number,
    chapter: task.chapter,
    section: task.section,
    text: task.text,
    schedule: task.schedule,
    status: worst,
    units: rows.map(({ dues: _d, reporters: _r, ...row }) => row),
    milestones: task.milestones.map((m) =>
      milestoneLine(
        m,
        today,
        (input.status?.units ?? []).filter((u) => names.has(u.unitName)).flatMap((u) => u.occurrences.filter((o) => o.milestoneKey === m.key && o.status !== 'done').map((o) => o.occurrence)),
      ),
    ),
    history,
    reminders,
  };
}

