// The corpus of real plans (tests/fixtures/plans/corpus): each document has a hand-checked expectation file
// saying what a person reading it finds: the tasks, who leads, who takes part, the deadlines, the deadlines
// outside the tasks, and the warnings a reviewer should see. comparePlan measures a parse against it; the
// same rows are printed by `registry check`, the bench and the corpus test.
import { z } from 'zod';
import type { MilestoneDraft, ParsedPlan } from './types.ts';

/** "2020-12-31", "annual 03-01", "continuous". */
const Deadline = z.string().regex(/^(?:\d{4}-\d{2}-\d{2}|annual \d{2}-\d{2}|continuous)$/, 'deadline: YYYY-MM-DD, "annual MM-DD" or "continuous"');
const Names = z.array(z.string().min(1));

export const PlanExpectationSchema = z.object({
  /** The fixture it describes, in the same folder. */
  file: z.string().min(1),
  document: z.string().min(1),
  source: z.string().min(1),
  /** A published text (true) or a reconstruction written for a layout no stored text showed (false). */
  real: z.boolean(),
  layout: z.string().min(1),
  tasks: z.array(
    z.object({
      number: z.number().int().positive(),
      lead: Names,
      other: Names.default([]),
      deadlines: z.array(Deadline).default([]),
      note: z.string().optional(),
    }),
  ),
  planMilestones: z.array(z.object({ deadline: Deadline, units: Names })).default([]),
  /** Every warning the parse gives, each as words it contains ("task 5: unit \"区政\""), none missing, none extra. */
  warnings: z.array(z.string().min(1)).default([]),
  /** A document without tasks: words the error must quote (the lines that looked like items). */
  noTasks: z.object({ quotes: z.array(z.string().min(1)) }).optional(),
  /** Judgement calls a reviewer might argue with, and why the expectation reads as it does. */
  notes: z.array(z.string()).default([]),
});

export type PlanExpectation = z.output<typeof PlanExpectationSchema>;

export interface CorpusRow {
  /** The expectation file's name without .expect.json. */
  name: string;
  document: string;
  file: string;
  layout: string;
  real: boolean;
  tasks: { found: number; expected: number };
  /** Tasks whose lead set is exactly the expected one, of the expected tasks. */
  leads: { exact: number; of: number };
  others: { exact: number; of: number };
  deadlines: { exact: number; of: number };
  planMilestones: { exact: number; of: number };
  warnings: { matched: number; expected: number; found: number };
  /** The document gave no tasks and the import refused it (the expectation of a document without owners). */
  refused?: boolean;
  /** What differs, in words ("task 4: lead 市发改委 ≠ expected —"). Empty when the row is 100%. */
  misses: string[];
  /** Time to read the file and parse it (ms), when measured: extraction included, so .xlsx/.docx are slower. */
  ms?: number;
}

