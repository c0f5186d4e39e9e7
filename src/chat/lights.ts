// The chat's words for the schedule's status lights (src/schedule/status.ts decides the light; the
// chat only names it): red → overdue, yellow → blocked (the latest report says so) or behind,
// blue → due soon, on-track, done; a task with no dated milestone that is on track is "ongoing".
import type { TaskRecord } from '../registry/types.ts';
import type { UnitTaskStatus } from '../schedule/status.ts';

export type Light = 'overdue' | 'blocked' | 'behind' | 'due-soon' | 'on-track' | 'done' | 'ongoing';

export function chatLight(task: TaskRecord, u: UnitTaskStatus): Light {
  switch (u.status) {
    case 'red':
      return 'overdue';
    case 'yellow':
      return u.blocked ? 'blocked' : 'behind';
    case 'blue':
      return 'due-soon';
    case 'done':
      return 'done';
    case 'on-track': {
      const dated = u.occurrences.some((o) => task.milestones.find((m) => m.key === o.milestoneKey)?.kind !== 'continuous');
      return dated ? 'on-track' : 'ongoing';
    }
  }
}
