// Plan text → tasks, units and warnings. Pure: the caller reads files and the directory.
// A task is a numbered item that carries responsibility or a schedule; numbered items without
// either (the principles under 基本要求) are not tasks. Whatever could not be read is a warning.
// Deadlines written outside the tasks (a closing "各单位要于…前报送") are the plan's own milestones.
import { findDocumentDate, type DocumentDate } from './document-date.ts';
import { normalizeWidth } from './normalize-text.ts';
import { findDeadlinesInText, parseSchedule, type ScheduleOptions } from './parse-schedule.ts';
import { NO_OVERRIDES, overrideFields, overrideMilestones, overrideRepair, type PlanOverrides, type TaskOverride } from './plan-overrides.ts';
import { looksLikeUnit, readOwnerText } from './read-owners.ts';
import { readItemBlocks, type ItemBlock, type OutsideParagraph } from './read-task-blocks.ts';
import { readResponsibility, type ResponsibilityRules } from './read-responsibility.ts';
import { splitTopLevel } from './split-top-level.ts';
import {
  milestoneKey,
  type AppliedOverride,
  type MilestoneDraft,
  type ParsedPlan,
  type PlanMilestoneDraft,
  type PlanWarning,
  type TaskDraft,
  type UnitDraft,
} from './types.ts';
import { createUnitDirectory, listNames, resolveUnit, splitUnitList, type UnitDirectory } from './unit-directory.ts';

export interface ParsePlanOptions {
  directory?: UnitDirectory;
  overrides?: PlanOverrides;
  /** YYYY-MM-DD the plan was issued, for 今年/明年 and "印发之日起30日内"; found in the text when not given. */
  issueDate?: string;
}

export function parsePlan(text: string, opts: ParsePlanOptions = {}): ParsedPlan {
  const reading = readItemBlocks(text);
  const { blocks, warnings } = reading;
  const dated = documentDate(text, opts.issueDate);
  const schedule: ScheduleOptions = dated ? { issueDate: dated.date, issueYear: dated.year, issueSource: snippet(dated.source) } : {};
  const given = opts.directory ?? createUnitDirectory([]);
  const fit = directoryFit(given, blocks);
  const directory = fit.applies ? given : createUnitDirectory([]);
  const overrides = scopedOverrides(opts.overrides, text, warnings);
  const rules: Required<ResponsibilityRules> = { firstLeads: !!reading.firstLeadsRule, standing: [] };
  const tasks: TaskDraft[] = [];
  const applied: AppliedOverride[] = [];
  const undated: TaskDraft[] = [];

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
    const built = buildTask(block, directory, override, schedule, warnings, rules, fit.applies && directory.units.length > 0);
    tasks.push(built.task);
    if (built.task.milestones.length === 0) undated.push(built.task);
    rules.standing.push(...built.standing.filter((u) => !rules.standing.includes(u)));
    if (override) applied.push({ task: block.number, note: override.note, fields: overrideFields(override) });
  }
  warnings.push(...undatedWarnings(undated, tasks.length));

  warnings.push(...checkNumbering(tasks));
  // The registry keys tasks by number: a repeated number keeps its first task (the warning says so).
  const seenNumbers = new Set<number>();
  const unique = tasks.filter((t) => !seenNumbers.has(t.number) && !!seenNumbers.add(t.number));
  tasks.splice(0, tasks.length, ...unique);
  const numbers = new Set(tasks.map((t) => t.number));
  for (const key of Object.keys(overrides.tasks)) {
    if (!numbers.has(Number(key))) {
      warnings.push({ task: Number(key), message: `data/plan-overrides.json has an override for task ${key}, which is not in the plan; not applied`, source: overrides.tasks[key].note });
    }
  }
  if (given.units.length === 0 && tasks.length) {
    warnings.push({ message: 'no unit directory given: unit names are kept as written and runs without separators are not split', source: '' });
  } else if (!fit.applies && tasks.length) {
    warnings.push({
      message: `the unit directory (${given.units.length} units) knows only ${fit.known} of the ${fit.total} unit names in this plan: it is another organisation's directory, so it is not used; names are kept as written`,
      source: '',
    });
  }
  const planMilestones = readPlanMilestones(reading.outside, schedule, directory, warnings);
  const lineOf = new Map(tasks.map((t) => [t.number, t.line]));
  const at = (w: PlanWarning) => w.line ?? (w.task !== undefined ? lineOf.get(w.task) : undefined) ?? Number.MAX_SAFE_INTEGER;
  warnings.sort((a, b) => at(a) - at(b));

  return {
    tasks,
    units: listUnits(tasks, planMilestones, directory),
    warnings,
    ...(applied.length ? { overrides: applied } : {}),
    ...(planMilestones.length ? { planMilestones } : {}),
    ...(tasks.length === 0 ? { unownedItems: reading.itemLines.slice(0, 3) } : {}),
  };
}

