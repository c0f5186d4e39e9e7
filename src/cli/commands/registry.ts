// registry import | list | show | check
import { z } from 'zod';
import type { CliContext } from '../context.ts';
import { boolFlag, readFlags, type ParsedArgs } from '../args.ts';
import { AppError } from '../../errors.ts';
import { describeImport, importRegistry, readPlan } from '../../jobs/import-registry.ts';
import { CORPUS_DIR, checkCorpus } from '../../jobs/check-corpus.ts';
import { formatCorpusTable, rowIsExact } from '../../registry/plan-expectation.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createExtensionRepo } from '../../store/extension-repo.ts';
import { createProgressRepo } from '../../store/progress-repo.ts';
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { createReminderRepo } from '../../store/reminder-repo.ts';
import { describeMilestone } from '../../registry/describe-milestone.ts';
import type { ParsedPlan, TaskRecord } from '../../registry/types.ts';
import type { Db } from '../../store/db.ts';
import { createEvidenceRepo } from '../../store/evidence-repo.ts';
import { evidenceLine } from './evidence.ts';

/** The contract's --dry-run --json shape. */
export function planToJson(plan: ParsedPlan) {
  return {
    tasks: plan.tasks.map((t) => ({
      number: t.number,
      chapter: t.chapter,
      section: t.section,
      text: t.text,
      leadUnits: t.leadUnits,
      otherUnits: t.otherUnits,
      schedule: t.schedule,
      milestones: t.milestones,
      line: t.line,
    })),
    units: plan.units.map((u) => ({ name: u.name, aliases: u.aliases, ...(u.collective ? { collective: true, members: u.members ?? [] } : {}) })),
    warnings: plan.warnings,
    // Deadlines the document states outside its tasks ("各地区…于2018年12月31日前报送"), with the units it names.
    planMilestones: plan.planMilestones ?? [],
  };
}

/** Every reminder step queued for a task, with what became of its message (the audit of reminders sent). */
async function remindersOfTask(db: Db, taskNumber: number) {
  return (await createReminderRepo(db).ofTask(taskNumber)).map((r) => ({
    sendOn: r.sendOn,
    unit: r.unitName,
    kind: r.kind,
    step: r.step,
    occurrence: r.occurrence,
    chatId: r.chatId,
    status: r.status,
    sentAt: r.sentAt?.toISOString() ?? null,
  }));
}

function taskNumberArg(command: string, value: string | undefined): number {
  if (value === undefined) throw new AppError('usage', `${command}: expected a task number, e.g. "${command} 68"`);
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new AppError('usage', `${command}: "${value}" is not a task number (expected a whole number such as 68)`);
  return n;
}

function unitsLine(t: TaskRecord): string {
  const lead = t.units.filter((u) => u.role === 'lead').map((u) => u.name);
  const other = t.units.filter((u) => u.role === 'other').map((u) => u.name);
  return `牵头: ${lead.join('、') || '—'}${other.length ? `；配合: ${other.join('、')}` : ''}`;
}

