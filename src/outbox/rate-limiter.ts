// Client-side throttle for message sends, so we stay under Lark's limits instead of learning them
// from 429s: per app 50/s and 1000/min, per chat 5/s (lark.md §3.2; the chat limit is shared by
// every bot in the group, so ours alone may still hit 230020). Sliding windows over grant times.
// Time and sleep are injected so tests step a fake clock instead of waiting.
import { AppError } from '../errors.ts';

export interface RateLimits {
  appPerSecond: number;
  appPerMinute: number;
  chatPerSecond: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({ appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 });

export interface RateLimiterOptions {
  limits?: Partial<RateLimits>;
  /** Milliseconds since epoch (or any monotonic origin). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Added to every window. Grants are counted when a send starts, but Lark counts arrivals; with several
   * sends in flight, latency jitter can bunch arrivals so that a window of exactly one second at Lark holds
   * one more than ours did, and a single 429 pauses the whole app. Default 50 ms.
   */
  windowGuardMs?: number;
}

export interface RateLimiter {
  /** Resolves once a send to chatId fits in every window (and no pause applies); records the send. */
  acquire(chatId: string): Promise<void>;
  /** Server said this chat is over its limit (230020): hold sends to it for ms. */
  pauseChat(chatId: string, ms: number): void;
  /** Server said the app is over its limit (429 / 99991400): hold all sends for ms. */
  pauseAll(ms: number): void;
  /** How long acquire(chatId) would wait right now; 0 = a slot is free. Does not record anything. */
  waitMs(chatId: string): number;
  /** Remaining server-imposed pause for chatId (app-wide or per chat); 0 = none. */
  pausedMs(chatId: string): number;
}

const DEFAULT_WINDOW_GUARD_MS = 50;
// Forget idle chats once the map grows, so a long-running process does not keep every chat ever seen.
const SWEEP_ABOVE_CHATS = 256;

// Not unref'd: a wait for a send slot is work in progress, and a process with nothing else to do (piped
// console input at its end, a CLI pass) must not exit while a queued message still waits for its slot.
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Grant times in ascending order; drops those that left the window. */
function prune(times: number[], now: number, windowMs: number): void {
  let i = 0;
  while (i < times.length && times[i] <= now - windowMs) i++;
  if (i > 0) times.splice(0, i);
}

/** Wait until the window has room for one more: the (len-limit)-th oldest grant must leave it. */
function windowWait(times: number[], limit: number, windowMs: number, now: number): number {
  if (times.length < limit) return 0;
  return times[times.length - limit] + windowMs - now;
}

export function createRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...opts.limits };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 1) throw new AppError('config', `rate limit ${k} must be a positive integer, got ${v}`);
  }
  const guard = opts.windowGuardMs ?? DEFAULT_WINDOW_GUARD_MS;
  const SECOND = 1000 + guard;
  const MINUTE = 60_000 + guard;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;

  const appSecond: number[] = [];
  const appMinute: number[] = [];
  const chats = new Map<string, number[]>();
  const chatPausedUntil = new Map<string, number>();
  let allPausedUntil = 0;

  const sweep = (t: number) => {
    for (const [id, times] of chats) {
      prune(times, t, SECOND);
      if (times.length === 0) chats.delete(id);
    }
    for (const [id, until] of chatPausedUntil) if (until <= t) chatPausedUntil.delete(id);
  };

  const pausedMs = (chatId: string, t = now()) => Math.max(0, allPausedUntil - t, (chatPausedUntil.get(chatId) ?? 0) - t);

  const waitMs = (chatId: string, t = now()): number => {
    prune(appSecond, t, SECOND);
    prune(appMinute, t, MINUTE);
    const chat = chats.get(chatId);
    if (chat) prune(chat, t, SECOND);
    return Math.max(
      0,
      pausedMs(chatId, t),
      windowWait(appSecond, limits.appPerSecond, SECOND, t),
      windowWait(appMinute, limits.appPerMinute, MINUTE, t),
      chat ? windowWait(chat, limits.chatPerSecond, SECOND, t) : 0,
    );
  };

  return {
    async acquire(chatId) {
      for (;;) {
        const t = now();
        const wait = waitMs(chatId, t);
        if (wait <= 0) {
          // Check and record happen in one synchronous step, so concurrent callers cannot overbook.
          appSecond.push(t);
          appMinute.push(t);
          const chat = chats.get(chatId);
          if (chat) chat.push(t);
          else chats.set(chatId, [t]);
          if (chats.size > SWEEP_ABOVE_CHATS) sweep(t);
          return;
        }
        await sleep(wait);
      }
    },
    pauseChat(chatId, ms) {
      const until = now() + Math.max(0, ms);
      if (until > (chatPausedUntil.get(chatId) ?? 0)) chatPausedUntil.set(chatId, until);
    },
    pauseAll(ms) {
      allPausedUntil = Math.max(allPausedUntil, now() + Math.max(0, ms));
    },
    waitMs: (chatId) => waitMs(chatId),
    pausedMs: (chatId) => pausedMs(chatId),
  };
}