/**
 * Why a document gave no tasks, in words a user can act on: the layouts that were tried and the first lines
 * that looked like items but named no owner.
 */
export function explainNoTasks(plan: ParsedPlan): string {
  const tried =
    'numbered items (1. 1、 (1) (一) 一、) followed by 责任单位:/牵头单位:/配合单位: lines; owner brackets at the end of an item ' +
    '("(X负责)", "(X牵头,Y按职责分工负责)", "(牵头单位:X;责任单位:Y)"); task tables with a 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 header (text, .docx, .xlsx)';
  const items = plan.unownedItems ?? [];
  const quoted = items.length
    ? `; these lines look like items but name no responsible unit: ${items.map((i) => `line ${i.line} 「${i.text}」`).join(', ')}`
    : '; no line of it is numbered like an item (1. 1、 (1) (一) 一、)';
  return `no tasks found. Layouts tried: ${tried}${quoted}`;
}

function documentDate(text: string, issueDate: string | undefined): DocumentDate | undefined {
  if (issueDate) return { date: issueDate, year: Number(issueDate.slice(0, 4)), source: `issue date ${issueDate}` };
  return findDocumentDate(text);
}

/**
 * Whether the given directory is this plan's: it must know most names (60%; a foreign plan shares under half). Another organisation's plan
 * shares only generic names with it ("财政局", "有关部门"), and matching those against it would rename units
 * ("财政局" → "区财政局") and warn about every other name.
 */
function directoryFit(dir: UnitDirectory, blocks: ItemBlock[]): { applies: boolean; known: number; total: number } {
  if (dir.units.length === 0) return { applies: true, known: 0, total: 0 };
  let known = 0;
  let total = 0;
  // The first hundred names decide it; a long plan does not need every name looked up twice.
  for (const b of blocks) {
    if (total >= 100) break;
    for (const f of b.fields) {
      if (f.kind === 'schedule') continue;
      const o = readOwnerText(f.value);
      // Whole names only: a run the directory could segment ("发改局(区审改办)市场监管局") counts as unknown here.
      for (const t of [...o.lead, ...o.responsible, ...o.other]) {
        for (const name of listNames(t)) {
          total++;
          if (resolveUnit(dir, name.replace(/等(?:单位|部门)?$/, '')) !== null) known++;
        }
      }
    }
  }
  return { applies: total === 0 || known / total >= 0.6, known, total };
}

function scopedOverrides(overrides: PlanOverrides | undefined, text: string, warnings: PlanWarning[]): PlanOverrides {
  if (!overrides) return NO_OVERRIDES;
  if (overrides.plan && !normalizeWidth(text).includes(normalizeWidth(overrides.plan))) {
    const n = Object.keys(overrides.tasks).length;
    if (n) warnings.push({ message: `data/plan-overrides.json was reviewed for 「${overrides.plan}」, which this document does not name: its ${n} override(s) are not applied`, source: overrides.plan });
    return NO_OVERRIDES;
  }
  return overrides;
}

