// registry check (issue 9) and what the dry run prints for other plans of the genre.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-check-'));
  env = { DATABASE_URL: 'file:' + path.join(dir, 'duban.db') };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const CORPUS = 'tests/fixtures/plans/corpus';

describe('registry check', () => {
  it('prints the corpus table and exits 0 when every document reads as expected', async () => {
    const r = await cli(['registry', 'check'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^document\s+real\s+layout\s+tasks\s+lead sets\s+other sets\s+deadlines/);
    expect(r.out).toMatch(/jinan-seed\s+real\s.*75\/75\s+75\/75 100%/);
    expect(r.out).toMatch(/\d+\/\d+ documents read exactly as expected/);
  });

  it('exits 1 and says what differs when an expectation is not met', async () => {
    fs.copyFileSync(path.join(CORPUS, 'shaanxi-2015-owner-brackets.txt'), path.join(dir, 'shaanxi.txt'));
    const exp = JSON.parse(fs.readFileSync(path.join(CORPUS, 'shaanxi-2015-owner-brackets.expect.json'), 'utf8'));
    exp.file = 'shaanxi.txt';
    exp.tasks[0].lead = ['省发改委']; // the first-listed reading, which the text does not state
    fs.writeFileSync(path.join(dir, 'shaanxi.expect.json'), JSON.stringify(exp));
    const r = await cli(['registry', 'check', dir], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain('shaanxi: task 1: lead 省发改委、省工业和信息化厅 ≠ expected 省发改委');
    expect(r.out).toMatch(/0\/1 documents read exactly as expected/);
  });

  it('a missing corpus directory is a clear error', async () => {
    const r = await cli(['registry', 'check', path.join(dir, 'nope')], env);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/no such directory/);
  });
});

describe('registry import --dry-run on other plans', () => {
  it('--json carries the deadlines outside the tasks as planMilestones', async () => {
    const r = await cli(['registry', 'import', '--dry-run', '--json', path.join(CORPUS, 'reconstruction-lead-rule-brackets.txt')], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.tasks).toHaveLength(8);
    expect(json.planMilestones).toEqual([expect.objectContaining({ kind: 'once', due: '2018-12-31', units: ['各地区', '各部门'] })]);
    expect(JSON.parse((await cli(['registry', 'import', '--dry-run', '--json', 'data/plan.txt'], env)).out).planMilestones).toEqual([]);
  });

  it('reads an .xlsx 分工表', async () => {
    const r = await cli(['registry', 'import', '--dry-run', '--json', path.join(CORPUS, 'hangzhou-2021-table.xlsx')], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tasks.map((t: { number: number }) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a document whose items name no owner is refused with the layouts tried and the lines quoted', async () => {
    const r = await cli(['registry', 'import', '--dry-run', path.join(CORPUS, 'state-council-2018-104-no-owners.txt')], env);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/no tasks found\. Layouts tried: numbered items/);
    expect(r.err).toContain('「(二十一)提高认识,进一步明确抓落实的责任。」');
  });
});
