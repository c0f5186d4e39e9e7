// Plan text → tasks, units and warnings. Pure: the caller reads files and the directory.
// A task is a numbered item that carries responsibility or a schedule; numbered items without
// either (the principles under 基本要求) are not tasks. Whatever could not be read is a warning.
import { normalizeWidth } from './normalize-text.ts';
import { findDeadlinesInText, parseSchedule } from './parse-schedule.ts';
import { NO_OVERRIDES, overrideFields, overrideMilestones, overrideRepair, type PlanOverrides, type TaskOverride } from './plan-overrides.ts';
import { readItemBlocks, type ItemBlock } from './read-task-blocks.ts';
import { readResponsibility } from './read-responsibility.ts';
import { milestoneKey, type AppliedOverride, type MilestoneDraft, type ParsedPlan, type PlanWarning, type TaskDraft, type UnitDraft } from './types.ts';
import { createUnitDirectory, resolveUnit, type UnitDirectory } from './unit-directory.ts';

export interface ParsePlanOptions {
  directory?: UnitDirectory;
  overrides?: PlanOverrides;
  /** YYYY-MM-DD the plan was issued, for 今年/明年 in schedules. */
  issueDate?: string;
}

export function parsePlan(text: string, opts: ParsePlanOptions = {}): ParsedPlan {
  const directory = opts.directory ?? createUnitDirectory([]);
  const overrides = opts.overrides ?? NO_OVERRIDES;
  const { blocks, warnings } = readItemBlocks(text);
  const tasks: TaskDraft[] = [];
  const applied: AppliedOverride[] = [];

  for (const block of blocks) {
    if (block.fields.length === 0) {
      // Before the first task these are preamble lists (基本要求); among tasks they are suspicious.
      if (tasks.length) {
        warnings.push({
          line: block.line,
          message: `numbered item ${block.number} has no responsibility (责任单位/牵头单位) or schedule; not imported as a task`,
          source: snippet(block.text),
        });
      }
      continue;
    }
    const override = usableOverride(block, overrides.tasks[String(block.number)], warnings);
    tasks.push(buildTask(block, directory, override, opts.issueDate, warnings));
    if (override) applied.push({ task: block.number, note: override.note, fields: overrideFields(override) });
  }

  warnings.push(...checkNumbering(tasks));
  // The registry keys tasks by number: a repeated number keeps its first task (the warning says so).
  const unique = tasks.filter((t, i) => tasks.findIndex((u) => u.number === t.number) === i);
  tasks.splice(0, tasks.length, ...unique);
  const numbers = new Set(tasks.map((t) => t.number));
  for (const key of Object.keys(overrides.tasks)) {
    if (!numbers.has(Number(key))) {
      warnings.push({ task: Number(key), message: `data/plan-overrides.json has an override for task ${key}, which is not in the plan; not applied`, source: overrides.tasks[key].note });
    }
  }
  if (directory.units.length === 0 && tasks.length) {
    warnings.push({ message: 'no unit directory given: unit names are kept as written and runs without separators are not split', source: '' });
  }
  warnings.sort((a, b) => (a.line ?? lineOfTask(tasks, a.task)) - (b.line ?? lineOfTask(tasks, b.task)));

  return { tasks, units: listUnits(tasks, directory), warnings, ...(applied.length ? { overrides: applied } : {}) };
}

function buildTask(block: ItemBlock, directory: UnitDirectory, override: TaskOverride | undefined, issueDate: string | undefined, warnings: PlanWarning[]): TaskDraft {
  const warn = (message: string, source: string) => warnings.push({ task: block.number, line: block.line, message, source });
  const scheduleLine = block.fields
    .filter((f) => f.kind === 'schedule')
    .map((f) => f.value)
    .join(';');
  const schedule = override?.schedule ?? scheduleLine;

  const resp = readResponsibility(directory, block.fields, override?.units);
  let leadUnits = resp.leadUnits;
  let otherUnits = resp.otherUnits;
  if (override?.leadUnits) leadUnits = override.leadUnits.map((n) => resolveUnit(directory, n) ?? n);
  if (override?.otherUnits) otherUnits = override.otherUnits.map((n) => resolveUnit(directory, n) ?? n).filter((n) => !leadUnits.includes(n));
  if (directory.units.length) {
    for (const name of resp.unknown) {
      if (!leadUnits.includes(name) && !otherUnits.includes(name)) continue; // replaced by an override
      const known = resp.partial[name];
      const hint = known ? ` (part of it reads as ${known.join('、')}; the rest matches no known unit)` : '';
      warn(`unit "${name}" is not in the unit directory${hint}; kept as written: add it to data/units.json or correct it in data/plan-overrides.json`, name);
    }
  }
  if (leadUnits.length === 0 && otherUnits.length === 0) warn(`task ${block.number} names no responsible unit`, snippet(block.text));

  const milestones = (override?.milestones ? overrideMilestones(override, block.number) : readMilestones(block, schedule, override, issueDate, warn)).map(
    (m) => (m.kind !== 'continuous' && m.label === m.source ? { ...m, label: firstSentence(block.text) || m.label } : m),
  );
  if (milestones.length === 0) {
    warn(`task ${block.number} has no deadline and no 持续推进-like schedule`, schedule || snippet(block.text));
  }

  return {
    number: block.number,
    chapter: block.chapter,
    section: block.section,
    text: block.text,
    leadUnits,
    otherUnits,
    schedule,
    milestones,
    line: block.line,
  };
}