export async function registryCommand(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [, sub, ...rest] = args.positionals;
  switch (sub) {
    case 'import': {
      const f = readFlags('registry import', args.flags, { 'dry-run': boolFlag, json: boolFlag });
      if (rest.length > 1) throw new AppError('usage', `registry import: expected at most one FILE, got ${rest.length}`);
      const file = rest[0] ?? ctx.config.planPath;
      const files = { unitsPath: ctx.config.unitsPath, overridesPath: ctx.config.overridesPath };
      if (f['dry-run']) {
        const { plan } = await readPlan(file, files);
        if (f.json) ctx.io.out(JSON.stringify(planToJson(plan), null, 2));
        else {
          ctx.io.out(`${file}: ${plan.tasks.length} tasks, ${plan.units.length} units, ${plan.warnings.length} warnings (dry run: nothing written)`);
          for (const w of plan.warnings) ctx.io.out(`  ${w.task ? `task ${w.task}` : `line ${w.line ?? '?'}`}: ${w.message} 「${w.source}」`);
          for (const m of plan.planMilestones ?? []) ctx.io.out(`  plan deadline (line ${m.line}): ${describeMilestone(m)} ${m.units.join('、')} 「${m.source}」`);
        }
        return 0;
      }
      const { plan, summary } = await importRegistry(await ctx.db(), file, files, { now: ctx.clock.now(), tz: ctx.config.tz, actor: 'cli' });
      if (f.json) ctx.io.out(JSON.stringify({ summary, warnings: plan.warnings }, null, 2));
      else for (const l of describeImport(file, plan, summary)) ctx.io.out(l);
      return 0;
    }
    case 'list': {
      const f = readFlags('registry list', args.flags, { unit: z.string().min(1).optional(), json: boolFlag });
      const db = await ctx.planDb();
      let tasks = await createRegistryRepo(db).listTasks();
      if (f.unit) {
        const m = matchUnit(await createUnitRepo(db).list(), f.unit);
        if (m.kind === 'none') throw new AppError('unknown-unit', `registry list: no unit matches "${f.unit}" (see: units list)`);
        if (m.kind === 'ambiguous') throw new AppError('ambiguous-unit', `registry list: "${f.unit}" matches ${m.candidates.join('、')}: say which`);
        tasks = tasks.filter((t) => t.units.some((u) => u.name === m.unit.name));
      }
      if (f.json) ctx.io.out(JSON.stringify(tasks, null, 2));
      else {
        if (tasks.length === 0) ctx.io.out(`no tasks for ${f.unit}`);
        for (const t of tasks) {
          ctx.io.out(`${String(t.number).padStart(3)}  ${t.milestones.map(describeMilestone).join(' · ') || '—'}  ${unitsLine(t)}`);
          ctx.io.out(`     ${t.text.slice(0, 60)}${t.text.length > 60 ? '…' : ''}`);
        }
      }
      return 0;
    }
    case 'show': {
      const f = readFlags('registry show', args.flags, { json: boolFlag });
      const n = taskNumberArg('registry show', rest[0]);
      const db = await ctx.planDb();
      const task = await createRegistryRepo(db).getTask(n);
      if (!task) {
        const count = await createRegistryRepo(db).countTasks();
        throw new AppError('unknown-task', `registry show: there is no task ${n} (the registry has ${count} tasks)`);
      }
      const progress = await createProgressRepo(db).list({ taskNumber: n });
      const reminders = await remindersOfTask(db, n);
      const extensions = await createExtensionRepo(db).list({ taskNumber: n });
      const evidence = await createEvidenceRepo(db).list({ taskNumber: n });
      if (f.json) {
        ctx.io.out(JSON.stringify({ ...task, progress, reminders, extensions, evidence }, null, 2));
        return 0;
      }
      ctx.io.out(`任务 ${task.number}${task.retired ? ' (已退出方案 retired)' : ''}  ${task.chapter}${task.section ? ` / ${task.section}` : ''}`);
      ctx.io.out(task.text);
      ctx.io.out(unitsLine(task));
      ctx.io.out(`进度安排: ${task.schedule}`);
      for (const m of task.milestones) {
        ctx.io.out(`  - ${describeMilestone(m)}  ${m.label}${m.historical ? ' [已过期: history]' : ''}${m.repair ? ` [修复: ${m.repair}]` : ''}  「${m.source}」`);
      }
      ctx.io.out(progress.length ? `进展 (${progress.length}):` : '进展: 暂无 (no progress reported)');
      for (const p of progress) {
        ctx.io.out(
          `  ${p.at.toISOString()}  ${p.unitName}  ${p.status}${p.percent !== null ? ` ${p.percent}%` : ''}  ${p.text}  — ${p.reporterName ?? p.reporterId} via ${p.via}`,
        );
      }
      ctx.io.out(extensions.length ? `延期申请 extensions (${extensions.length}):` : '延期申请: 暂无 (no extension requests)');
      for (const e of extensions) {
        const decided = e.decidedAt ? `  ${e.status === 'approved' ? '批准' : '未批准'} ${e.decidedAt.toISOString()} ${e.decidedByName ?? e.decidedBy}${e.comment ? `「${e.comment}」` : ''}` : '';
        ctx.io.out(
          `  #${e.id}  ${e.createdAt.toISOString()}  ${e.unitName}  ${e.fromDue} → ${e.newDue}${e.fromDue !== e.occurrence ? ` (原定 ${e.occurrence})` : ''}  ${e.status}  原因: ${e.reason}  — ${e.requesterName ?? e.requesterId}${decided}`,
        );
      }
      // Each unit's evidence (佐证材料), units in the task's order.
      ctx.io.out(evidence.length ? `佐证材料 evidence (${evidence.length}):` : '佐证材料: 暂无 (no evidence)');
      const order = [...task.units.map((u) => u.name), ...new Set(evidence.map((e) => e.unitName))];
      for (const unit of [...new Set(order)]) {
        const mine = evidence.filter((e) => e.unitName === unit);
        if (!mine.length) continue;
        ctx.io.out(`  ${unit} (${mine.length}):`);
        for (const e of mine) ctx.io.out(`    ${evidenceLine(e, ctx.config.tz)}`);
      }
      ctx.io.out(reminders.length ? `提醒记录 reminders (${reminders.length}):` : '提醒记录: 暂无 (no reminders yet)');
      for (const r of reminders) {
        ctx.io.out(`  ${r.sendOn}  ${r.unit}  ${r.kind} ${r.step}  期限 ${r.occurrence}  → ${r.chatId}  ${r.status}${r.sentAt ? ` ${r.sentAt}` : ''}`);
      }
      return 0;
    }
    case 'check': {
      // The corpus of real plans against their expectation files: exit 1 when any document reads otherwise.
      const f = readFlags('registry check', args.flags, { json: boolFlag });
      if (rest.length > 1) throw new AppError('usage', `registry check: expected at most one DIR, got ${rest.length}`);
      const rows = await checkCorpus(rest[0] ?? CORPUS_DIR, { unitsPath: ctx.config.unitsPath, overridesPath: ctx.config.overridesPath });
      if (f.json) ctx.io.out(JSON.stringify(rows, null, 2));
      else ctx.io.out(formatCorpusTable(rows));
      return rows.every(rowIsExact) ? 0 : 1;
    }
    default:
      throw new AppError('usage', `registry: expected import, list, show or check${sub ? `, got "${sub}"` : ''}`);
  }
}
