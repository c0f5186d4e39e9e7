import { describe, expect, it } from 'vitest';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from '../../src/outbox/rate-limiter.ts';
import { createManualTime, maxInWindow } from './helpers.ts';

/** Starts acquire(chat) at each given virtual time and returns the grant time of each, in call order. */
async function grants(
  limits: Partial<RateLimits>,
  requests: { chat: string; at?: number }[],
  setup?: (l: ReturnType<typeof createRateLimiter>) => void,
  guard: number | 'default' = 0,
) {
  const time = createManualTime();
  const limiter = createRateLimiter({ limits, now: time.now, sleep: time.sleep, windowGuardMs: guard === 'default' ? undefined : guard });
  setup?.(limiter);
  const out: number[] = new Array(requests.length);
  const all = requests.map(async (r, i) => {
    if (r.at) await time.sleep(r.at);
    await limiter.acquire(r.chat);
    out[i] = time.now();
  });
  await time.run();
  await Promise.all(all);
  return out;
}

const many = (n: number, chat: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ chat: chat(i) }));

describe('rate limiter windows', () => {
  it('defaults follow Lark: 50/s and 1000/min per app, 5/s per chat', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({ appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 });
  });

  it('per chat: at most K per second', async () => {
    expect(await grants({ chatPerSecond: 2 }, many(5, () => 'oc_a'))).toEqual([0, 0, 1000, 1000, 2000]);
  });

  it('by default each window is 50 ms longer, so bunched arrivals at Lark stay within its count', async () => {
    expect(await grants({ chatPerSecond: 2 }, many(5, () => 'oc_a'), undefined, 'default')).toEqual([0, 0, 1050, 1050, 2100]);
  });

  it('per app: at most N per second across chats', async () => {
    expect(await grants({ appPerSecond: 3 }, many(7, (i) => `oc_${i}`))).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it('per app: at most M per minute', async () => {
    expect(await grants({ appPerSecond: 10, appPerMinute: 4 }, many(6, (i) => `oc_${i}`))).toEqual([0, 0, 0, 0, 60_000, 60_000]);
  });

  it('windows slide from each grant, not fixed buckets', async () => {
    // A fixed 1 s bucket would let both t=600 requests through at t=1000; a sliding window frees
    // one slot at 1000 (the t=0 grant leaves) and the next at 1600.
    const got = await grants({ appPerSecond: 2 }, [{ chat: 'a' }, { chat: 'b', at: 600 }, { chat: 'c', at: 600 }, { chat: 'd', at: 600 }]);
    expect(got).toEqual([0, 600, 1000, 1600]);
  });

  it('a busy chat does not hold up other chats', async () => {
    const got = await grants({ chatPerSecond: 1 }, [{ chat: 'a' }, { chat: 'a' }, { chat: 'b' }]);
    expect(got).toEqual([0, 1000, 0]);
  });

  it('never exceeds any limit under a random load, and reaches the app rate', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const requests = Array.from({ length: 400 }, () => ({ chat: `oc_${Math.floor(rnd() * 30)}`, at: Math.floor(rnd() * 3000) }));
    const got = await grants({}, requests);
    expect(maxInWindow(got, 1000)).toBeLessThanOrEqual(50);
    expect(maxInWindow(got, 60_000)).toBeLessThanOrEqual(1000);
    for (let c = 0; c < 30; c++) {
      const mine = got.filter((_, i) => requests[i].chat === `oc_${c}`);
      expect(maxInWindow(mine, 1000)).toBeLessThanOrEqual(5);
    }
    // Throughput: 400 sends at 50/s need at least 8 s; no idle gaps beyond that.
    expect(maxInWindow(got, 1000)).toBe(50);
    expect(Math.max(...got)).toBeLessThan(9000);
  });
});

describe('rate limiter pauses', () => {
  it('pauseChat holds only that chat', async () => {
    const got = await grants({}, [{ chat: 'a' }, { chat: 'b' }], (l) => l.pauseChat('a', 5000));
    expect(got).toEqual([5000, 0]);
  });

  it('pauseAll holds every chat', async () => {
    const got = await grants({}, [{ chat: 'a' }, { chat: 'b' }], (l) => l.pauseAll(3000));
    expect(got).toEqual([3000, 3000]);
  });

  it('reports pauses and waits without recording anything', () => {
    let t = 0;
    const l = createRateLimiter({ limits: { chatPerSecond: 1 }, now: () => t, sleep: async () => {}, windowGuardMs: 0 });
    l.pauseChat('a', 2000);
    l.pauseChat('a', 500); // a shorter pause does not cut a longer one short
    expect(l.pausedMs('a')).toBe(2000);
    expect(l.pausedMs('b')).toBe(0);
    expect(l.waitMs('b')).toBe(0);
    expect(l.waitMs('b')).toBe(0);
    l.pauseAll(3000);
    expect(l.pausedMs('b')).toBe(3000);
    t = 3000;
    expect(l.pausedMs('a')).toBe(0);
  });

  it('rejects nonsense limits', () => {
    expect(() => createRateLimiter({ limits: { chatPerSecond: 0 } })).toThrow(/chatPerSecond/);
  });
});
