// Status lights for the supervising office: per (task, unit, occurrence), then per unit and task.
import { DEFAULT_TZ, dayOf } from '../clock.ts';
import type { ProgressRecord, TaskRecord, UnitRecord, UnitRole } from '../registry/types.ts';
import { diffDays, plusDays } from './day-math.ts';
import type { WorkCalendar } from './calendar.ts';
import { liveOccurrences, previousQuarter, quarterOf } from './occurrences.ts';
import type { ReminderPolicy } from './policy.ts';
import { recipientsOf, unitDirectory } from './recipients.ts';
import { indexProgress, unitProgress } from './unit-progress.ts';

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
  /** Due day (quarter end for a continuous milestone). */
  occurrence: string;
  status: StatusLight;
  /** Calendar days until the due day; negative when overdue. */
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
}

export function statusOf(input: StatusInput): TaskStatus[] {
  const { policy, calendar, now } = input;
  const tz = input.tz ?? DEFAULT_TZ;
  const today = dayOf(now, tz);
  const dir = unitDirectory(input.units ?? []);
  const index = indexProgress(input.progress, now, tz);
  // A continuous task is behind when the unit has not reported this quarter; before this
  // quarter's progress call goes out, a report in the previous quarter still counts.
  const q = quarterOf(today);
  const callOn = calendar.onOrBeforeWorkday(plusDays(q.end, -policy.continuous.quarterlyCallDaysBeforeEnd));
  const windowStart = today >= callOn ? q.start : previousQuarter(q).start;

  return input.tasks
    .filter((t) => !t.retired)
    .map((task) => {
      const units = recipientsOf(task, dir).map((rcp): UnitTaskStatus => {
        const prog = unitProgress(task, rcp.reporters, index, input.trackFrom);
        const blocked = prog.last?.status === 'blocked';
        const row = (milestoneKey: string, occurrence: string, status: StatusLight): OccurrenceStatus => ({
          taskNumber: task.number,
          unitName: rcp.unitName,
          role: rcp.role,
          milestoneKey,
          occurrence,
          status: blocked && status !== 'done' ? worstOf([status, 'yellow']) : status,
          daysLeft: diffDays(today, occurrence),
        });
        const occurrences: OccurrenceStatus[] = [];
        for (const m of task.milestones) {
          if (m.historical) continue;
          if (m.kind === 'continuous') {
            occurrences.push(row(m.key, q.end, prog.reportedBetween(windowStart, today) ? 'on-track' : 'yellow'));
            continue;
          }
          for (const occ of liveOccurrences(m, today)) {
            if (input.trackFrom && occ.due < input.trackFrom) continue;
            const left = diffDays(today, occ.due);
            const light: StatusLight = prog.isClosed(m.key, occ.due) ? 'done' : left < 0 ? 'red' : left <= policy.blueWindowDays ? 'blue' : 'on-track';
            occurrences.push(row(m.key, occ.due, light));
          }
        }
        const status = worstOf(occurrences.map((o) => o.status), blocked ? 'yellow' : 'on-track');
        return { taskNumber: task.number, unitName: rcp.unitName, role: rcp.role, status, blocked, occurrences };
      });
      const leads = units.filter((u) => u.role === 'lead');
      return { taskNumber: task.number, status: worstOf((leads.length > 0 ? leads : units).map((u) => u.status)), units };
    });
}
