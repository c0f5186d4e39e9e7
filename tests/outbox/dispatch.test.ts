import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LarkGateway } from '../../src/chat/gateway.ts';
import { fixedClock } from '../../src/clock.ts';
import { LarkApiError } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import { dispatchDue, outboxUuid, STALE_CLAIM_MS, type DispatchDeps } from '../../src/outbox/dispatch.ts';
import { createRateLimiter } from '../../src/outbox/rate-limiter.ts';
import { BACKOFF_CAP_MS, MAX_ATTEMPTS } from '../../src/outbox/retry-policy.ts';
import type { Db } from '../../src/store/db.ts';
import { createOutboxRepo, type OutboxRepo } from '../../src/store/outbox-repo.ts';
import { createMemoryGateway, type MemoryGateway } from '../fakes/memory-gateway.ts';
import { maxInWindow, openTestDb } from './helpers.ts';

const T0 = '2026-03-02T01:00:00Z';
const lark = (code: number, httpStatus?: number, retryAfterMs?: number) =>
  new LarkApiError('im.message.create', code, `msg ${code}`, httpStatus, 'log_1', retryAfterMs);

let db: Db;
let close: () => Promise<void>;
let repo: OutboxRepo;
let clock: ReturnType<typeof fixedClock>;
let gateway: MemoryGateway;
let logs: Record<string, unknown>[];
let deps: DispatchDeps;

beforeEach(async () => {
  ({ db, close } = await openTestDb());
  repo = createOutboxRepo(db);
  clock = fixedClock(T0);
  const now = () => clock.now().getTime();
  gateway = createMemoryGateway({ now });
  logs = [];
  deps = {
    db,
    gateway,
    // Waiting for a window just moves the test clock: no real time passes.
    limiter: createRateLimiter({ now, sleep: async (ms) => clock.advance(ms), windowGuardMs: 0 }),
    clock,
    logger: createLogger('debug', { write: (l) => void logs.push(JSON.parse(l)) }),
    random: () => 0.5,
  };
});
afterEach(async () => close());

const enqueue = (key: string, chatId = 'oc_a', delayMs = 0) =>
  repo.enqueue({ key, kind: 'reminder', chatId, message: { msgType: 'text', text: key }, notBefore: new Date(clock.now().getTime() + delayMs) });
const texts = (chatId: string) => gateway.sentTo(chatId).map((m) => (m.message.msgType === 'text' ? m.message.text : '?'));

