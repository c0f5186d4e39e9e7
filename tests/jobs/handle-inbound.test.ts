// Ack first: while messages arrive in a burst, the worker queue waits for it to end before processing,
// so storing and acknowledging the next ones does not share the CPU with earlier messages' processing;
// a burst that never ends is still processed, at most the wait cap behind; a lone message at once.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { BURST_ARRIVALS, createInboundPipeline } from '../../src/jobs/handle-inbound.ts';
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

async function pipeline(opts: { ackFirstMaxWaitMs: number; burstWindowMs: number }) {
  t = await openTestDb();
  const db = t.db;
  const inbound = createInboundPipeline({ db, clock: fixedClock(NOW), logger: silentLogger, tz: 'Asia/Shanghai', admins: [], officeUnit: '区委依法治区办', ...opts });
  const done = () => db.inboundEvent.count({ where: { status: 'done' } });
  const replies = () => db.outbox.count({ where: { kind: 'reply' } });
  const send = (i: number) => inbound.onMessageEvent(flattened(messageEnvelope(`任务 ${i}`, { chatId: `oc_ackfirst_${i % 3}` })));
  return { inbound, done, replies, send };
}

describe('the worker queue leaves the CPU to the acks', () => {
  it('a burst is stored first, then each message answered once', async () => {
    const p = await pipeline({ ackFirstMaxWaitMs: 60_000, burstWindowMs: 1_000 });
    for (let i = 0; i < 30; i++) {
      await p.send(i);
      await tick();
    }
    // All stored; processed only those that came before the burst showed (eight arrivals within the window).
    expect(await t!.db.inboundEvent.count()).toBe(30);
    expect(await p.done()).toBeLessThan(BURST_ARRIVALS);
    await p.inbound.idle();
    expect(await p.done()).toBe(30);
    expect(await p.replies()).toBe(30);
  });

  it('a burst that does not end is processed anyway, once a message has waited the cap', async () => {
    const p = await pipeline({ ackFirstMaxWaitMs: 40, burstWindowMs: 1_000 });
    const until = performance.now() + 400;
    let sent = 0;
    while (performance.now() < until) {
      await p.send(sent++);
      await sleep(2);
    }
    // Still arriving every few ms, the burst never over: processed all the same, the cap behind.
    const doneWhileArriving = await p.done();
    expect(doneWhileArriving).toBeGreaterThan(0);
    await p.inbound.idle();
    expect(await p.done()).toBe(sent);
    expect(await p.replies()).toBe(sent);
  });

  it('a lone message is processed at once (no burst: nothing to wait for)', async () => {
    // Were it held, it would wait the minute and the test time out.
    const p = await pipeline({ ackFirstMaxWaitMs: 60_000, burstWindowMs: 60_000 });
    await p.send(1);
    await p.inbound.idle();
    expect(await p.done()).toBe(1);
  });
});
