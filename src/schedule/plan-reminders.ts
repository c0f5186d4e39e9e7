// The reminder planner: a plain function of (registry, progress, policy, calendar, now). It says
// what is due at `now`; the outbox dedupes on `key`, so running it twice a day changes nothing.
import { dayOf, instantAt } from '../clock.ts';
import type { MilestoneRecord, ProgressRecord, TaskRecord, UnitRecord } from '../registry/types.ts';
import type { CalendarWarning, WorkCalendar } from './calendar.ts';
import { diffDays, plusDays } from './day-math.ts';
import { currentStep, stepsFor, type LadderStep } from './ladder.ts';
import { movedDeadlines, occurrenceKey, type ExtensionRecord } from './extensions.ts';
import { liveOccurrences, quarterOf, type Occurrence } from './occurrences.ts';
import type { ReminderPolicy } from './policy.ts';
import { recipientsOf, unitDirectory } from './recipients.ts';
import type { PlannedReminder } from './types.ts';
import { indexProgress, summarize, unitProgress, type UnitProgress } from './unit-progress.ts';

// A preview is for a person to read (the CLI); two years of daily passes is plenty, and a longer
// window is almost always a typo in --to.
export const PREVIEW_MAX_DAYS = 800;

export interface PlanInput {
  tasks: TaskRecord[];
  units: UnitRecord[];
  progress: ProgressRecord[];
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  now: Date;
  tz: string;
  /** The supervising office (依法治办): receives one 'office-overdue' item per overdue unit and day. */
  officeUnit: string;
  /** Go-live day: occurrences due before it are not chased (nobody could report them to Duban). */
  trackFrom?: string;
  /** Extension requests: an approved one moves that unit's deadline for that occurrence. */
  extensions?: ExtensionRecord[];
}

export interface PlanResult {
  reminders: PlannedReminder[];
  /** Years the pass relied on without holiday data (weekends-only guesses). */
  warnings: CalendarWarning[];
}

export function planReminders(input: PlanInput): PlannedReminder[] {
  return planPass(input).reminders;
}

/** planReminders plus the calendar warnings for the years it looked at. */
export function planPass(input: PlanInput): PlanResult {
  return runPass(input, new Map());
}

function runPass(input: PlanInput, reportDays: Map<ProgressRecord, string>): PlanResult {
  const years = new Set<number>();
  const calendar = trackYears(input.calendar, years);
  const today = dayOf(input.now, input.tz);
  years.add(Number(today.slice(0, 4)));
  // Messages go out on working days from the send time on; a pass at any other moment sends
  // nothing, and the next one catches up (see currentStep).
  const open = calendar.isWorkday(today) && input.now.getTime() >= instantAt(today, input.policy.sendTime, input.tz).getTime();
  const reminders = open ? planDay({ ...input, calendar }, today, reportDays) : [];
  return { reminders, warnings: input.calendar.warnings(years) };
}

function planDay(input: PlanInput, today: string, reportDays: Map<ProgressRecord, string>): PlannedReminder[] {
  const { policy, calendar } = input;
  const dir = unitDirectory(input.units);
  const index = indexProgress(input.progress, input.now, input.tz, reportDays);
  const stepsCache = new Map<string, LadderStep[]>();
  const stepsOf = (due: string) => {
    let steps = stepsCache.get(due);
    if (!steps) stepsCache.set(due, (steps = stepsFor(due, policy, calendar)));
    return steps;
  };
  const office = dir(input.officeUnit);
  const moved = movedDeadlines(input.extensions, (d) => dayOf(d, input.tz), input.now);
  const out = new Map<string, PlannedReminder>();
  const push = (r: PlannedReminder) => out.set(r.key, r);

  for (const task of input.tasks) {
    if (task.retired) continue;
    for (const rcp of recipientsOf(task, dir)) {
      const prog = unitProgress(task, rcp.reporters, index, input.trackFrom);
      const lastProgress = summarize(prog.latest);
      const base = { unitName: rcp.unitName, chatId: rcp.chatId, role: rcp.role, taskNumber: task.number, lastProgress };

      for (const m of task.milestones) {
        if (m.historical) continue;
        if (m.kind === 'continuous') {
          for (const r of continuousItems(m, prog, input, today)) push({ ...base, ...r, key: keyOf(rcp.unitName, task.number, m.key, r.occurrence, r.step) });
          continue;
        }
        for (const occ of liveOccurrences(m, today)) {
          if (prog.isClosed(m.key, occ.due) || (input.trackFrom && occ.due < input.trackFrom)) continue;
          // An approved extension: the ladder of the new day (its steps keyed '<step>@<day>', so the
          // original's steps already sent do not stand in for them), from the day of the decision on.
          const ext = moved.size ? moved.get(occurrenceKey(rcp.unitName, task.number, m.key, occ.due)) : undefined;
          const due = ext?.due ?? occ.due;
          const steps = ext ? stepsOf(due).filter((s) => s.sendOn >= ext.since) : stepsOf(due);
          const step = currentStep(steps, today, policy.overdue.repeatEveryDays);
          const late = due < today ? diffDays(due, today) : undefined;
          const moveFields = ext ? { extendedTo: ext.due } : {};
          if (step) {
            const stepId = ext ? `${step.id}@${ext.due}` : step.id;
            push({
              ...base,
              ...occurrenceFields(occ),
              ...moveFields,
              key: keyOf(rcp.unitName, task.number, m.key, occ.due, stepId),
              kind: step.kind,
              step: stepId,
              sendOn: step.sendOn,
              ...(step.kind === 'overdue' ? { daysOverdue: late } : {}),
            });
          }
          if (late !== undefined) {
            const officeStep = `OFFICE@${today}`;
            push({
              ...base,
              ...occurrenceFields(occ),
              ...moveFields,
              key: `${keyOf(input.officeUnit, task.number, m.key, occ.due, officeStep)}|${rcp.unitName}`,
              kind: 'office-overdue',
              unitName: office?.name ?? input.officeUnit,
              chatId: office?.chatId ?? null,
              step: officeStep,
              sendOn: today,
              daysOverdue: late,
              aboutUnit: rcp.unitName,
            });
          }
        }
      }
    }
  }
  // Stable sort: by task, the office's items last, otherwise in the task's unit order (leads first).
  const officeLast = (r: PlannedReminder) => (r.kind === 'office-overdue' ? 1 : 0);
  return [...out.values()].sort((a, b) => a.taskNumber - b.taskNumber || officeLast(a) - officeLast(b));
}