describe('dispatchDue', () => {
  it('sends each due row once with the row uuid and records the message id', async () => {
    const a = await enqueue('k1');
    await enqueue('k2', 'oc_b');
    const later = await enqueue('tomorrow', 'oc_a', 86_400_000);

    expect(await dispatchDue(deps)).toMatchObject({ sent: 2, retried: 0, failed: 0, busy: false });
    expect(gateway.sent.map((m) => m.uuid).sort()).toEqual([outboxUuid(a.id), outboxUuid(a.id + 1)]);
    const row = await repo.get(a.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, larkMessageId: gateway.sentTo('oc_a')[0].messageId, sentAt: clock.now() });
    expect((await repo.get(later.id))?.status).toBe('pending');

    expect(await dispatchDue(deps)).toMatchObject({ sent: 0 });
    expect(gateway.calls).toHaveLength(2);
    expect(logs.find((l) => l.msg === 'outbox row sent')).toMatchObject({ outboxId: a.id, chat: 'oc_a', key: 'k1', attempts: 1 });
  });

  it('429: retried after the reset time, then sent once', async () => {
    const { id } = await enqueue('k');
    gateway.failNext(lark(99991400, 429, 5000));

    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, retried: 1 });
    const row = await repo.get(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('code 99991400') });
    expect(row!.notBefore.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(5000);

    // Before the reset: the row is not due and the app-wide pause holds other chats too.
    clock.advance(1000);
    await enqueue('other chat', 'oc_b');
    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, deferred: 1 });

    clock.advance(5000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 2, retried: 0 });
    expect(texts('oc_a')).toEqual(['k']);
    expect(gateway.calls.filter((c) => c.target === 'oc_a').map((c) => c.outcome)).toEqual(['failed', 'delivered']);
    expect(await repo.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('230020 pauses that chat only; its rows then go out in order', async () => {
    await enqueue('a1', 'oc_a');
    await enqueue('a2', 'oc_a');
    await enqueue('b1', 'oc_b');
    await enqueue('b2', 'oc_b');
    gateway.failNextFor('oc_a', lark(230020, 400));

    expect(await dispatchDue(deps)).toMatchObject({ sent: 2, retried: 1, deferred: 1 });
    expect(texts('oc_b')).toEqual(['b1', 'b2']);
    expect(texts('oc_a')).toEqual([]);
    expect(deps.limiter.pausedMs('oc_a')).toBeGreaterThan(0);
    expect(deps.limiter.pausedMs('oc_b')).toBe(0);

    await enqueue('b3', 'oc_b');
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, deferred: 1 });
    expect(texts('oc_b')).toEqual(['b1', 'b2', 'b3']);

    clock.advance(60_000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 2 });
    expect(texts('oc_a')).toEqual(['a1', 'a2']);
  });

  it('permanent error: failed at once with an operator hint, listed, not resent', async () => {
    const { id } = await enqueue('k', 'oc_x');
    gateway.failNext(lark(230002, 400));

    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    const failed = await repo.list({ status: 'failed' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id, attempts: 1 });
    expect(failed[0].lastError).toMatch(/^bot is not in chat oc_x: add it to the group/);
    expect(logs.find((l) => l.level === 'error')).toMatchObject({ outboxId: id, chat: 'oc_x', key: 'k', reason: failed[0].lastError });

    clock.advance(3_600_000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, failed: 0 });

    // Operator added the bot and put the row back.
    expect(await repo.retryFailed(id)).toBe(true);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1 });
    expect(gateway.sent).toHaveLength(1);
  });

  it(`transient errors: retried with backoff, failed (not dropped) after ${MAX_ATTEMPTS} attempts`, async () => {
    const { id } = await enqueue('k');
    gateway.failNext(...Array.from({ length: MAX_ATTEMPTS }, () => lark(-1, 503)));

    let passes = 0;
    while ((await repo.get(id))?.status === 'pending' && passes < 20) {
      await dispatchDue(deps);
      passes++;
      clock.advance(BACKOFF_CAP_MS);
    }
    expect(passes).toBe(MAX_ATTEMPTS);
    expect(await repo.get(id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: expect.stringMatching(/^gave up after 8 attempts/) });
    expect(gateway.calls).toHaveLength(MAX_ATTEMPTS);
    expect(gateway.sent).toHaveLength(0);
    expect(await repo.counts()).toEqual({ pending: 0, sending: 0, sent: 0, failed: 1 });
  });

  it('crash after claim: the stale row is recovered and sent once', async () => {
    const { id } = await enqueue('k');
    expect(await repo.claim(id, clock.now())).toBe(true); // ...and the process died here

    clock.advance(60_000);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, recovered: 0 });

    clock.advance(STALE_CLAIM_MS);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, recovered: 1 });
    expect(gateway.sent).toHaveLength(1);
    expect(await repo.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('crash after Lark posted but before markSent: the resend is deduped by uuid', async () => {
    const { id } = await enqueue('k');
    await repo.claim(id, clock.now());
    const first = await gateway.sendToChat('oc_a', { msgType: 'text', text: 'k' }, { uuid: outboxUuid(id) }); // then died

    clock.advance(STALE_CLAIM_MS + 1);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, recovered: 1 });
    expect(gateway.sent).toHaveLength(1);
    expect(gateway.calls.map((c) => c.outcome)).toEqual(['delivered', 'deduped']);
    expect((await repo.get(id))?.larkMessageId).toBe(first.messageId);
  });

  it('a send that hangs times out, is retried, and Lark keeps one copy', async () => {
    const { id } = await enqueue('k');
    gateway.hangNext(1, { deliver: true });

    // Immediate timer: the hung call loses the race at once.
    expect(await dispatchDue({ ...deps, sleep: async () => {} })).toMatchObject({ retried: 1 });
    expect((await repo.get(id))?.lastError).toMatch(/SendTimeoutError/);

    clock.advance(BACKOFF_CAP_MS);
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1 });
    expect(gateway.sent).toHaveLength(1);
    expect(gateway.calls.map((c) => c.outcome)).toEqual(['hung', 'deduped']);
  });

  it('a pass started while one is running returns at once', async () => {
    await enqueue('k');
    gateway.hangNext(1);
    const first = dispatchDue(deps);
    expect(await dispatchDue(deps)).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0, recovered: 0, busy: true });

    await vi.waitFor(() => expect(gateway.calls).toHaveLength(1));
    gateway.releaseHung();
    expect(await first).toMatchObject({ sent: 1, busy: false });
    expect(await dispatchDue(deps)).toMatchObject({ sent: 0, busy: false });
  });

  it('a corrupt body fails the row with a hint instead of crashing the pass', async () => {
    const bad = await db.outbox.create({ data: { key: 'bad', kind: 'digest', chatId: 'oc_a', body: '{oops', notBefore: clock.now() } });
    await enqueue('good', 'oc_a');
    expect(await dispatchDue(deps)).toMatchObject({ sent: 1, failed: 1 });
    expect((await repo.get(bad.id))?.lastError).toMatch(/not valid JSON: fix the producer of kind 'digest'/);
  });
});

describe('dispatchDue throughput', () => {
  it('keeps a chat under 5/s by waiting on the limiter (stepped time), all in one pass', async () => {
    for (let i = 0; i < 12; i++) await enqueue(`m${i}`, 'oc_a');
    expect(await dispatchDue(deps)).toMatchObject({ sent: 12 });
    const at = gateway.sent.map((m) => m.at);
    expect(maxInWindow(at, 1000)).toBe(5);
    expect(texts('oc_a')).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  it('sends to different chats in parallel (pool of 8), one at a time per chat', async () => {
    for (let i = 0; i < 20; i++) await enqueue(`c${i % 10}-${Math.floor(i / 10)}`, `oc_${i % 10}`);
    let inFlight = 0;
    let maxInFlight = 0;
    const perChat = new Map<string, number>();
    let maxPerChat = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slow: LarkGateway = {
      ...gateway,
      async sendToChat(chatId, message, o) {
        inFlight++;
        perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxPerChat = Math.max(maxPerChat, perChat.get(chatId)!);
        await gate;
        inFlight--;
        perChat.set(chatId, perChat.get(chatId)! - 1);
        return gateway.sendToChat(chatId, message, o);
      },
    };
    const pass = dispatchDue({ ...deps, gateway: slow });
    await vi.waitFor(() => expect(inFlight).toBe(8));
    open();
    expect(await pass).toMatchObject({ sent: 20 });
    expect(maxInFlight).toBe(8);
    expect(maxPerChat).toBe(1);
    for (let c = 0; c < 10; c++) expect(texts(`oc_${c}`)).toEqual([`c${c}-0`, `c${c}-1`]);
  });
});
