// What the README promises first: `npm start` with no configuration comes up on SQLite, imports the
// plan and answers in the local console; piped input is answered line by line, in order, nothing
// dropped (also lines that follow a scheduler pass, and a last line without a newline), and the
// process exits only after the last answer and the last queued card are printed.
// The clock is pinned with DUBAN_NOW: go-live 2026-11-29, whatever day the suite runs on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function start(input: string): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
  try {
    const env = {
      ...process.env,
      DATABASE_URL: 'file:' + path.join(dir, 'duban.db'),
      LARK_APP_ID: '',
      LARK_APP_SECRET: '',
      LOG_LEVEL: 'warn',
      DUBAN_NOW: '2026-11-29T10:00:00+08:00',
    };
    // What `npm start` runs (package.json): the compiled bot, built by the suite's global setup.
    return spawnSync(process.execPath, ['--max-semi-space-size=4', 'scripts/start.mjs'], { env, input, encoding: 'utf8', timeout: 120_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Index of each needle in order; -1 where one is missing or out of order. */
function inOrder(text: string, needles: string[]): number[] {
  const at: number[] = [];
  let from = 0;
  for (const n of needles) {
    const i = text.indexOf(n, from);
    at.push(i);
    if (i >= 0) from = i + n.length;
  }
  return at;
}

describe('npm start (embedded default)', () => {
  it('imports the plan on first start and answers commands typed on standard input, also after /now', () => {
    const r = start('帮助\n任务 68\n/unit 区委办\n/now 2027-02-22\n进度 68 60% 已完成初稿\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/75 tasks read/);
    expect(r.stdout).toContain('任务 68');
    // /now runs a scheduler pass: task 68's 7-day reminder reaches 区委办's (local) chat…
    expect(r.stdout).toMatch(/区委办 · 2027-02-22 督办提醒/);
    // …and the line typed after it is answered, after the pass's cards.
    const [card, answer] = inOrder(r.stdout, ['区委办 · 2027-02-22 督办提醒', '已记录：任务 68 · 区委办 · 进行中 · 60%']);
    expect(card).toBeGreaterThanOrEqual(0);
    expect(answer).toBeGreaterThan(card);
    // The office gets one card that morning (its own items, the overdue list and the Monday digest), not three.
    const officeCards = r.stdout.match(/📨 local:区委依法治区办: [^\n]*/g) ?? [];
    expect(officeCards).toHaveLength(1);
    expect(officeCards[0]).toMatch(/区委依法治区办 · 2027-02-22 督办日报（周报 2027-W08）/);
  }, 120_000);

  it('records a link in progress words as evidence, and 任务 68 lists it', () => {
    const r = start('/unit 区委办\n进度 68 60% 初稿见 https://www.jinan.gov.cn/d/68\n任务 68\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/🔗 已记录链接 https:\/\/www\.jinan\.gov\.cn\/d\/68，作为任务 68 · 区委办 的佐证材料（编号 1）。/);
    expect(r.stdout).toContain('📎 佐证材料（1）');
    expect(r.stdout).toContain('https://www.jinan.gov.cn/d/68 · 控制台用户 · 2026-11-29 10:00 · 编号 1');
  }, 120_000);

  it('answers 200 lines piped at once, in order, with a pass in the middle and no newline after the last', () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (let k = 1; k <= 200; k++) {
      if (k === 100) {
        lines.push('/now 2027-02-22');
        expected.push('时钟已调到 2027-02-22 09:30');
      } else if (k % 2 === 0) {
        lines.push(`进度 68 50% 第${k}条`);
        expected.push(`已记录：任务 68 · 区司法局 · 进行中 · 50% · 第${k}条`);
      } else {
        const n = (k % 75) + 1;
        lines.push(`任务 ${n}`);
        expected.push(`任务 ${n}`);
      }
    }
    const r = start(lines.join('\n'));
    expect(r.status, r.stderr).toBe(0);
    const at = inOrder(r.stdout, expected);
    const missing = expected.filter((_, i) => at[i] < 0);
    expect(missing).toEqual([]);
    // The last line had no newline and is answered too.
    expect(r.stdout).toContain('已记录：任务 68 · 区司法局 · 进行中 · 50% · 第200条');
  }, 120_000);
});
