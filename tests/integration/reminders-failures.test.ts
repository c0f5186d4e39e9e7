// Issue 3: Lark failing 20% of the calls with 429 or 500. Passes are repeated (the clock moved on
// between them so retry backoffs come due) until the outbox is empty: every reminder and reply
// arrives, none twice, and the client-side limiter (configured lower than Lark's limits through
// DUBAN_RATE_*) kept every one-second window within the platform's 50 per app / 5 per chat.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { outboxUuid } from '../../src/outbox/dispatch.ts';
import { createRateLimiter } from '../../src/outbox/rate-limiter.ts';
import { openDb } from '../../src/store/db.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import { maxInWindow } from '../outbox/helpers.ts';
import { baseConfig, bindUnits, flattened, freshPlanDb, makeTempDir, messageEnvelope, sleep, startTestApp, TZ, type TestApp } from './helpers.ts';

const RATE_ENV = { DUBAN_RATE_APP_PER_SECOND: '30', DUBAN_RATE_CHAT_PER_SECOND: '3' };
const PLATFORM = { appPerSecond: 50, chatPerSecond: 5 };
const DAYS = ['2026-11-30', '2027-03-01', '2027-03-02'];
const REPLY_BURST = 7;

let fake: FakeLark | undefined;
let t: TestApp | undefined;
let removeDir: (() => void) | undefined;

afterEach(async () => {
  await t?.app.close();
  await fake?.close();
  removeDir?.();
  t = fake = removeDir = undefined;
});

describe('reminders with Lark failing 20% of the calls', () => {
  it('all reminders and replies arrive once, and no window exceeds the platform limits', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    const databaseUrl = await freshPlanDb(tmp.dir);
    const chats: string[] = [];
    {
      const db = await openDb(databaseUrl);
      const units = (await createUnitRepo(db).list()).filter((u) => !u.collective);
      await db.$disconnect();
      const bindings = Object.fromEntries(units.map((u, i) => [u.name, `oc_fail${String(i).padStart(24, '0')}`]));
      chats.push(...Object.values(bindings));
      await bindUnits(databaseUrl, bindings);
    }
    // The fake also enforces the real platform limits: any window we overran would show up as a
    // 'limit-429' / 'limit-230020' answer.
    fake = await startFakeLark({ enforceRateLimits: PLATFORM, rateLimitResetSeconds: 0.2 });
    fake.setFailureRate(0.2, ['429', '500'], 20270301);

    // The limiter the app would build from DUBAN_RATE_*, with its waits counted.
    const limits = baseConfig(RATE_ENV).rateLimits;
    expect(limits).toMatchObject({ appPerSecond: 30, chatPerSecond: 3 });
    const waits: number[] = [];
    const limiter = createRateLimiter({
      limits,
      sleep: (ms) => {
        waits.push(ms);
        return sleep(ms);
      },
    });
    const clock = fixedClock(instantAt(DAYS[0], '09:30', TZ));
    t = await startTestApp({ fake, databaseUrl, clock, env: RATE_ENV, limiter });
    const { app } = t;

    // A burst of questions in one group: their replies queue up in that chat's lane.
    const burstChat = chats[0];
    const burstIds = new Set<string>();
    for (let i = 0; i < REPLY_BURST; i++) {
      const e = messageEnvelope('帮助', { chatId: burstChat });
      burstIds.add(e.event.message.message_id);
      await app.inbound.onMessageEvent(flattened(e));
    }
    await app.inbound.processPending();

    let passes = 0;
    for (const day of DAYS) {
      let now = instantAt(day, '09:30', TZ).getTime();
      for (;;) {
        clock.set(new Date(now));
        await app.schedulerPass(new Date(now));
        passes++;
        const open = await app.db.outbox.count({ where: { status: { not: 'sent' } } });
        if (open === 0) break;
        expect(await app.db.outbox.count({ where: { status: 'failed' } })).toBe(0);
        expect(passes, 'outbox never emptied').toBeLessThan(400);
        // Retry backoffs are in clock time (15 s doubling, 5 min cap): step past them. A 429's
        // app-wide pause is in real time (0.2 s here): let it run out.
        now += 6 * 60_000;
        await sleep(20);
      }
    }

    const rows = await app.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.filter((r) => r.kind === 'reply')).toHaveLength(REPLY_BURST);
    expect(rows.length).toBeGreaterThan(REPLY_BURST + 20);
    // Everything arrived, once: one Lark message per row, and no resend of a delivered message.
    const byUuid = new Map(fake.sent.map((m) => [m.uuid, m]));
    expect(byUuid.size).toBe(fake.sent.length);
    expect(fake.sent.length).toBe(rows.length);
    for (const r of rows) {
      expect(r.status).toBe('sent');
      expect(byUuid.get(outboxUuid(r.id))?.messageId).toBe(r.larkMessageId);
    }
    expect(fake.duplicates).toEqual([]);
    expect(fake.sent.filter((m) => m.kind === 'reply').every((m) => burstIds.has(m.parentId!))).toBe(true);
    // The failures really happened, and were retried rather than given up on.
    const injected = (kind: string) => fake!.requests.filter((r) => r.injected === kind).length;
    expect(injected('429')).toBeGreaterThan(0);
    expect(injected('500')).toBeGreaterThan(0);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);

    // Limits: the platform never had to push back, and no window exceeded its limits.
    expect(fake.requests.filter((r) => r.injected?.startsWith('limit-'))).toEqual([]);
    expect(fake.maxRequestsInWindow({ by: 'app' }).max).toBeLessThanOrEqual(PLATFORM.appPerSecond);
    expect(fake.maxRequestsInWindow({ by: 'chat' }).max).toBeLessThanOrEqual(PLATFORM.chatPerSecond);
    // Replies name their parent message, not the chat: attribute them to the burst chat ourselves.
    const replyTimes = fake.requests.filter((r) => /\/reply$/.test(r.path)).map((r) => r.at);
    expect(replyTimes.length).toBeGreaterThanOrEqual(REPLY_BURST);
    expect(maxInWindow(replyTimes, 1000)).toBeLessThanOrEqual(PLATFORM.chatPerSecond);
    // And the client-side limiter is what held them back: it made sends wait.
    expect(waits.length).toBeGreaterThan(0);
  }, 90_000);
});
