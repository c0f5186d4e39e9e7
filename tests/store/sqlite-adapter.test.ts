// The SQLite connection's queue: one statement at a time, in order, each on a later turn of the event
// loop, so a message's processing (a chain of statements) lets waiting requests be acknowledged.
import { describe, expect, it } from 'vitest';
import { createSerialLock } from '../../src/store/sqlite-adapter.ts';

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
