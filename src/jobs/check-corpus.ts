// The corpus of real plans, read the way `registry import` reads a file (the same extraction, unit directory
// and overrides), each compared with its hand-checked expectation. Used by `registry check`, the bench and the
// corpus test, so all three print the same rows.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { comparePlan, PlanExpectationSchema, type CorpusRow } from '../registry/plan-expectation.ts';
import { readPlan, type RegistryFiles } from './import-registry.ts';

export const CORPUS_DIR = 'tests/fixtures/plans/corpus';

export async function checkCorpus(dir: string, files: RegistryFiles): Promise<CorpusRow[]> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new AppError('corpus-missing', `${dir}: no such directory (expected the plan corpus, e.g. ${CORPUS_DIR})`);
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.expect.json')).sort();
  if (names.length === 0) throw new AppError('corpus-empty', `${dir}: no *.expect.json files`);
  const rows: CorpusRow[] = [];
  for (const name of names) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as unknown;
    const parsed = PlanExpectationSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('corpus-expectation', `${path.join(dir, name)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const exp = parsed.data;
    const file = path.join(dir, exp.file);
    const t = performance.now();
    let result: Parameters<typeof comparePlan>[2];
    try {
      result = { plan: (await readPlan(file, files)).plan };
    } catch (e) {
      if (e instanceof AppError && e.code === 'plan-no-tasks') result = { error: e.message };
      else throw e;
    }
    rows.push({ ...comparePlan(name.replace(/\.expect\.json$/, ''), exp, result), ms: performance.now() - t });
  }
  return rows;
}