/** One warning per task without a deadline; one for the plan when none of its tasks has any (a target list). */
function undatedWarnings(undated: TaskDraft[], taskCount: number): PlanWarning[] {
  if (undated.length >= 2 && undated.length === taskCount) {
    const nums = [...new Set(undated.map((t) => t.number))];
    return [{ message: `no task of this plan has a deadline or a 持续推进-like schedule (tasks ${nums.join(', ')}): nothing to remind until dates are added`, source: '' }];
  }
  return undated.map((t) => ({ task: t.number, line: t.line, message: `task ${t.number} has no deadline and no 持续推进-like schedule`, source: t.schedule || snippet(t.text) }));
}

function buildTask(
  block: ItemBlock,
  directory: UnitDirectory,
  override: TaskOverride | undefined,
  scheduleOpts: ScheduleOptions,
  warnings: PlanWarning[],
  rules: ResponsibilityRules,
  checkDirectory: boolean,
): { task: TaskDraft; standing: string[] } {
  const warn = (message: string, source: string) => warnings.push({ task: block.number, line: block.line, message, source });
  const resp = readResponsibility(directory, block.fields, override?.units, rules);
  const scheduleLine = [...block.fields.filter((f) => f.kind === 'schedule').map((f) => f.value), ...resp.schedule].join(';');
  const schedule = override?.schedule ?? scheduleLine;

  let leadUnits = resp.leadUnits;
  let otherUnits = resp.otherUnits;
  if (override?.leadUnits) leadUnits = override.leadUnits.map((n) => resolveUnit(directory, n) ?? n);
  if (override?.otherUnits) otherUnits = override.otherUnits.map((n) => resolveUnit(directory, n) ?? n).filter((n) => !leadUnits.includes(n));
  if (checkDirectory) {
    for (const name of resp.unknown) {
      if (!leadUnits.includes(name) && !otherUnits.includes(name)) continue; // replaced by an override
      const known = resp.partial[name];
      const hint = known ? ` (part of it reads as ${known.join('、')}; the rest matches no known unit)` : '';
      warn(`unit "${name}" is not in the unit directory${hint}; kept as written: add it to data/units.json or correct it in data/plan-overrides.json`, name);
    }
  } else {
    // Without a directory of this plan's units, only names that do not read as a unit are worth a look.
    for (const name of [...leadUnits, ...otherUnits]) {
      if (!looksLikeUnit(name)) warn(`unit "${name}" does not read as a unit name (cut or damaged?); kept as written: correct it in data/plan-overrides.json if needed`, name);
    }
  }
  if (leadUnits.length === 0 && otherUnits.length === 0) warn(`task ${block.number} names no responsible unit`, snippet(block.text));
  else if (leadUnits.length === 0) warn(`task ${block.number} names no lead unit, only units that take part (${otherUnits.join('、')})`, otherUnits.join('、'));

  const milestones = (override?.milestones ? overrideMilestones(override, block.number) : readMilestones(block, schedule, override, scheduleOpts, warn)).map(
    (m) => (m.kind !== 'continuous' && m.label === m.source ? { ...m, label: firstSentence(block.text) || m.label } : m),
  );

  return {
    task: {
      number: block.number,
      chapter: block.chapter,
      section: block.section,
      text: block.text,
      leadUnits,
      otherUnits,
      schedule,
      milestones,
      line: block.line,
    },
    standing: resp.standing.flatMap((t) => listNames(t)),
  };
}