export function deadlineOf(m: MilestoneDraft): string {
  if (m.kind === 'once') return m.due;
  if (m.kind === 'annual') return `annual ${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;
  return 'continuous';
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x)) && new Set(a).size === new Set(b).size;
const show = (xs: string[]) => xs.join('、') || '—';

/** A parse (or the error of a document without tasks) against its expectation. */
export function comparePlan(name: string, exp: PlanExpectation, result: { plan: ParsedPlan } | { error: string }): CorpusRow {
  const misses: string[] = [];
  const row: CorpusRow = {
    name,
    document: exp.document,
    file: exp.file,
    layout: exp.layout,
    real: exp.real,
    tasks: { found: 0, expected: exp.tasks.length },
    leads: { exact: 0, of: exp.tasks.length },
    others: { exact: 0, of: exp.tasks.length },
    deadlines: { exact: 0, of: exp.tasks.length },
    planMilestones: { exact: 0, of: exp.planMilestones.length },
    warnings: { matched: 0, expected: exp.warnings.length, found: 0 },
    misses,
  };
  if ('error' in result) {
    row.refused = true;
    if (!exp.noTasks) misses.push(`no tasks read: ${result.error}`);
    for (const q of exp.noTasks?.quotes ?? []) if (!result.error.includes(q)) misses.push(`the error does not quote 「${q}」`);
    return row;
  }
  const { plan } = result;
  if (exp.noTasks) misses.push(`expected no tasks, read ${plan.tasks.length}`);
  row.tasks.found = plan.tasks.length;
  const byNumber = new Map(plan.tasks.map((t) => [t.number, t]));
  for (const e of exp.tasks) {
    const t = byNumber.get(e.number);
    if (!t) {
      misses.push(`task ${e.number}: not read`);
      continue;
    }
    if (sameSet(t.leadUnits, e.lead)) row.leads.exact++;
    else misses.push(`task ${e.number}: lead ${show(t.leadUnits)} ≠ expected ${show(e.lead)}`);
    if (sameSet(t.otherUnits, e.other)) row.others.exact++;
    else misses.push(`task ${e.number}: other ${show(t.otherUnits)} ≠ expected ${show(e.other)}`);
    const got = t.milestones.map(deadlineOf);
    if (sameSet(got, e.deadlines)) row.deadlines.exact++;
    else misses.push(`task ${e.number}: deadlines ${show(got)} ≠ expected ${show(e.deadlines)}`);
  }
  const expectedNumbers = new Set(exp.tasks.map((e) => e.number));
  for (const t of plan.tasks) if (!expectedNumbers.has(t.number)) misses.push(`task ${t.number}: read, but not a task of the expectation`);

  const planGot = (plan.planMilestones ?? []).map((m) => ({ deadline: deadlineOf(m), units: m.units }));
  for (const e of exp.planMilestones) {
    const i = planGot.findIndex((g) => g.deadline === e.deadline && sameSet(g.units, e.units));
    if (i >= 0) {
      row.planMilestones.exact++;
      planGot.splice(i, 1);
    } else misses.push(`plan milestone ${e.deadline} (${show(e.units)}): not read`);
  }
  for (const g of planGot) misses.push(`plan milestone ${g.deadline} (${show(g.units)}): read, not expected`);

  const said = plan.warnings.map((w) => `${w.task ? `task ${w.task}: ` : w.line ? `line ${w.line}: ` : ''}${w.message} 「${w.source}」`);
  row.warnings.found = said.length;
  const unmatched = [...said];
  for (const e of exp.warnings) {
    const i = unmatched.findIndex((s) => s.includes(e));
    if (i >= 0) {
      row.warnings.matched++;
      unmatched.splice(i, 1);
    } else misses.push(`warning not given: ${e}`);
  }
  for (const s of unmatched) misses.push(`unexpected warning: ${s}`);
  return row;
}

export function rowIsExact(r: CorpusRow): boolean {
  return r.misses.length === 0;
}

/** The corpus as a table (document, layout, tasks, exact lead/other sets, exact deadlines, plan deadlines, warnings). */
export function formatCorpusTable(rows: CorpusRow[]): string {
  const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((a / b) * 100)}%`);
  const head = ['document', 'real', 'layout', 'tasks', 'lead sets', 'other sets', 'deadlines', 'plan dl.', 'warnings', ...(rows.some((r) => r.ms !== undefined) ? ['read ms'] : [])];
  const body = rows.map((r) => [
    r.name,
    r.real ? 'real' : 'recon.',
    clip(r.layout, 56),
    `${r.tasks.found}/${r.tasks.expected}${r.refused ? ' refused' : ''}`,
    `${r.leads.exact}/${r.leads.of} ${pct(r.leads.exact, r.leads.of)}`,
    `${r.others.exact}/${r.others.of} ${pct(r.others.exact, r.others.of)}`,
    `${r.deadlines.exact}/${r.deadlines.of} ${pct(r.deadlines.exact, r.deadlines.of)}`,
    `${r.planMilestones.exact}/${r.planMilestones.of}`,
    `${r.warnings.matched}/${r.warnings.expected}${r.warnings.found !== r.warnings.expected ? ` (${r.warnings.found} given)` : ''}`,
    ...(r.ms !== undefined ? [r.ms.toFixed(2)] : []),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd();
  const total = rows.filter(rowIsExact).length;
  const out = [line(head), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), ...body.map(line)];
  out.push(`${total}/${rows.length} documents read exactly as expected (${rows.filter((r) => r.real).length} real, ${rows.filter((r) => !r.real).length} reconstructions)`);
  for (const r of rows) for (const m of r.misses) out.push(`  ${r.name}: ${m}`);
  return out.join('\n');
}

function clip(s: string, w: number): string {
  let out = '';
  for (const ch of s) {
    if (width(out + ch) > w - 1) return `${out}…`;
    out += ch;
  }
  return out;
}

/** Terminal columns: CJK characters take two. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
