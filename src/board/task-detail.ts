// One task as the board shows it: text, its units with their lights, milestones with their next due
// days, every progress report and every reminder, all narrowed to what the viewer may see. Pure.
import type { MilestoneRecord, ProgressRecord, ProgressStatus, ProgressVia, TaskRecord, UnitRecord } from '../registry/types.ts';
import { describeMilestone } from '../registry/describe-milestone.ts';
import { nextOccurrence, periodLabelOf, quarterOf } from '../schedule/occurrences.ts';
import { worstOf, type StatusLight, type TaskStatus } from '../schedule/status.ts';
import type { ReminderRecord } from '../store/reminder-repo.ts';
import { allRows, reporterLabel, type BoardRow } from './board-rows.ts';
import type { Scope } from './scope.ts';

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

function milestoneLine(m: MilestoneRecord, today: string): MilestoneLine {
  const base = { key: m.key, kind: m.kind, label: m.label, rule: describeMilestone(m), source: m.source, historical: m.historical };
  if (m.kind === 'continuous') return { ...base, nextDue: quarterOf(today).end };
  const next = m.historical ? undefined : nextOccurrence(m, today);
  return { ...base, nextDue: next?.due ?? null, ...(next && m.kind === 'annual' ? { periodLabel: periodLabelOf(m, Number(next.due.slice(0, 4))) } : {}) };
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
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map((p) => ({ at: p.at, unitName: p.unitName, by: reporterLabel(p), status: p.status, percent: p.percent, text: p.text, via: p.via, occurrence: p.occurrence ?? null }));
  const reminders = input.reminders
    .filter((r) => mine(r.unitName))
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
    milestones: task.milestones.map((m) => milestoneLine(m, today)),
    history,
    reminders,
  };
}

