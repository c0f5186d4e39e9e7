// 任务 68 / task 68: one task with every unit's latest progress.
import { describeMilestone } from '../../registry/describe-milestone.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { copy } from '../copy.ts';
import { taskDetailCard, type TaskDetail } from '../cards/task-detail-card.ts';
import { nextOccurrence } from '../../schedule/occurrences.ts';
import { diffDays } from '../../schedule/day-math.ts';
import { card, text, type Command, type CommandContext, type Lang, type Reply } from './types.ts';
import { langOfKeyword, latestLine } from './lines.ts';
import { loadWorld, outsiderView, viewOf } from './scope.ts';
import { createEvidenceRepo } from '../../store/evidence-repo.ts';
import { formatSize } from '../../evidence/rules.ts';
import { inZone } from '../../clock.ts';

/** The "no such task" answer, shared by every command that takes a task number. */
export async function unknownTask(ctx: CommandContext, n: number, lang: Lang): Promise<Reply> {
  const count = await createRegistryRepo(ctx.db).countTasks();
  return text(copy(lang).unknownTask(n, count));
}

export const taskCommand: Command<{ lang: Lang; number: number | null }> = {
  name: 'task',
  match: (t) => {
    const m = /^(?:(任务)|(task))(?:\s+|(?=[#\d])|$)(.*)$/i.exec(t);
    if (!m) return null;
    const lang = m[2] ? 'en' : 'zh';
    const n = /^(?:#|no\.?\s*|第)?\s*(\d{1,9})\s*(?:号|项)?$/i.exec(m[3].trim());
    return { lang, number: n ? Number(n[1]) : null };
  },
  run: async (ctx, { lang, number }) => {
    const c = copy(lang);
    if (number === null) return text(c.taskUsage);
    const task = await createRegistryRepo(ctx.db).getTask(number);
    if (!task) return unknownTask(ctx, number, lang);
    const world = await loadWorld(ctx);
    const evidence = await createEvidenceRepo(ctx.db).list({ taskNumber: number });
    // The units the plan names (a collective as one), then the others that reported (members, or units
    // no longer on the task).
    const named = new Set(task.units.map((u) => u.name));
    const reported = [...new Set(world.reports.filter((r) => r.taskNumber === number && !named.has(r.unitName)).map((r) => r.unitName))];
    const units = [...task.units.map((u) => u.name), ...reported].map((name) => {
      const v = viewOf(world, task, name) ?? outsiderView(world, task, name);
      const o = v.open[0];
      const extensions = world.extensions
        .filter((e) => e.taskNumber === task.number && e.unitName === name)
        .map((e) => ({ id: e.id, fromDue: e.fromDue, newDue: e.newDue, status: e.status }));
      const ev = evidence
        .filter((e) => e.unitName === name)
        .map((e) => ({ id: e.id, name: e.name, size: e.kind === 'link' ? null : formatSize(e.size ?? 0), who: e.reporterName || e.reporterId, when: inZone(e.at, ctx.tz).format('YYYY-MM-DD HH:mm') }));
      return {
        name,
        light: v.light,
        next: o && { occurrence: o.due, daysLeft: o.daysLeft, ...(o.extendedTo ? { extendedTo: o.extendedTo } : {}) },
        latest: latestLine(v.latest, ctx.tz),
        ...(extensions.length ? { extensions } : {}),
        ...(ev.length ? { evidence: ev } : {}),
      };
    });
    const detail: TaskDetail = {
      number: task.number,
      chapter: task.chapter,
      section: task.section,
      text: task.text,
      schedule: task.schedule,
      retired: task.retired,
      lead: task.units.filter((u) => u.role === 'lead').map((u) => u.name),
      other: task.units.filter((u) => u.role === 'other').map((u) => u.name),
      milestones: task.milestones.map((m) => {
        // The plan's own next date (no unit's reports): the first occurrence on or after today.
        const next = m.historical ? undefined : nextOccurrence(m, world.today);
        return { describe: describeMilestone(m), label: m.label, next: next && { occurrence: next.due, daysLeft: diffDays(world.today, next.due) } };
      }),
      units,
    };
    return card(taskDetailCard(detail, lang));
  },
};
