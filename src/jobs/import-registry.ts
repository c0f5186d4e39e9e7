// Plan document → parsed registry → (unless dry run) the store, in one transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { dayOf } from '../clock.ts';
import { extractPlanText } from '../registry/extract-text.ts';
import { explainNoTasks, parsePlan } from '../registry/parse-plan.ts';
import { createUnitDirectory, UnitDirectoryFileSchema, type UnitDirectory } from '../registry/unit-directory.ts';
import { PlanOverridesFileSchema } from '../registry/plan-overrides.ts';
import type { ParsedPlan } from '../registry/types.ts';
import { describeMilestone } from '../registry/describe-milestone.ts';
import { applyPlan, type ImportSummary } from '../store/registry-repo.ts';
import { readJsonFile } from './data-files.ts';

export interface RegistryFiles {
  unitsPath: string;
  overridesPath: string;
}

/** data/units.json as a lookup; an absent file is an empty directory. */
export function readUnitDirectory(unitsPath: string): UnitDirectory {
  return createUnitDirectory(readJsonFile(unitsPath, UnitDirectoryFileSchema, { optional: true, fallback: [] }));
}

export async function readPlan(file: string, files: RegistryFiles): Promise<{ plan: ParsedPlan; checksum: string }> {
  if (!fs.existsSync(file)) throw new AppError('plan-missing', `${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new AppError('plan-missing', `${file}: is a directory, expected a plan document (.txt, .docx or .xlsx)`);
  const bytes = fs.readFileSync(file);
  const text = await extractPlanText(bytes, path.basename(file));
  const directory = readUnitDirectory(files.unitsPath);
  const overrides = readJsonFile(files.overridesPath, PlanOverridesFileSchema, { optional: true, fallback: undefined });
  const plan = parsePlan(text, { directory, overrides });
  if (plan.tasks.length === 0) throw new AppError('plan-no-tasks', `${file}: ${explainNoTasks(plan)}`);
  return { plan, checksum: crypto.createHash('sha256').update(bytes).digest('hex') };
}

export async function importRegistry(
  db: Db,
  file: string,
  files: RegistryFiles,
  opts: { now: Date; tz: string; actor: string },
): Promise<{ plan: ParsedPlan; summary: ImportSummary }> {
  const { plan, checksum } = await readPlan(file, files);
  const summary = await applyPlan(db, plan, { today: dayOf(opts.now, opts.tz), now: opts.now, source: file, checksum, actor: opts.actor });
  return { plan, summary };
}

export function describeImport(file: string, plan: ParsedPlan, s: ImportSummary): string[] {
  const lines = [
    `${file}: ${plan.tasks.length} tasks read — ${s.tasks.created.length} new, ${s.tasks.updated.length} changed, ` +
      `${s.tasks.unchanged} unchanged, ${s.tasks.retired.length} retired${s.tasks.restored.length ? `, ${s.tasks.restored.length} restored` : ''}; ` +
      `${s.units.created.length} new units; ${s.milestones.created} new milestones (${s.milestones.historical} already past: kept as history, not reminded)`,
  ];
  if (s.tasks.updated.length) lines.push(`changed tasks: ${s.tasks.updated.join(', ')}`);
  if (s.tasks.retired.length) lines.push(`retired (no longer in the plan; progress kept): ${s.tasks.retired.join(', ')}`);
  // The store keeps tasks only; a deadline of the plan itself is shown so that nobody thinks it was imported.
  for (const m of plan.planMilestones ?? []) {
    lines.push(`plan deadline outside the tasks, not stored (no task to remind): ${describeMilestone(m)} ${m.units.join('、')} 「${m.source}」`);
  }
  if (plan.warnings.length) {
    lines.push(`${plan.warnings.length} need review:`);
    for (const w of plan.warnings) lines.push(`  ${w.task ? `task ${w.task}` : `line ${w.line ?? '?'}`}: ${w.message}${w.source ? ` 「${w.source}」` : ''}`);
  }
  return lines;
}
