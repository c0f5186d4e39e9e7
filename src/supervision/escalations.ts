// Red items escalated to the office: once when an occurrence turns red, then once a week while it
// stays red. Pure: the key names the week of lateness, so the Reminder table's unique key makes each
// one go out at most once, and a missed pass catches up with the current week's key only.
import type { TaskRecord, UnitRole } from '../registry/types.ts';
import type { TaskStatus } from '../schedule/status.ts';

export const ESCALATION_PERIOD_DAYS = 7;

export interface Escalation {
  /** esc|task|unit|milestoneKey|occurrence|week<n> */
  key: string;
  taskNumber: number;
  taskText: string;
  unitName: string;
  role: UnitRole;
  milestoneKey: string;
  milestoneLabel: string;
  occurrence: string;
  daysOverdue: number;
  /** 0 = turned red this week; n = the n-th weekly repeat. */
  week: number;
}

export function escalationKey(taskNumber: number, unitName: string, milestoneKey: string, occurrence: string, week: number): string {
  return ['esc', taskNumber, unitName, milestoneKey, occurrence, `week${week}`].join('|');
}

/** Every red (task, unit, occurrence) at the moment the statuses were taken, with this week's key. */
export function dueEscalations(statuses: TaskStatus[], tasks: TaskRecord[], opts: { officeUnit?: string } = {}): Escalation[] {
  const byNumber = new Map(tasks.map((t) => [t.number, t]));
  const out: Escalation[] = [];
  for (const ts of statuses) {
    const task = byNumber.get(ts.taskNumber);
    for (const u of ts.units) {
      if (u.unitName === opts.officeUnit) continue;
      for (const o of u.occurrences) {
        if (o.status !== 'red') continue;
        const daysOverdue = -o.daysLeft;
        // Day 1..7 late is week 0 (the first notice), day 8..14 week 1, and so on.
        const week = Math.floor((daysOverdue - 1) / ESCALATION_PERIOD_DAYS);
        out.push({
          key: escalationKey(ts.taskNumber, u.unitName, o.milestoneKey, o.occurrence, week),
          taskNumber: ts.taskNumber,
          taskText: task?.text ?? '',
          unitName: u.unitName,
          role: u.role,
          milestoneKey: o.milestoneKey,
          milestoneLabel: task?.milestones.find((m) => m.key === o.milestoneKey)?.label ?? '',
          occurrence: o.occurrence,
          daysOverdue,
          week,
        });
      }
    }
  }
  return out.sort((a, b) => b.daysOverdue - a.daysOverdue || a.taskNumber - b.taskNumber || a.unitName.localeCompare(b.unitName, 'zh-CN'));
}
