import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { createOutboxRepo, decodeOutboxBody, encodeOutboxBody, type OutboxRepo } from '../../src/store/outbox-repo.ts';
import { openTestDb } from '../outbox/helpers.ts';

const T0 = new Date('2026-03-02T01:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const text = (s: string) => ({ msgType: 'text' as const, text: s });

let db: Db;
let close: () => Promise<void>;
let repo: OutboxRepo;

beforeEach(async () => {
  ({ db, close } = await openTestDb());
  repo = createOutboxRepo(db);
});
afterEach(async () => close());

const enqueue = (key: string, notBefore = T0, chatId = 'oc_a') => repo.enqueue({ key, kind: 'reminder', chatId, message: text(key), notBefore });

describe('enqueue', () => {
  it('is idempotent by key: the second call returns the same row and changes nothing', async () => {
    const a = await enqueue('t1:r1:2026-03-02');
    const b = await repo.enqueue({ key: 't1:r1:2026-03-02', kind: 'other', chatId: 'oc_b', message: text('changed'), notBefore: at(5000) });
    expect(a).toEqual({ id: a.id, created: true });
    expect(b).toEqual({ id: a.id, created: false });
    const rows = await repo.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ chatId: 'oc_a', kind: 'reminder', status: 'pending', attempts: 0, notBefore: T0 });
    expect(decodeOutboxBody(rows[0].body)).toEqual(text('t1:r1:2026-03-02'));
  });

  it('concurrent enqueues of one key leave one row', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => enqueue('same')));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await repo.list()).toHaveLength(1);
  });

  it('works inside an interactive transaction', async () => {
    await db.$transaction(async (tx) => {
      const r = createOutboxRepo(tx);
      await r.enqueue({ key: 'tx', kind: 'reminder', chatId: 'oc_a', message: text('x'), notBefore: T0 });
      await r.enqueue({ key: 'tx', kind: 'reminder', chatId: 'oc_a', message: text('x'), notBefore: T0 });
    });
    expect(await repo.counts()).toEqual({ pending: 1, sending: 0, sent: 0, failed: 0 });
  });
});

describe('claim', () => {
  it('two racing claims: exactly one wins, attempts counts once', async () => {
    const { id } = await enqueue('k');
    const wins = await Promise.all([repo.claim(id, T0), repo.claim(id, T0)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await repo.get(id)).toMatchObject({ status: 'sending', attempts: 1, claimedAt: T0 });
  });

  it('does not claim a row before notBefore, nor a row that is not pending', async () => {
    const { id } = await enqueue('later', at(60_000));
    expect(await repo.claim(id, T0)).toBe(false);
    expect(await repo.claim(id, at(60_000))).toBe(true);
    expect(await repo.claim(id, at(60_000))).toBe(false);
  });
});

describe('findDue', () => {
  it('returns pending rows with notBefore <= now, oldest due first, up to limit', async () => {
    const a = await enqueue('a', at(2000));
    const b = await enqueue('b', at(1000));
    const c = await enqueue('c', at(1000));
    await enqueue('future', at(99_000));
    const claimed = await enqueue('claimed', at(0));
    await repo.claim(claimed.id, T0);
    expect((await repo.findDue(at(5000), 10)).map((r) => r.id)).toEqual([b.id, c.id, a.id]);
    expect((await repo.findDue(at(5000), 2)).map((r) => r.id)).toEqual([b.id, c.id]);
  });
});

describe('state changes', () => {
  it('markSent records the Lark message id and time', async () => {
    const { id } = await enqueue('k');
    await repo.claim(id, T0);
    expect(await repo.markSent(id, 'om_1', at(10))).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'sent', larkMessageId: 'om_1', sentAt: at(10), claimedAt: null });
    expect(await repo.markSent(id, 'om_2', at(20))).toBe(false);
    expect((await repo.get(id))?.larkMessageId).toBe('om_1');
  });

  it('markRetry puts a claimed row back to pending at a later time; only the claim holder can', async () => {
    const { id } = await enqueue('k');
    expect(await repo.markRetry(id, 'not claimed', at(1))).toBe(false);
    await repo.claim(id, T0);
    expect(await repo.markRetry(id, 'HTTP 503', at(30_000))).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503', notBefore: at(30_000), claimedAt: null });
    expect(await repo.findDue(at(29_999), 10)).toEqual([]);
  });

  it('markFailed keeps the row; list shows it; retryFailed gives it a fresh budget', async () => {
    const { id } = await enqueue('k');
    await enqueue('other');
    await repo.claim(id, T0);
    expect(await repo.markFailed(id, 'bot is not in chat oc_a: add it to the group')).toBe(true);
    const failed = await repo.list({ status: 'failed' });
    expect(failed.map((r) => [r.id, r.lastError])).toEqual([[id, 'bot is not in chat oc_a: add it to the group']]);
    expect(await repo.counts()).toEqual({ pending: 1, sending: 0, sent: 0, failed: 1 });

    expect(await repo.retryFailed(id)).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await repo.retryFailed(id)).toBe(false);
    expect((await repo.findDue(T0, 10)).map((r) => r.id)).toContain(id);
  });

  it('clips huge error texts', async () => {
    const { id } = await enqueue('k');
    await repo.claim(id, T0);
    await repo.markFailed(id, 'x'.repeat(5000));
    expect((await repo.get(id))?.lastError?.length).toBe(1000);
  });
});

describe('recoverStale', () => {
  it('requeues only claims older than the timeout, keeping the attempt count', async () => {
    const old = await enqueue('old');
    const fresh = await enqueue('fresh');
    await repo.claim(old.id, T0);
    await repo.claim(fresh.id, at(9 * 60_000));
    expect(await repo.recoverStale(at(10 * 60_000), 10 * 60_000)).toBe(0);
    expect(await repo.recoverStale(at(10 * 60_000 + 1), 10 * 60_000)).toBe(1);
    expect(await repo.get(old.id)).toMatchObject({ status: 'pending', attempts: 1, claimedAt: null });
    expect(await repo.get(fresh.id)).toMatchObject({ status: 'sending' });
  });
});

describe('body encoding', () => {
  it('round-trips messages and rejects junk', () => {
    const card = { msgType: 'interactive' as const, card: { schema: '2.0', body: { elements: [] } } };
    expect(decodeOutboxBody(encodeOutboxBody(card))).toEqual(card);
    expect(() => decodeOutboxBody('{nope')).toThrow(/not valid JSON/);
    expect(() => decodeOutboxBody('{"msgType":"text"}')).toThrow(/not an OutgoingMessage/);
  });
});
