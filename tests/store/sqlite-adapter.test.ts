// The SQLite connection's queue: one statement at a time, in order, each on a later turn of the event
// loop, so a message's processing (a chain of statements) lets waiting requests be acknowledged.
import { describe, expect, it } from 'vitest';
import { createSerialLock, MAX_GIVE_WAY } from '../../src/store/sqlite-adapter.ts';

describe('the SQLite statement queue', () => {
  it('runs holders one at a time, in the order they asked', async () => {
    const lock = createSerialLock();
    const log: string[] = [];
    const slow = lock.run(async () => {
      log.push('a start');
      await new Promise((r) => setTimeout(r, 5));
      log.push('a end');
    });
    const fast = lock.run(async () => void log.push('b'));
    await Promise.all([slow, fast]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('a chain of statements gives way to work that arrived meanwhile (a request to acknowledge)', async () => {
    const lock = createSerialLock();
    const order: string[] = [];
    const processing = (async () => {
      for (let i = 0; i < 5; i++) await lock.run(async () => void order.push(`statement ${i}`));
    })();
    // Stands for a request read from a socket while the chain runs.
    setImmediate(() => order.push('request'));
    await processing;
    expect(order).toHaveLength(6);
    expect(order.indexOf('request')).toBeLessThan(2);
  });

  it('a holder that throws releases the lock', async () => {
    const lock = createSerialLock();
    await expect(lock.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run(async () => 'next')).toBe('next');
  });
});

describe('urgent holders (the insert an ack waits for)', () => {
  it('go before ordinary ones that asked earlier, in their own order', async () => {
    const lock = createSerialLock();
    const order: string[] = [];
    await Promise.all([
      lock.run(async () => void order.push('processing 1')),
      lock.run(async () => void order.push('processing 2')),
      lock.run(async () => void order.push('ack 1'), true),
      lock.run(async () => void order.push('ack 2'), true),
    ]);
    expect(order).toEqual(['ack 1', 'ack 2', 'processing 1', 'processing 2']);
  });

  it('never hold an ordinary holder back for more than a few turns, however many keep coming', async () => {
    const lock = createSerialLock();
    let acks = 0;
    let stop = false;
    // A flood: a new urgent holder on every turn of the event loop.
    const flood = (async () => {
      while (!stop) {
        void lock.run(async () => void acks++, true);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const before = acks;
    await lock.run(async () => undefined);
    const ranBefore = acks - before;
    stop = true;
    await flood;
    expect(ranBefore).toBeLessThanOrEqual(MAX_GIVE_WAY + 1);
  });

  it('waits for a holder that has the connection (a transaction is never cut into)', async () => {
    const lock = createSerialLock();
    const order: string[] = [];
    const release = await lock.acquire();
    const ack = lock.run(async () => void order.push('ack'), true);
    await new Promise((r) => setTimeout(r, 5));
    order.push('transaction ends');
    release();
    await ack;
    expect(order).toEqual(['transaction ends', 'ack']);
  });
});
