// Issue 2, the registry: parse time of data/plan.txt and of a plan 100 times its size, and the
// import of each into a fresh SQLite file (applyPlan), with memory readings. Issue 9: the corpus of real plans
// against its expectations (the same table as `registry check`), and the parse time of each document.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dayOf } from '../src/clock.ts';
import { readJsonFile } from '../src/jobs/data-files.ts';
import { parsePlan, type ParsePlanOptions } from '../src/registry/parse-plan.ts';
import { PlanOverridesFileSchema } from '../src/registry/plan-overrides.ts';
import type { ParsedPlan } from '../src/registry/types.ts';
import { createUnitDirectory, UnitDirectoryFileSchema } from '../src/registry/unit-directory.ts';
import { applyPlan } from '../src/store/registry-repo.ts';
import { checkCorpus, CORPUS_DIR } from '../src/jobs/check-corpus.ts';
import { extractPlanText } from '../src/registry/extract-text.ts';
import { formatCorpusTable, PlanExpectationSchema, rowIsExact } from '../src/registry/plan-expectation.ts';
import { freshDb, mb, measureMemory, median, ms, REPO_ROOT, tempDir, timeRuns, type BenchRow } from './util.ts';

export const SEED_PARSE_RUNS = 20;
export const BIG_PARSE_RUNS = 3;
export const SEED_IMPORT_RUNS = 5;
export const SCALE = 100;
const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-03-02T01:17:00Z');

const SEED_PLAN = path.join(REPO_ROOT, 'data/plan.txt');
// The repeated part of the seed: from the first chapter that holds tasks to the closing remarks.
const BODY_START = /^二、健全政府机构/;
const BODY_END = /^各部门要全面准确贯彻本方案/;

/**
 * What an import passes: the directory is built afresh for every parse, as `registry import` does, so the
 * directory's lookup caches (built on first use) are paid inside every timed run.
 */
function parseOptions(): () => ParsePlanOptions {
  const units = readJsonFile(path.join(REPO_ROOT, 'data/units.json'), UnitDirectoryFileSchema, { optional: true, fallback: [] });
  const overrides = readJsonFile(path.join(REPO_ROOT, 'data/plan-overrides.json'), PlanOverridesFileSchema, { optional: true, fallback: undefined });
  return () => ({ directory: createUnitDirectory(units), overrides });
}

/**
 * The seed's task blocks `scale` times over, tasks renumbered 1..scale×75 (chapters and sections
 * repeat as written). The preamble and the closing text appear once.
 */
export function buildScaledPlan(seedText: string, seed: ParsedPlan, scale: number): string {
  const lines = seedText.split('\n');
  const start = lines.findIndex((l) => BODY_START.test(l));
  const end = lines.findIndex((l) => BODY_END.test(l));
  if (start < 0 || end <= start) throw new Error('bench: data/plan.txt no longer has the expected chapter/closing lines');
  const perCopy = seed.tasks.length;
  const numberAt = new Map(seed.tasks.map((t) => [t.line - 1, t.number]));
  const out = lines.slice(0, start);
  for (let k = 0; k < scale; k++) {
    for (let i = start; i < end; i++) {
      const n = numberAt.get(i);
      out.push(n === undefined ? lines[i] : lines[i].replace(/^\d+/, String(k * perCopy + n)));
    }
  }
  out.push(...lines.slice(end));
  return out.join('\n');
}


async function timeImport(dir: string, name: string, plan: ParsedPlan): Promise<{ ms: number; created: number; milestones: number }> {
  const { db } = await freshDb(dir, name);
  try {
    const t = performance.now();
    const s = await applyPlan(db, plan, { today: dayOf(NOW, TZ), now: NOW, source: name, checksum: name, actor: 'bench' });
    return { ms: performance.now() - t, created: s.tasks.created.length, milestones: s.milestones.created };
  } finally {
    await db.$disconnect();
  }
}

