// Issue 4: the service (a real `tsx src/main.ts` child in webhook mode) is SIGKILLed after it acked
// a message but before it processed it; after a restart the message is processed and the answer
// reaches Lark exactly once. DUBAN_INBOUND_DELAY_MS holds the first process between ack and
// processing, so the kill lands in that window every time.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import {
  ADMIN_OPEN_ID,
  contentText,
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

let fake: FakeLark | undefined;
let removeDir: (() => void) | undefined;
const children: Child[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  await fake?.close();
  removeDir?.();
  fake = removeDir = undefined;
});

async function startService(env: Record<string, string>): Promise<{ child: Child; base: string; health: unknown }> {
  const port = await freePort();
  const child = spawnTsx(MAIN, [], { ...env, PORT: String(port) });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  const health = await waitFor(
    async () => {
      if (child.proc.exitCode !== null) throw new Error(`duban exited (${child.proc.exitCode}):\n${child.output()}`);
      try {
        const res = await fetch(`${base}/healthz`);
        return res.status === 200 ? await res.json() : undefined;
      } catch {
        return undefined;
      }
    },
    'duban to answer /healthz',
    30_000,
    100,
  );
  return { child, base, health };
}

describe.sequential('npm start (webhook mode) killed between ack and processing', () => {
  it('processes the stored message after the restart and answers it exactly once', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    // No unit is bound: the start-up scheduler pass has nobody to remind. The clock is pinned all the same.
    const databaseUrl = await freshPlanDb(tmp.dir);
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
      DUBAN_NOW: '2026-12-01T10:00:00+08:00',
      LOG_LEVEL: 'warn',
    };

    const first = await startService({ ...env, DUBAN_INBOUND_DELAY_MS: '60000' });
    expect(first.health).toEqual({ ok: true, db: 'ok', lark: 'webhook' });

    const envelope = messageEnvelope('帮助', { chatType: 'p2p' });
    const messageId = envelope.event.message.message_id;
    expect(await postWebhook(first.base, '/lark/events', envelope)).toEqual({ status: 200, body: {} });
    await first.child.kill();

    // Acked and stored, not processed, nothing sent.
    const db = await openDb(databaseUrl);
    try {
      const stored = await db.inboundEvent.findMany();
      expect(stored.map((e) => [e.messageId, e.status])).toEqual([[messageId, 'received']]);
      expect(await db.outbox.count()).toBe(0);
      expect(fake.sent).toEqual([]);

      // Restart (no delay this time): the pending message is processed at start-up and answered.
      const second = await startService(env);
      expect(second.health).toEqual({ ok: true, db: 'ok', lark: 'webhook' });
      const [reply] = await waitFor(() => (repliesTo(fake!, messageId).length ? repliesTo(fake!, messageId) : undefined), 'the reply after restart', 20_000);
      expect(reply).toMatchObject({ kind: 'reply', msg_type: 'text', parentId: messageId });
      expect(contentText(reply)).toContain('督办 可以做这些');

      // Lark redelivers the event it saw acked by the dead process: acked again, not answered again.
      expect(await postWebhook(second.base, '/lark/events', envelope)).toEqual({ status: 200, body: {} });
      // A message after it is answered, so the service has passed the redelivery by then.
      const next = messageEnvelope('help', { chatType: 'p2p' });
      expect(await postWebhook(second.base, '/lark/events', next)).toEqual({ status: 200, body: {} });
      await waitFor(() => repliesTo(fake!, next.event.message.message_id).length === 1, 'the reply to the next message', 20_000);

      expect(repliesTo(fake, messageId)).toHaveLength(1);
      expect(fake.duplicates).toEqual([]);
      expect((await db.inboundEvent.findMany()).map((e) => [e.messageId, e.status])).toEqual([
        [messageId, 'done'],
        [next.event.message.message_id, 'done'],
      ]);
    } finally {
      await db.$disconnect();
    }
  }, 90_000);
});
