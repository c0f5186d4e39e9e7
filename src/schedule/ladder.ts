// The steps of one dated occurrence: the reminder ladder before the deadline and the overdue
// notices after it, each on a working day, in strictly increasing order of day.
import { diffDays, plusDays } from './day-math.ts';
import type { WorkCalendar } from './calendar.ts';
import { ladderStepId, type ReminderPolicy } from './policy.ts';

export interface LadderStep {
  /** 'D-30', 'W-3', 'D0', 'OD+1', 'OD+W2' */
  id: string;
  kind: 'reminder' | 'overdue';
  sendOn: string;
}

export function stepsFor(due: string, policy: ReminderPolicy, calendar: WorkCalendar): LadderStep[] {
  // Before the deadline a step on a day off moves earlier (the unit still has time to act).
  const before = policy.ladder.map((s) => {
    const sendOn = s.unit === 'working' && s.before > 0 ? calendar.addWorkdays(due, -s.before) : calendar.onOrBeforeWorkday(plusDays(due, -s.before));
    return { id: ladderStepId(s), kind: 'reminder' as const, sendOn, rank: diffDays(sendOn, due) * 1000 + s.before };
  });
  // After it a step on a day off moves later, so a long holiday cannot push it back before the deadline.
  const od = policy.overdue;
  const first = calendar.addWorkdays(due, od.firstAfterWorkdays);
  const after: LadderStep[] = [{ id: `OD+${od.firstAfterWorkdays}`, kind: 'overdue', sendOn: first }];
  for (let k = 1; k <= od.maxRepeats; k++) {
    after.push({ id: `OD+W${k}`, kind: 'overdue', sendOn: calendar.onOrAfterWorkday(plusDays(first, k * od.repeatEveryDays)) });
  }
  // Two steps on one day (a deadline on a Sunday puts W-1 and D0 on the Friday): keep the one
  // nearer the deadline, so every step has a day of its own.
  const ordered = [...before.sort((a, b) => b.rank - a.rank).map(({ id, kind, sendOn }) => ({ id, kind, sendOn })), ...after];
  const kept: LadderStep[] = [];
  for (let i = ordered.length - 1; i >= 0; i--) {
    const s = ordered[i]!;
    if (kept.length === 0 || s.sendOn < kept[0]!.sendOn) kept.unshift(s);
  }
  return kept;
}

/**
 * The step to send on `today`: the latest one scheduled on or before it (a step missed during
 * downtime is sent late; one superseded by a later step is dropped). The last step stays
 * current for one repeat interval, then the occurrence falls silent.
 */
export function currentStep(steps: LadderStep[], today: string, repeatEveryDays: number): LadderStep | undefined {
  let i = -1;
  while (i + 1 < steps.length && steps[i + 1]!.sendOn <= today) i++;
  if (i < 0) return undefined;
  const s = steps[i]!;
  if (i === steps.length - 1 && diffDays(s.sendOn, today) >= repeatEveryDays) return undefined;
  return s;
}