export async function benchRegistry(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'registry', metric, value, note });
  const fresh = parseOptions();
  const seedText = fs.readFileSync(SEED_PLAN, 'utf8');

  // Parse: the seed. The machine's load is printed with it: on a shared machine the wall clock counts others too.
  const seed = parsePlan(seedText, fresh());
  const seedRuns = await timeRuns(SEED_PARSE_RUNS, () => parsePlan(seedText, fresh()), { warm: true });
  row('parse seed plan.txt', ms(median(seedRuns)), `median of ${SEED_PARSE_RUNS}; ${seed.tasks.length} tasks, ${seedText.length} chars, ${seedText.split('\n').length} lines; load ${loadNote()}`);

  // Parse: 100×, built in memory.
  const bigText = buildScaledPlan(seedText, seed, SCALE);
  const wantTasks = seed.tasks.length * SCALE;
  const { result: big, mem: parseMem } = await measureMemory(() => parsePlan(bigText, fresh()));
  const bigRuns = await timeRuns(BIG_PARSE_RUNS, () => parsePlan(bigText, fresh()));
  row(`parse ${SCALE}× plan`, ms(median(bigRuns)), `median of ${BIG_PARSE_RUNS} (+1 cold run for memory); ${bigText.length} chars, ${bigText.split('\n').length} lines; ${(median(bigRuns) / median(seedRuns)).toFixed(0)}× the seed's time for ${SCALE}× its size; load ${loadNote()}`);
  row(`  ${SCALE}× tasks found`, `${big.tasks.length}/${wantTasks}`, `${big.warnings.length} warnings`);
  row(`  ${SCALE}× parse heap`, mb(parseMem.heapDelta), `retained after GC ${mb(parseMem.retained)}; peak RSS grew ${mb(parseMem.peakRssGrowth)} from ${mb(parseMem.rssBefore)}`);

  // The corpus of real plans (issue 9): the same table as `registry check`, then each document's parse time.
  const files = { unitsPath: path.join(REPO_ROOT, 'data/units.json'), overridesPath: path.join(REPO_ROOT, 'data/plan-overrides.json') };
  const corpusDir = path.join(REPO_ROOT, CORPUS_DIR);
  const corpus = await checkCorpus(corpusDir, files);
  process.stdout.write(`\nplan corpus (${CORPUS_DIR}, as registry import reads it):\n${formatCorpusTable(corpus)}\n\n`);
  row('corpus documents read exactly', `${corpus.filter(rowIsExact).length}/${corpus.length}`, `${corpus.filter((r) => r.real).length} real, ${corpus.filter((r) => !r.real).length} reconstructions; table above`);
  const parseTimes: number[] = [];
  for (const r of corpus) {
    const exp = PlanExpectationSchema.parse(JSON.parse(fs.readFileSync(path.join(corpusDir, `${r.name}.expect.json`), 'utf8')));
    const file = path.join(corpusDir, exp.file);
    const text = await extractPlanText(fs.readFileSync(file), path.basename(file));
    parseTimes.push(median(await timeRuns(SEED_PARSE_RUNS, () => parsePlan(text, fresh()), { warm: true })));
  }
  row('  corpus parse time', `${ms(Math.max(...parseTimes))} max`, `median per document of ${SEED_PARSE_RUNS} runs (text already extracted): ${ms(median(parseTimes))} median`);

  // Import into fresh SQLite files.
  const tmp = tempDir('registry');
  try {
    const seedImports: number[] = [];
    for (let i = 0; i < SEED_IMPORT_RUNS; i++) seedImports.push((await timeImport(tmp.dir, `seed-${i}`, seed)).ms);
    row('import seed (applyPlan)', ms(median(seedImports)), `median of ${SEED_IMPORT_RUNS}, each into a fresh file; ${seed.tasks.length} tasks`);

    const { result: bigImport, mem: importMem } = await measureMemory(() => timeImport(tmp.dir, 'big-parsed', big));
    row(
      `import ${SCALE}× plan`,
      ms(bigImport.ms),
      `${bigImport.created} tasks, ${bigImport.milestones} milestones into a fresh file; ${(bigImport.ms / Math.max(1, bigImport.created)).toFixed(2)} ms/task`,
    );
    row(`  ${SCALE}× import heap`, mb(importMem.heapDelta), `retained after GC ${mb(importMem.retained)}; peak RSS grew ${mb(importMem.peakRssGrowth)}`);
  } finally {
    tmp.cleanup();
  }
  return rows;
}

function loadNote(): string {
  const [one] = os.loadavg();
  return `${one.toFixed(1)} on ${os.cpus().length} cores`;
}