/** The schedule line first, then dated deadlines found in the task text (task 71: "于每年12月底前…报送"). */
function readMilestones(
  block: ItemBlock,
  schedule: string,
  override: TaskOverride | undefined,
  issueDate: string | undefined,
  warn: (message: string, source: string) => void,
): MilestoneDraft[] {
  const fromSchedule = schedule ? parseSchedule(schedule, { issueDate }) : { milestones: [], problems: [], undatedRecurrences: [] };
  const fromText = findDeadlinesInText(block.text, { issueDate });
  const milestones: MilestoneDraft[] = fromSchedule.milestones.map((m) =>
    override?.schedule ? { ...m, repair: [overrideRepair(override), m.repair].filter(Boolean).join('; ') } : m,
  );
  const keys = new Set(milestones.map(milestoneKey));
  for (const m of fromText.milestones) {
    if (keys.has(milestoneKey(m))) continue; // the schedule line already has this date
    keys.add(milestoneKey(m));
    milestones.push(m);
  }
  for (const p of [...fromSchedule.problems, ...fromText.problems]) warn(p.message, p.source);
  if (fromSchedule.undatedRecurrences.length && !milestones.some((m) => m.kind === 'annual')) {
    const words = fromSchedule.undatedRecurrences.join(',');
    warn(`recurring work without a date ("${words}"): no yearly date found in the schedule or the task text`, words);
  }
  return milestones;
}

function usableOverride(block: ItemBlock, override: TaskOverride | undefined, warnings: PlanWarning[]): TaskOverride | undefined {
  if (!override?.expect) return override;
  const words = normalizeWidth([block.text, ...block.fields.map((f) => f.value)].join('\n'));
  if (words.includes(normalizeWidth(override.expect))) return override;
  warnings.push({
    task: block.number,
    line: block.line,
    message: `override for task ${block.number} not applied: the task no longer contains the reviewed words; review data/plan-overrides.json`,
    source: override.expect,
  });
  return undefined;
}

function checkNumbering(tasks: TaskDraft[]): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const seen = new Map<number, number>();
  let expected = 1;
  for (const t of tasks) {
    const first = seen.get(t.number);
    if (first !== undefined) {
      warnings.push({ task: t.number, line: t.line, message: `task number ${t.number} appears again (first at line ${first}); this one is not imported: numbers must be unique`, source: `${t.number}.${snippet(t.text)}` });
    } else if (t.number > expected) {
      const missing = t.number - 1 === expected ? `${expected}` : `${expected}-${t.number - 1}`;
      warnings.push({ task: t.number, line: t.line, message: `numbering jumps to ${t.number}: task ${missing} not found`, source: `${t.number}.${snippet(t.text)}` });
    } else if (t.number < expected) {
      warnings.push({ task: t.number, line: t.line, message: `numbering goes back to ${t.number} after ${expected - 1}`, source: `${t.number}.${snippet(t.text)}` });
    }
    if (first === undefined) seen.set(t.number, t.line);
    expected = Math.max(expected, t.number + 1);
  }
  return warnings;
}

/** Units the tasks name, with their directory entries, then members of named collectives. */
function listUnits(tasks: TaskDraft[], directory: UnitDirectory): UnitDraft[] {
  const byName = new Map(directory.units.map((u) => [u.name, u]));
  const out = new Map<string, UnitDraft>();
  const add = (name: string) => {
    if (!out.has(name)) out.set(name, byName.get(name) ?? { name, aliases: [] });
  };
  for (const t of tasks) [...t.leadUnits, ...t.otherUnits].forEach(add);
  for (const u of [...out.values()]) for (const m of u.members ?? []) if (byName.has(m)) add(m);
  return [...out.values()];
}

function lineOfTask(tasks: TaskDraft[], n: number | undefined): number {
  return tasks.find((t) => t.number === n)?.line ?? Number.MAX_SAFE_INTEGER;
}

/** A bare date ("完成时限:2023年6月底前") has no verb phrase of its own; the task's first sentence serves. */
function firstSentence(text: string): string {
  return snippet(text.split(/[。;\n]/)[0] ?? '');
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}
