// Ack first: while messages keep arriving, the worker queue waits for a pause before processing, so
// storing and acknowledging the next ones never shares the CPU with earlier messages' processing;
// a stream that never pauses is still processed, at most the wait cap behind.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { createInboundPipeline } from '../../src/jobs/handle-inbound.ts';
import { openTestDb, type TestDb } from '../support/test-db.ts';
import { flattened, messageEnvelope } from '../integration/helpers.ts';

const NOW = '2027-02-22T09:30:00+08:00';
const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let t: TestDb | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function pipeline(opts: { ackFirstMaxWaitMs: number; arrivalsPauseMs: number }) {
  t = await openTestDb();
  const db = t.db;
  const inbound = createInboundPipeline({ db, clock: fixedClock(NOW), logger: silentLogger, tz: 'Asia/Shanghai', admins: [], officeUnit: '区委依法治区办', ...opts });
  const done = () => db.inboundEvent.count({ where: { status: 'done' } });
  const replies = () => db.outbox.count({ where: { kind: 'reply' } });
  const send = (i: number) => inbound.onMessageEvent(flattened(messageEnvelope(`任务 ${i}`, { chatId: `oc_ackfirst_${i % 3}` })));
  return { inbound, done, replies, send };
}

describe('the worker queue leaves the CPU to the acks', () => {
  it('messages arriving one after another are all stored first, then each answered once', async () => {
    const p = await pipeline({ ackFirstMaxWaitMs: 60_000, arrivalsPauseMs: 250 });
    for (let i = 0; i < 30; i++) {
      await p.send(i);
      await tick();
    }
    // Stored, none processed: the arrivals have not paused yet.
    expect(await t!.db.inboundEvent.count()).toBe(30);
    expect(await p.done()).toBe(0);
    await p.inbound.idle();
    expect(await p.done()).toBe(30);
    expect(await p.replies()).toBe(30);
  });

  it('a stream that never pauses is processed anyway, once a message has waited the cap', async () => {
    const p = await pipeline({ ackFirstMaxWaitMs: 40, arrivalsPauseMs: 250 });
    const until = performance.now() + 400;
    let sent = 0;
    while (performance.now() < until) {
      await p.send(sent++);
      await sleep(2);
    }
    // Still arriving every few ms, never a 250 ms pause: processed all the same, the cap behind.
    const doneWhileArriving = await p.done();
    expect(doneWhileArriving).toBeGreaterThan(0);
    await p.inbound.idle();
    expect(await p.done()).toBe(sent);
    expect(await p.replies()).toBe(sent);
  });

  it('a lone message is processed at once', async () => {
    const p = await pipeline({ ackFirstMaxWaitMs: 60_000, arrivalsPauseMs: 5 });
    await p.send(1);
    await p.inbound.idle();
    expect(await p.done()).toBe(1);
  });
});