/** The schedule line first, then dated deadlines found in the task text (task 71: "于每年12月底前…报送"). */
function readMilestones(
  block: ItemBlock,
  schedule: string,
  override: TaskOverride | undefined,
  scheduleOpts: ScheduleOptions,
  warn: (message: string, source: string) => void,
): MilestoneDraft[] {
  const fromSchedule = schedule ? parseSchedule(schedule, scheduleOpts) : { milestones: [], problems: [], undatedRecurrences: [] };
  const fromText = findDeadlinesInText(block.text, scheduleOpts);
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

/** Units the tasks (and plan milestones) name, with their directory entries, then members of named collectives. */
function listUnits(tasks: TaskDraft[], planMilestones: PlanMilestoneDraft[], directory: UnitDirectory): UnitDraft[] {
  const byName = new Map(directory.units.map((u) => [u.name, u]));
  const out = new Map<string, UnitDraft>();
  const add = (name: string) => {
    if (!out.has(name)) out.set(name, byName.get(name) ?? { name, aliases: [] });
  };
  for (const t of tasks) [...t.leadUnits, ...t.otherUnits].forEach(add);
  for (const m of planMilestones) m.units.forEach(add);
  for (const u of [...out.values()]) for (const m of u.members ?? []) if (byName.has(m)) add(m);
  return [...out.values()];
}

/** Headings under which dates are targets, not deadlines ("(二)总体目标", "指导思想"). */
const GOAL_HEADING = /目标|指导思想|基本原则|总体要求|重要意义|背景|形势/;
/** Lines of a page or a file header, not of the plan: "发布日期 | 2021-03-29", "# source: …". */
const NOT_PLAN_WORDS = /^(?:#|(?:发布日期|生效日期|成文日期|发布时间|时间|来源|发布机构|索引号|文号|发文字号)\s*[:|])/;

/**
 * Deadlines in the paragraphs outside the tasks. Only explicit ones count ("于2018年12月31日前", "年底前",
 * "印发之日起30日内"), because preambles are full of dates that are not (a meeting on 2020年9月11日). A deadline
 * is the plan's milestone when its sentence names who must meet it; otherwise it is a warning quoting it.
 */
function readPlanMilestones(paragraphs: OutsideParagraph[], scheduleOpts: ScheduleOptions, directory: UnitDirectory, warnings: PlanWarning[]): PlanMilestoneDraft[] {
  const out: PlanMilestoneDraft[] = [];
  for (const p of paragraphs) {
    if (GOAL_HEADING.test(p.heading) || NOT_PLAN_WORDS.test(p.text)) continue;
    const found = findDeadlinesInText(p.text, { ...scheduleOpts, strict: true });
    for (const problem of found.problems) warnings.push({ line: p.line, message: `outside the tasks: ${problem.message}`, source: problem.source });
    for (const m of found.milestones) {
      const sentence = splitTopLevel(normalizeWidth(p.text), /[。!?;]/).find((s) => s.includes(m.source.split(',')[0])) ?? p.text;
      const units = unitsNamed(sentence, directory);
      if (units.length === 0) {
        warnings.push({ line: p.line, message: 'a deadline outside the numbered tasks names no unit to meet it: not imported as a milestone', source: snippet(sentence) });
        continue;
      }
      const same = out.find((o) => milestoneKey(o) === milestoneKey(m) && o.units.join() === units.join());
      if (!same) out.push({ ...m, units, line: p.line });
    }
  }
  return out;
}

/** The units a sentence names as its subject: "各地区、各部门要于…前报送" → 各地区, 各部门. */
function unitsNamed(sentence: string, directory: UnitDirectory): string[] {
  const s = sentence.trim().replace(/^(?:请|由|并|同时|另外|此外)/, '');
  const m = /^(.{2,60}?)(?:要|应当|应|须|必须|务必|务|于|在|将|按照|按|对照|根据|结合|抓紧|及时|认真|切实|统一|负责|牵头|需|可|加强)/.exec(s);
  if (!m) return [];
  const subject = m[1].split('的')[0];
  const names = listNames(subject).filter((n) => looksLikeUnit(n) || /^各/.test(n));
  return splitUnitList(directory, names.join('、')).units;
}


/** A bare date ("完成时限:2023年6月底前") has no verb phrase of its own; the task's first sentence serves. */
function firstSentence(text: string): string {
  return snippet(text.split(/[。;\n]/)[0] ?? '');
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}
