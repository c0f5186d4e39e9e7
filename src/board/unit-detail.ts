// One unit as the board shows it: its tasks with their lights, its last answer, the reminders it has
// not answered, and how long it takes to answer (median from a reminder to its next report). Pure.
import type { ProgressRecord } from '../registry/types.ts';
import type { SentReminder } from '../supervision/digest.ts';
import { allRows, countPerUnit, reporterLabel, type BoardInput, type BoardRow, type LatestReport } from './board-rows.ts';
import type { Counts } from '../supervision/digest.ts';
import { WHOLE_PLAN } from './scope.ts';

export interface UnansweredReminder {
  taskNumber: number;
  kind: string;
  occurrence: string;
  sentAt: Date;
  /** Whole days since it went out. */
  daysSince: number;
}

export interface UnitDetail {
  unitName: string;
  aliases: string[];
  chatBound: boolean;
  rows: BoardRow[];
  counts: Counts;
  lastAnswer: (LatestReport & { taskNumber: number }) | null;
  unanswered: UnansweredReminder[];
  /** Reminders (one per card and task) that got a report afterwards, and the median wait in hours. */
  response: { answered: number; asked: number; medianHours: number | null };
}

export interface UnitDetailInput extends BoardInput {
  sent: SentReminder[];
  now: Date;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Each card that reached the unit, per task on it (a card listing two occurrences of one task asks
 * once), paired with the unit's first report on that task at or after it went out.
 */
export function reminderAnswers(sent: SentReminder[], progress: ProgressRecord[], unitName: string, now: Date) {
  const reports = progress.filter((p) => p.unitName === unitName && p.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
  const asks = new Map<string, SentReminder>();
  for (const s of sent) {
    if (s.unitName !== unitName || s.sentAt > now) continue;
    const k = `${s.messageId}|${s.taskNumber}`;
    if (!asks.has(k)) asks.set(k, s);
  }
  return [...asks.values()].map((s) => ({ reminder: s, answer: reports.find((p) => p.taskNumber === s.taskNumber && p.at >= s.sentAt) }));
}

/** The unit's page (the caller has checked the viewer may see the unit). */
export function unitDetail(input: UnitDetailInput, unit: { name: string; aliases: string[]; chatId: string | null }): UnitDetail {
  const rows = allRows(input, WHOLE_PLAN).filter((r) => r.unitName === unit.name);
  const own = input.progress.filter((p) => p.unitName === unit.name && p.at <= input.now);
  const last = own.reduce<ProgressRecord | undefined>((b, p) => (!b || p.at >= b.at ? p : b), undefined);
  const answers = reminderAnswers(input.sent, input.progress, unit.name, input.now);
  const waits = answers.filter((a) => a.answer).map((a) => (a.answer!.at.getTime() - a.reminder.sentAt.getTime()) / 3_600_000);
  const med = median(waits);
  const unanswered = answers
    .filter((a) => !a.answer)
    .map(({ reminder: s }) => ({
      taskNumber: s.taskNumber,
      kind: s.kind,
      occurrence: s.occurrence,
      sentAt: s.sentAt,
      daysSince: Math.floor((input.now.getTime() - s.sentAt.getTime()) / 86_400_000),
    }))
    .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime() || a.taskNumber - b.taskNumber);
  return {
    unitName: unit.name,
    aliases: unit.aliases,
    chatBound: unit.chatId !== null,
    rows: rows.map(({ dues: _d, reporters: _r, ...row }) => row),
    counts: countPerUnit(rows).totals,
    lastAnswer: last
      ? { at: last.at, unitName: last.unitName, status: last.status, percent: last.percent, text: last.text, by: reporterLabel(last), via: last.via, taskNumber: last.taskNumber }
      : null,
    unanswered,
    response: { answered: waits.length, asked: answers.length, medianHours: med === null ? null : Math.round(med * 10) / 10 },
  };
}
