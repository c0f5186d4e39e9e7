// evidence list | get: the command line's answers when there is nothing to give (the files themselves are
// covered end to end in tests/integration/chat-evidence.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';

let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-evidence-'));
  env = { DATABASE_URL: 'file:' + path.join(dir, 'duban.db'), DUBAN_EVIDENCE_DIR: path.join(dir, 'evidence') };
  expect((await cli(['registry', 'import'], env)).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('evidence list / get', () => {
  it('lists nothing yet, and says so', async () => {
    expect(await cli(['evidence', 'list'], env)).toEqual({ code: 0, out: 'no evidence', err: '' });
    expect(await cli(['evidence', 'list', '--task', '68', '--unit', '司法局'], env)).toEqual({ code: 0, out: 'no evidence for task 68 from 区司法局', err: '' });
    expect(JSON.parse((await cli(['evidence', 'list', '--json'], env)).out)).toEqual([]);
  });

  it('refuses an unknown task or unit, and bad arguments, with one line each', async () => {
    expect(await cli(['evidence', 'list', '--task', '999'], env)).toMatchObject({ code: 1, err: 'duban: evidence list: there is no task 999 (the registry has 75 tasks)' });
    expect(await cli(['evidence', 'list', '--unit', '不存在的局'], env)).toMatchObject({ code: 1, err: 'duban: evidence list: no unit matches "不存在的局" (see: units list)' });
    expect(await cli(['evidence', 'get', '--out', path.join(dir, 'x')], env)).toMatchObject({ code: 2, err: expect.stringContaining('expected one evidence ID') });
    expect(await cli(['evidence', 'get', 'abc', '--out', path.join(dir, 'x')], env)).toMatchObject({ code: 2, err: expect.stringContaining('"abc" is not an evidence ID') });
    expect(await cli(['evidence', 'get', '1'], env)).toMatchObject({ code: 2, err: expect.stringContaining('--out') });
    expect(await cli(['evidence', 'get', '7', '--out', path.join(dir, 'x')], env)).toMatchObject({ code: 1, err: 'duban: evidence get: there is no evidence 7 (see: evidence list)' });
    expect(await cli(['evidence', 'drop'], env)).toMatchObject({ code: 2, err: 'duban: evidence: expected list or get, got "drop"' });
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
