// Views (task as a unit sees it) → the plain data the cards draw.
import { describeMilestone } from '../../registry/describe-milestone.ts';
import { dayOf } from '../../clock.ts';
import type { LatestLine, TaskLine } from '../cards/task-list-card.ts';
import { reporterName, type Report, type UnitTaskView } from './scope.ts';

export function latestLine(r: Report | undefined, tz: string): LatestLine | undefined {
  return r ? { status: r.status, percent: r.percent, text: r.text, who: reporterName(r), day: dayOf(r.at, tz) } : undefined;
}

export function toTaskLine(v: UnitTaskView, tz: string): TaskLine {
  const o = v.open[0];
  return {
    number: v.task.number,
    text: v.task.text,
    role: v.role,
    unitName: v.unitName,
    light: v.light,
    next: o ? { occurrence: o.due, daysLeft: o.daysLeft, label: o.milestone.label, describe: describeMilestone(o.milestone) } : undefined,
    latest: latestLine(v.latest, tz),
  };
}

export const langOfKeyword = (kw: string): 'zh' | 'en' => (/^[a-z]/i.test(kw) ? 'en' : 'zh');
