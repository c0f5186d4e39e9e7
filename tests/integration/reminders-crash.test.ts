// Issue 3: the scheduler process is SIGKILLed in the middle of dispatching (a real child process,
// `tsx src/cli/main.ts reminders run --now …`, real SDK, fake Lark answering slowly) and started
// again: every due reminder reaches Lark exactly once. Sends that were in flight when the process
// died are resent with the same uuid and deduplicated by the platform, never posted twice.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxUuid, STALE_CLAIM_MS } from '../../src/outbox/dispatch.ts';
import { openDb } from '../../src/store/db.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import { bindUnits, freshPlanDb, makeTempDir, ROOT, sleep, spawnTsx, waitFor, type Child } from './helpers.ts';

const CLI = path.join(ROOT, 'src/cli/main.ts');
const FIRST_RUN = new Date('2027-03-01T09:30:00+08:00');
// The second start comes after the stale-claim window, as a cron tick on a restarted service would.
const SECOND_RUN = new Date(FIRST_RUN.getTime() + STALE_CLAIM_MS + 60_000);
const SLOW_MS = 250;

let fake: FakeLark | undefined;
let removeDir: (() => void) | undefined;
const children: Child[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  await fake?.close();
  removeDir?.();
  fake = removeDir = undefined;
});

describe('reminders run killed mid-dispatch', () => {
  it('after a SIGKILL and a restart every due reminder reaches Lark exactly once', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    const databaseUrl = await freshPlanDb(tmp.dir);
    // Every unit gets its own group, so the pass has many cards to send.
    {
      const db = await openDb(databaseUrl);
      const units = (await createUnitRepo(db).list()).filter((u) => !u.collective);
      await db.$disconnect();
      await bindUnits(databaseUrl, Object.fromEntries(units.map((u, i) => [u.name, `oc_crash${String(i).padStart(24, '0')}`])));
    }
    fake = await startFakeLark({ slowMs: SLOW_MS });
    // Every message send answers slowly: the dispatcher has several in flight when it dies.
    fake.failNext(10_000, 'slow', { path: /^\/open-apis\/im\/v1\/messages$/ });
    const env = { DATABASE_URL: databaseUrl, LARK_APP_ID: FAKE_APP_ID, LARK_APP_SECRET: FAKE_APP_SECRET, LARK_DOMAIN: fake.url, LOG_LEVEL: 'warn' };

    // First run: killed as soon as a few cards have reached Lark.
    const first = spawnTsx(CLI, ['reminders', 'run', '--now', FIRST_RUN.toISOString()], env);
    children.push(first);
    await waitFor(() => fake!.sent.length >= 2 || first.proc.exitCode !== null, 'the first cards', 25_000, 5);
    await first.kill();
    expect(first.proc.exitCode, `the run finished before it could be killed:\n${first.output()}`).toBeNull();

    const db = await openDb(databaseUrl);
    try {
      const afterKill = await db.outbox.findMany({ orderBy: { id: 'asc' } });
      const total = afterKill.length;
      expect(total).toBeGreaterThan(10);
      // It really died mid-dispatch: rows claimed but unrecorded ('sending') and rows never tried.
      expect(afterKill.filter((r) => r.status === 'sending').length).toBeGreaterThan(0);
      expect(afterKill.filter((r) => r.status !== 'sent').length).toBeGreaterThan(0);
      // Requests in flight at the kill still land on the platform side (Lark got them, we never heard
      // back). Let them finish first, so the restart must deal with them (the order does not matter
      // for the assertions: whichever of the two arrives second is deduplicated).
      await sleep(SLOW_MS + 200);

      // Second run, started later: stale claims are requeued and resent with the same uuid.
      const second = spawnTsx(CLI, ['reminders', 'run', '--now', SECOND_RUN.toISOString()], env);
      children.push(second);
      const code = await second.exited;
      expect(code, second.output()).toBe(0);

      const rows = await db.outbox.findMany({ orderBy: { id: 'asc' } });
      // The restarted pass re-planned the same day: nothing new, nothing lost.
      expect(rows.length).toBe(total);
      expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);

      // Exactly once: one Lark message per outbox row, matched by uuid and by message id.
      const sentByUuid = new Map(fake.sent.map((m) => [m.uuid, m]));
      expect(sentByUuid.size).toBe(fake.sent.length);
      expect(fake.sent.length).toBe(rows.length);
      for (const r of rows) {
        const m = sentByUuid.get(outboxUuid(r.id));
        expect(m, `outbox ${r.id} never reached Lark`).toBeDefined();
        expect(m!.receive_id).toBe(r.chatId);
        expect(r.larkMessageId).toBe(m!.messageId);
      }
      // The resends of in-flight rows were absorbed by the platform's uuid dedupe, not posted again.
      expect(fake.duplicates.length).toBeGreaterThan(0);
      for (const d of fake.duplicates) expect(sentByUuid.get(d.uuid)?.messageId).toBe(d.messageId);
      // Each planned step is in a sent card.
      const reminders = await db.reminder.findMany();
      expect(reminders.length).toBeGreaterThanOrEqual(rows.length);
      const sentIds = new Set(rows.map((r) => r.id));
      for (const r of reminders) expect(sentIds.has(r.outboxId ?? -1)).toBe(true);
    } finally {
      await db.$disconnect();
    }
  }, 60_000);
});
