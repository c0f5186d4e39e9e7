// What the README promises first: `npm start` with no configuration comes up on SQLite, imports the
// plan and answers in the local console; piped input is answered line by line and the process exits.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start (embedded default)', () => {
  it('imports the plan on first start and answers commands typed on standard input', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
    try {
      const env = { ...process.env, DATABASE_URL: 'file:' + path.join(dir, 'duban.db'), LARK_APP_ID: '', LARK_APP_SECRET: '', LOG_LEVEL: 'warn' };
      const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], {
        env,
        input: '帮助\n任务 68\n/unit 区委办\n/now 2027-02-22\n进度 68 60% 已完成初稿\n',
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/75 tasks read/);
      expect(r.stdout).toContain('任务 68');
      expect(r.stdout).toContain('进度');
      // /now runs a scheduler pass: task 68's 7-day reminder reaches 区委办's (local) chat.
      expect(r.stdout).toMatch(/区委办 · 2027-02-22 督办提醒/);
      expect(r.stdout).toMatch(/已记录：任务 68 · 区委办 · 进行中 · 60%/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
