// Issue 10, one SQLite file, several processes: the bot (a real child process, webhook mode) answers a
// burst of messages while the CLI, in other processes at the same time, imports a revised plan, binds
// units and exports the ledger. No process fails with SQLITE_BUSY, and every message is answered once.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import {
  ADMIN_OPEN_ID,
  bindUnits,
  CHAT_QWB,
  ENCRYPT_KEY,
  freePort,
  freshPlanDb,
  makeTempDir,
  messageEnvelope,
  postWebhook,
  repliesTo,
  ROOT,
  spawnTsx,
  VERIFICATION_TOKEN,
  waitFor,
  type Child,
} from './helpers.ts';

const MAIN = path.join(ROOT, 'src/main.ts');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const BURST = 120;

let fake: FakeLark | undefined;
let removeDir: (() => void) | undefined;
const children: Child[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  await fake?.close();
  removeDir?.();
  fake = removeDir = undefined;
});

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnTsx(CLI, args, env);
  children.push(child);
  return { code: await child.exited, output: child.output() };
}

describe.sequential('the bot and the CLI on one SQLite file', () => {
  it('a burst answered while the CLI imports a revised plan, binds units and exports: no BUSY, nothing lost or twice', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    const databaseUrl = await freshPlanDb(tmp.dir);
    await bindUnits(databaseUrl, { 区委办: CHAT_QWB });
    // The revised plan: task 75 (the last item) gets a year more, task 68 reads better.
    const revised = path.join(tmp.dir, 'plan-revised.txt');
    const plan = fs.readFileSync(path.join(ROOT, 'data/plan.txt'), 'utf8');
    const at75 = plan.indexOf('75.加强中国特色社会主义法治政府理论研究');
    fs.writeFileSync(revised, (plan.slice(0, at75) + plan.slice(at75).replace('到2024年取得重大进展', '到2025年取得重大进展')).replace('每年31日前', '每年3月1日前'));
    fake = await startFakeLark();
    const env = {
      DATABASE_URL: databaseUrl,
      LARK_APP_ID: FAKE_APP_ID,
      LARK_APP_SECRET: FAKE_APP_SECRET,
      LARK_DOMAIN: fake.url,
      LARK_EVENT_MODE: 'webhook',
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      DUBAN_ADMINS: ADMIN_OPEN_ID,
      DUBAN_NOW: '2027-02-22T10:00:00+08:00',
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    const bot = spawnTsx(MAIN, [], { ...env, PORT: String(port) });
    children.push(bot);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (bot.proc.exitCode !== null) throw new Error(`duban exited:\n${bot.output()}`);
        return fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
      },
      'the bot',
      30_000,
      100,
    );

    // The burst: 8 requests in flight, progress reports and queries alternating.
    const envelopes = Array.from({ length: BURST }, (_, i) => messageEnvelope(i % 2 ? '任务 68' : `进度 68 ${i % 100}% 第${i}次`));
    let next = 0;
    const statuses: number[] = [];
    const burst = Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < envelopes.length; i = next++) statuses.push((await postWebhook(base, '/lark/events', envelopes[i])).status);
      }),
    );
    // Meanwhile, the operator's commands, two at a time.
    const cli = (async () => {
      const out = [];
      out.push(...(await Promise.all([run(['registry', 'import', revised], env), run(['units', 'bind', '区政府办', 'oc_0concurrency0zfb'], env)])));
      out.push(...(await Promise.all([run(['units', 'bind', '区司法局', 'oc_0concurrency0sfj'], env), run(['export', '--format', 'csv', '--out', path.join(tmp.dir, 'ledger.csv')], env)])));
      out.push(...(await Promise.all([run(['registry', 'import', revised], env), run(['units', 'bind', '依法治办', 'oc_0concurrency0office'], env)])));
      return out;
    })();
    const [, runs] = await Promise.all([burst, cli]);

    for (const r of runs) {
      expect(r.code, r.output).toBe(0);
      expect(r.output).not.toMatch(/BUSY|database is locked/i);
    }
    expect(statuses).toEqual(envelopes.map(() => 200));
    for (const e of envelopes) await waitFor(() => repliesTo(fake!, e.event.message.message_id).length >= 1, `the reply to ${e.event.message.message_id}`, 30_000);
    expect(envelopes.map((e) => repliesTo(fake!, e.event.message.message_id).length)).toEqual(envelopes.map(() => 1));
    expect(fake.duplicates).toEqual([]);
    expect(bot.output()).not.toMatch(/BUSY|database is locked/i);

    const db = await openDb(databaseUrl);
    try {
      expect(await db.inboundEvent.count({ where: { status: { not: 'done' } } })).toBe(0);
      expect(await db.progress.count()).toBe(BURST / 2);
      const t75 = await db.task.findUniqueOrThrow({ where: { number: 75 }, include: { milestones: true } });
      expect(t75.milestones.map((m) => m.due)).toContain('2025-12-31');
      expect((await db.unit.findUniqueOrThrow({ where: { name: '区委依法治区办' } })).chatId).toBe('oc_0concurrency0office');
    } finally {
      await db.$disconnect();
    }
  }, 180_000);
});
