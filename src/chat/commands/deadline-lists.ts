// 逾期 / overdue and 本周 / this week: open deadlines of this chat's units, or of the whole plan in the
// office's chats (and where no unit is known), one line per task deadline with the units still open.
// "This week" is the policy's blue window (the days a deadline shows blue in the office's status).
import { describeMilestone } from '../../registry/describe-milestone.ts';
import type { OpenOccurrence } from '../../schedule/status.ts';
import type { TaskRecord } from '../../registry/types.ts';
import { deadlineCard, type DeadlineLine } from '../cards/deadline-card.ts';
import { card, type Command, type CommandContext, type Lang, type Reply } from './types.ts';
import { langOfKeyword } from './lines.ts';
import { loadWorld, seesWholePlan, speakerUnits, tasksOfUnits, viewOf } from './scope.ts';

type Kind = 'overdue' | 'week';

async function deadlineList(ctx: CommandContext, kind: Kind, lang: Lang): Promise<Reply> {
  const units = await speakerUnits(ctx, ctx.msg);
  const whole = seesWholePlan(ctx, units);
  const world = await loadWorld(ctx);
  const days = world.policy.blueWindowDays;
  const keep = (o: OpenOccurrence) => (kind === 'overdue' ? o.daysLeft < 0 : o.daysLeft >= 0 && o.daysLeft <= days);
  const pairs: { task: TaskRecord; unit: string; o: OpenOccurrence }[] = [];
  if (whole) {
    // The units as the plan names them; a collective without a chat of its own stays open while any member is.
    for (const task of world.tasks)
      for (const u of task.units) for (const o of viewOf(world, task, u.name)?.open ?? []) if (keep(o)) pairs.push({ task, unit: u.name, o });
  } else {
    for (const v of tasksOfUnits(world, units)) for (const o of v.open) if (keep(o)) pairs.push({ task: v.task, unit: v.unitName, o });
  }
  const grouped = new Map<string, DeadlineLine>();
  for (const { task, unit, o } of pairs) {
    const key = `${task.number}|${o.milestone.key}|${o.due}`;
    const line = grouped.get(key);
    if (line) {
      if (!line.units.includes(unit)) line.units.push(unit);
    } else
      grouped.set(key, {
        taskNumber: task.number,
        taskText: task.text,
        describe: describeMilestone(o.milestone),
        label: o.milestone.label,
        occurrence: o.due,
        daysLeft: o.daysLeft,
        units: [unit],
      });
  }
  const lines = [...grouped.values()].sort((a, b) => a.daysLeft - b.daysLeft || a.taskNumber - b.taskNumber);
  return card(deadlineCard(lines, { kind, lang, days, scope: whole ? undefined : units.map((u) => u.name) }));
}

export const overdueCommand: Command<{ lang: Lang }> = {
  name: 'overdue',
  match: (t) => {
    const m = /^(逾期|超期|逾期任务|overdue|late)$/i.exec(t);
    return m ? { lang: langOfKeyword(m[1]) } : null;
  },
  run: (ctx, { lang }) => deadlineList(ctx, 'overdue', lang),
};

export const thisWeekCommand: Command<{ lang: Lang }> = {
  name: 'this-week',
  match: (t) => {
    const m = /^(本周|这周|本周到期|近期|this\s*week|due\s*soon)$/i.exec(t);
    return m ? { lang: langOfKeyword(m[1]) } : null;
  },
  run: (ctx, { lang }) => deadlineList(ctx, 'week', lang),
};