const keyOf = (unit: string, task: number, mk: string, occurrence: string, step: string) => [unit, task, mk, occurrence, step].join('|');

function occurrenceFields(occ: Occurrence): Pick<PlannedReminder, 'milestoneKey' | 'occurrence' | 'label' | 'periodLabel'> {
  return {
    milestoneKey: occ.milestone.key,
    occurrence: occ.due,
    label: occ.milestone.label,
    ...(occ.periodLabel ? { periodLabel: occ.periodLabel } : {}),
  };
}

type ContinuousItem = Pick<PlannedReminder, 'kind' | 'milestoneKey' | 'occurrence' | 'step' | 'sendOn' | 'label'>;

function continuousItems(m: MilestoneRecord, prog: UnitProgress, input: PlanInput, today: string): ContinuousItem[] {
  const { policy, calendar } = input;
  const items: ContinuousItem[] = [];
  // Quarterly progress call, some days before the quarter ends; skipped when the unit has
  // already reported in this quarter. Missed calls are still sent until the quarter is over.
  const q = quarterOf(today);
  const callOn = calendar.onOrBeforeWorkday(plusDays(q.end, -policy.continuous.quarterlyCallDaysBeforeEnd));
  if (callOn <= today && !prog.reportedBetween(q.start, today)) {
    items.push({ kind: 'quarterly', milestoneKey: m.key, occurrence: q.end, step: q.id, sendOn: callOn, label: m.label });
  }
  // Idle nudge: once per idle stretch of `idleDays` since the last report (or since 1 January
  // when the unit has never reported, but never before go-live: nobody could report to Duban
  // earlier, and day one must not nudge every unit at once), keyed on the stretch's first day.
  const idle = policy.continuous.idleDays;
  const since = prog.lastDay ?? `${today.slice(0, 4)}-01-01`;
  const anchor = input.trackFrom && input.trackFrom > since ? input.trackFrom : since;
  const stretches = Math.floor(diffDays(anchor, today) / idle);
  if (stretches >= 1) {
    const start = plusDays(anchor, idle * (stretches - 1));
    const sendOn = calendar.onOrAfterWorkday(plusDays(anchor, idle * stretches));
    if (sendOn <= today) items.push({ kind: 'idle', milestoneKey: m.key, occurrence: start, step: `IDLE${idle}`, sendOn, label: m.label });
  }
  return items;
}

/**
 * What would go out on each day from `fromDay` to `toDay` (inclusive), simulating one pass per
 * day at the send time with no new progress: the union of keys, each at its first day.
 */
export function previewReminders(input: Omit<PlanInput, 'now'>, fromDay: string, toDay: string): PlannedReminder[] {
  const span = diffDays(fromDay, toDay);
  if (span < 0) throw new Error(`preview window ends (${toDay}) before it starts (${fromDay})`);
  if (span >= PREVIEW_MAX_DAYS) throw new Error(`preview window of ${span + 1} days is longer than ${PREVIEW_MAX_DAYS}`);
  const seen = new Map<string, PlannedReminder>();
  const reportDays = new Map<ProgressRecord, string>();
  for (let d = fromDay; d <= toDay; d = plusDays(d, 1)) {
    for (const r of runPass({ ...input, now: instantAt(d, input.policy.sendTime, input.tz) }, reportDays).reminders) {
      if (!seen.has(r.key)) seen.set(r.key, r);
    }
  }
  return [...seen.values()];
}

/** The same calendar, noting every year it was asked about. */
function trackYears(c: WorkCalendar, years: Set<number>): WorkCalendar {
  const note = (day: string) => {
    years.add(Number(day.slice(0, 4)));
    return day;
  };
  return {
    packageLastYear: c.packageLastYear,
    hasData: (y) => c.hasData(y),
    unknownYears: (ys) => c.unknownYears(ys),
    warnings: (ys) => c.warnings(ys),
    isWorkday: (d) => c.isWorkday(note(d)),
    previousWorkday: (d) => note(c.previousWorkday(note(d))),
    nextWorkday: (d) => note(c.nextWorkday(note(d))),
    onOrBeforeWorkday: (d) => note(c.onOrBeforeWorkday(note(d))),
    onOrAfterWorkday: (d) => note(c.onOrAfterWorkday(note(d))),
    addWorkdays: (d, n) => note(c.addWorkdays(note(d), n)),
  };
}
