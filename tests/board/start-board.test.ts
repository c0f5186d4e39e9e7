// The "done when": `npm start` with nothing configured (the console), then /board on that port
// shows the Jin'an plan, with the same lights as 汇总 answers in the console at the same (pinned) time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, inheritedClockEnv, ROOT, waitFor } from '../integration/helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-board-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WORDS: Record<string, string> = { 逾期: 'red', 滞后: 'yellow', 临近截止: 'blue', 正常推进: 'on-track', 已完成: 'done' };

describe('npm start, then /board', () => {
  it('serves the plan\'s board on localhost, its lights matching 汇总', async () => {
    const port = await freePort();
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), TZ: 'UTC', ...inheritedClockEnv(), DATABASE_URL: `file:${path.join(dir, 'duban.db')}`, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes(`督办看板 board: http://localhost:${port}/board`), 'the console to start and name the board', 90_000, 100);
      child.stdin.write('/now 2027-03-05\n');
      await waitFor(() => out.includes('时钟已调到 2027-03-05 09:30'), 'the clock moved', 30_000, 50);
      child.stdin.write('汇总\n');
      const line = await waitFor(() => /🔴 逾期 \d+ · 🟡 滞后 \d+ · 🔵 临近截止 \d+ · 🟢 正常推进 \d+ · ✅ 已完成 \d+/.exec(out)?.[0], '汇总 answered', 30_000, 50);
      const summary = Object.fromEntries([...line.matchAll(/(逾期|滞后|临近截止|正常推进|已完成) (\d+)/g)].map((m) => [WORDS[m[1]], Number(m[2])]));

      const page = await fetch(`http://localhost:${port}/board`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('截至 2027-03-05');
      expect(html).toContain('任务内容');
      const api = (await (await fetch(`http://localhost:${port}/board/api/board`)).json()) as { totals: Record<string, number>; total: number };
      expect(api.totals).toEqual(summary);
      expect(api.total).toBeGreaterThan(300);
      // The digest card the console printed links to the board.
      expect(out).toContain(`[打开督办看板] http://localhost:${port}/board`);
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  });
});
