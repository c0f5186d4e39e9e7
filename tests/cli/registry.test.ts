import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { cli } from '../support/cli.ts';

let dir: string;
let env: Record<string, string>;
const dbFile = () => path.join(dir, 'duban.db');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
  env = { DATABASE_URL: 'file:' + dbFile() };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe('registry import --dry-run --json', () => {
  it('prints the 75 tasks of the Jin\'an plan in the contract shape and writes nothing', async () => {
    const r = await cli(['registry', 'import', '--dry-run', '--json', 'data/plan.txt'], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.tasks.map((t: { number: number }) => t.number)).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
    const t68 = json.tasks.find((t: { number: number }) => t.number === 68);
    expect(t68.leadUnits).toEqual(['区委办', '区政府办']);
    expect(t68.otherUnits).toEqual(expect.arrayContaining(['区司法局']));
    expect(t68.milestones).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'annual', month: 3, day: 1, source: expect.any(String) }),
        expect.objectContaining({ kind: 'annual', month: 4, day: 1, source: expect.any(String) }),
        expect.objectContaining({ kind: 'continuous' }),
      ]),
    );
    const t71 = json.tasks.find((t: { number: number }) => t.number === 71);
    expect(t71.milestones).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'annual', month: 12, day: 31 })]));
    expect(json.units.find((u: { name: string }) => u.name === '区司法局').aliases).toContain('司法局');
    expect(json.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ task: 13, source: '发改晋安公安局' })]));
    expect(fs.existsSync(dbFile())).toBe(false);
  });
});

describe('registry import, list, show', () => {
  it('loads the plan, then lists by unit and shows a task with its milestones', async () => {
    const imp = await cli(['registry', 'import'], env);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/75 tasks read — 75 new/);
    expect(imp.out).toMatch(/task 13: .*发改晋安公安局/);

    const list = await cli(['registry', 'list', '--unit', '司法局', '--json'], env);
    const numbers = JSON.parse(list.out).map((t: { number: number }) => t.number);
    expect(numbers).toContain(68);
    expect(numbers).not.toContain(1);

    const show = await cli(['registry', 'show', '68'], env);
    expect(show.code).toBe(0);
    expect(show.out).toContain('每年3月1日前');
    expect(show.out).toContain('每年4月1日前');
    expect(show.out).toMatch(/牵头: 区委办、区政府办/);
    expect(show.out).toContain('进展: 暂无');
  });

  it('answers a bad task number with the reason, non-zero', async () => {
    await cli(['registry', 'import'], env);
    expect(await cli(['registry', 'show', '999'], env)).toMatchObject({ code: 1, err: 'duban: registry show: there is no task 999 (the registry has 75 tasks)' });
    expect((await cli(['registry', 'show', 'abc'], env)).err).toMatch(/"abc" is not a task number/);
    expect((await cli(['registry', 'list', '--unit', '不存在的局'], env)).err).toMatch(/no unit matches "不存在的局"/);
  });
});

describe('bad plan input: one clear line, non-zero, database untouched', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => write('empty.txt', '  \n\n'), /empty/i],
    ['a binary file', () => write('binary.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe])), /binary|not .*text|UTF-8/i],
    ['a document with no tasks', () => write('notes.txt', '关于召开会议的通知\n请各单位准时参加。\n'), /no tasks found/],
    ['a missing file', () => path.join(dir, 'nope.txt'), /no such file/],
  ];
  it.each(cases)('%s', async (_name, make, message) => {
    expect((await cli(['registry', 'import'], env)).code).toBe(0);
    const r = await cli(['registry', 'import', make()], env);
    expect(r.code).not.toBe(0);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
    const show = await cli(['registry', 'list', '--json'], env);
    expect(JSON.parse(show.out)).toHaveLength(75);
    // Nothing was written: still the one import run from before.
    const db = new Database(dbFile(), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM ImportRun').get()).toEqual({ n: 1 });
    db.close();
  });
});

