// Issue 9's corpus: every document in tests/fixtures/plans/corpus, read as `registry import` reads it (with
// data/units.json and data/plan-overrides.json), matches its hand-checked expectation file exactly.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCorpus, CORPUS_DIR } from '../../src/jobs/check-corpus.ts';
import { PlanExpectationSchema, type CorpusRow } from '../../src/registry/plan-expectation.ts';

const FILES = { unitsPath: 'data/units.json', overridesPath: 'data/plan-overrides.json' };
let rows: CorpusRow[];

beforeAll(async () => {
  rows = await checkCorpus(CORPUS_DIR, FILES);
});

describe('the plan corpus', () => {
  it('holds at least 10 real published plans besides the Jin\'an seed, each with its source and title in a header', () => {
    const real = rows.filter((r) => r.real && r.name !== 'jinan-seed');
    expect(real.length).toBeGreaterThanOrEqual(10);
    for (const r of real) {
      if (!r.file.endsWith('.txt')) continue;
      const head = fs.readFileSync(path.join(CORPUS_DIR, r.file), 'utf8').split('\n').slice(0, 3);
      expect(head[0], r.file).toMatch(/^# source: https?:\/\//);
      expect(head[1], r.file).toMatch(/^# title: \S/);
    }
  });

  it('has one expectation per fixture and no fixture without one', () => {
    const fixtures = fs.readdirSync(CORPUS_DIR).filter((f) => /\.(txt|docx|xlsx)$/.test(f));
    const described = new Set(rows.map((r) => r.file));
    for (const f of fixtures) expect(described.has(f), f).toBe(true);
  });

  it('labels reconstructions as such, in the fixture or the expectation', () => {
    for (const f of fs.readdirSync(CORPUS_DIR).filter((n) => n.endsWith('.expect.json'))) {
      const exp = PlanExpectationSchema.parse(JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8')));
      if (exp.real) continue;
      const labelled = exp.file.endsWith('.txt') ? fs.readFileSync(path.join(CORPUS_DIR, exp.file), 'utf8').startsWith('# RECONSTRUCTION') : /reconstructed/.test(exp.document);
      expect(labelled, f).toBe(true);
    }
  });

  it('every document reads exactly as its expectation says (tasks, lead and other sets, deadlines, plan deadlines, warnings)', () => {
    const misses = rows.flatMap((r) => r.misses.map((m) => `${r.name}: ${m}`));
    expect(misses).toEqual([]);
    for (const r of rows) expect(r.tasks.found, r.name).toBe(r.tasks.expected);
  });

  it('the Jin\'an plan is in it and still reads as 75 tasks with its two warnings', () => {
    const seed = rows.find((r) => r.name === 'jinan-seed');
    expect(seed).toMatchObject({ tasks: { found: 75, expected: 75 }, leads: { exact: 75 }, others: { exact: 75 }, deadlines: { exact: 75 }, warnings: { matched: 2, found: 2 } });
  });

  it('a document whose items name no owner is refused with the layouts tried and its first item-like lines', () => {
    const refused = rows.find((r) => r.name === 'state-council-2018-104-no-owners');
    expect(refused).toMatchObject({ refused: true, misses: [] });
  });
});