describe('units', () => {
  it('binds a unit by its short name and lists the binding; rejects a bad chat id', async () => {
    await cli(['registry', 'import'], env);
    expect((await cli(['units', 'bind', '司法局', 'oc_0123456789abcdef'], env)).out).toBe('区司法局 → oc_0123456789abcdef');
    const units = JSON.parse((await cli(['units', 'list', '--json'], env)).out);
    expect(units.find((u: { name: string }) => u.name === '区司法局').chatId).toBe('oc_0123456789abcdef');
    const bad = await cli(['units', 'bind', '区司法局', 'hello'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a group chat id/);
    expect((await cli(['units', 'bind', '依法治办', 'oc_office'], env)).code).toBe(0);
  });

  it('rejects unknown options and commands with the expected usage', async () => {
    expect((await cli(['registry', 'list', '--colour'], env)).err).toMatch(/unknown option --colour/);
    expect((await cli(['frobnicate'], env)).err).toMatch(/unknown command "frobnicate"/);
  });
});

describe('reminders run', () => {
  it('one pass at --now sends what is due, once, and registry show lists it as sent', async () => {
    await cli(['registry', 'import'], env);
    await cli(['units', 'bind', '区委办', 'oc_weiban'], env);
    const run = await cli(['reminders', 'run', '--now', '2027-02-22T09:30:00+08:00'], env);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/1 new reminder steps in 1 cards .*sent 1, retry later 0, failed 0/);
    const again = await cli(['reminders', 'run', '--now', '2027-02-22T10:30:00+08:00'], env);
    expect(again.out).toMatch(/0 new reminder steps in 0 cards .*sent 0/);
    const show = await cli(['registry', 'show', '68'], env);
    expect(show.out).toMatch(/提醒记录 reminders \(1\):\n  2027-02-22  区委办  reminder D-7  期限 2027-03-01  → oc_weiban  sent/);
    expect((await cli(['reminders', 'run', '--now', 'yesterday'], env)).err).toMatch(/--now: expected an ISO time/);
  });
});

describe('reminders preview', () => {
  it('lists what would go out, to whom, with the step, and says unbound', async () => {
    await cli(['registry', 'import'], env);
    await cli(['units', 'bind', '区委办', 'oc_weiban'], env);
    const r = await cli(['reminders', 'preview', '--from', '2027-02-01', '--to', '2027-03-01', '--json'], env);
    const rows = JSON.parse(r.out).reminders as { day: string; unit: string; chat: string; task: number; step: string }[];
    const weiban68 = rows.filter((x) => x.unit === '区委办' && x.task === 68).map((x) => `${x.day} ${x.step}`);
    expect(weiban68).toEqual(['2027-02-01 D-30', '2027-02-22 D-7', '2027-02-24 W-3', '2027-02-26 W-1', '2027-03-01 D0']);
    expect(rows.find((x) => x.unit === '区政府办' && x.task === 68)?.chat).toBe('unbound');
    expect(JSON.parse(r.out).warnings[0]).toMatch(/2027/);
    expect((await cli(['reminders', 'preview', '--from', '2027-03-01', '--to', '2027-02-01'], env)).err).toMatch(/before --from/);
  });
});

describe('on a database with no plan yet', () => {
  it.each([
    [['reminders', 'preview', '--from', '2027-02-01', '--to', '2027-03-01']],
    [['reminders', 'run', '--now', '2027-02-22T09:30:00+08:00']],
    [['registry', 'list']],
    [['registry', 'show', '68']],
    [['export', '--format', 'csv', '--out', 'ledger.csv']],
  ])('%j says so in one line and exits non-zero, never "no reminders"', async (argv) => {
    const args = argv.map((a) => (a === 'ledger.csv' ? path.join(dir, a) : a));
    const r = await cli(args, env);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('duban: no plan imported yet: run registry import [FILE] or npm start');
    expect(r.out).toBe('');
    expect(fs.existsSync(path.join(dir, 'ledger.csv'))).toBe(false);
  });
});

describe('the office', () => {
  it('DUBAN_OFFICE_UNIT may be any of its names; binding it before the plan is imported keeps one unit', async () => {
    const officeEnv = { ...env, DUBAN_OFFICE_UNIT: '依法治区办' };
    // Bound first (the office chat is often set up before the plan is loaded)…
    expect((await cli(['units', 'bind', '依法治区办', 'oc_office'], officeEnv)).out).toBe('区委依法治区办 → oc_office');
    // …then the plan names it 区委依法治区办 (aliases 依法治办, 依法治区办): the same unit, renamed, still bound.
    expect((await cli(['registry', 'import'], officeEnv)).code).toBe(0);
    const units = JSON.parse((await cli(['units', 'list', '--json'], officeEnv)).out) as { name: string; aliases: string[]; chatId: string | null }[];
    const office = units.filter((u) => u.name.includes('依法治') || u.aliases.includes('依法治办'));
    expect(office).toHaveLength(1);
    expect(office[0]).toMatchObject({ name: '区委依法治区办', chatId: 'oc_office' });
    expect(office[0].aliases).toEqual(expect.arrayContaining(['依法治办', '依法治区办']));
    expect((await cli(['units', 'bind', '依法治办', 'oc_office2'], officeEnv)).out).toBe('区委依法治区办 → oc_office2 (was oc_office)');
  });
});
