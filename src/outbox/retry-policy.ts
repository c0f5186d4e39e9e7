// What to do after a failed send: retry later (and maybe slow down) or give up with a hint the
// operator can act on. Codes and handling follow lark.md §3.3.
import { AppError, LarkApiError } from '../errors.ts';

/** Claims per row before it is marked failed for good (the row stays, visible to the operator). */
export const MAX_ATTEMPTS = 8;
/**
 * Rate-limit answers mean "not now", not "bad message", and Lark says to repeat until success;
 * a separate, larger cap still stops a row from cycling forever if something is badly wrong.
 */
export const MAX_THROTTLED_ATTEMPTS = 30;
// 15 s doubling to a 5 min cap: all MAX_ATTEMPTS tries fit in ~18 min, inside Lark's 1 h uuid
// dedupe window, so a timeout that Lark actually delivered cannot turn into a duplicate on retry.
export const BACKOFF_BASE_MS = 15_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
// 230020 (this group is over 5 msg/s, shared by every bot in it): short, growing per-chat pause.
export const CHAT_BACKOFF_BASE_MS = 1_000;
export const CHAT_BACKOFF_CAP_MS = 30_000;
/** 429 without an x-ogw-ratelimit-reset header: the app windows are 1 s / 1 min. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

export const CODE_APP_RATE_LIMIT = 99991400;
export const CODE_CHAT_RATE_LIMIT = 230020;

export type FailureDecision =
  | { action: 'retry'; at: Date; reason: string; pauseChatMs?: number; pauseAllMs?: number }
  | { action: 'fail'; reason: string };

export interface ClassifyOptions {
  /** For hints ("bot is not in chat oc_x"). */
  chatId?: string;
  /** Uniform [0, 1); injectable so tests get exact times. */
  random?: () => number;
}

// Errors that will not fix themselves: retrying only burns attempts. Each carries the one line an
// operator needs (probot get-error-handler style).
const PERMANENT: Record<number, (chat: string) => string> = {
  230001: (chat) => `Lark rejected the message parameters for chat ${chat}: check the message body/card JSON`,
  230002: (chat) => `bot is not in chat ${chat}: add it to the group`,
  230006: () => 'bot ability is not enabled for the app: turn on "Bot" in the developer console and publish a version',
  230013: (chat) => `bot is not available to the receiver of ${chat}: widen the app's availability range`,
  230025: () => 'message too long (text ≤150 KB, card ≤30 KB): shorten the content',
  230027: (chat) => `app lacks permission to send to chat ${chat}: grant im:message (send as bot) and publish a version`,
  230099: () => 'Lark could not build the card: check the card JSON',
  99991672: () => 'app lacks an API scope: grant it in the developer console and publish a version',
};

export function describeError(err: unknown): string {
  if (err instanceof LarkApiError) return err.logId ? `${err.message} (log_id ${err.logId})` : err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Exponential backoff with "equal jitter": somewhere in [d/2, d), so retries spread but never bunch at 0. */
export function backoffMs(attempts: number, base: number, cap: number, random: () => number): number {
  const d = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

/**
 * attempts = claims so far including the one that just failed (the claim increments it).
 * Unknown Lark codes, 5xx, timeouts and network errors are treated as transient: bounded by
 * MAX_ATTEMPTS, so a misjudged permanent error still ends up failed, just later.
 */
export function classifyFailure(err: unknown, attempts: number, now: Date, opts: ClassifyOptions = {}): FailureDecision {
  const random = opts.random ?? Math.random;
  const chat = opts.chatId ?? '?';
  const what = describeError(err);
  const at = (ms: number) => new Date(now.getTime() + ms);

  if (err instanceof AppError) return { action: 'fail', reason: what };

  if (err instanceof LarkApiError) {
    const hint = PERMANENT[err.code];
    if (hint) return { action: 'fail', reason: `${hint(chat)} [${what}]` };

    if (err.code === CODE_APP_RATE_LIMIT || err.httpStatus === 429) {
      if (attempts >= MAX_THROTTLED_ATTEMPTS) return giveUp(attempts, what);
      const wait = err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
      // Small spread after the reset so parked rows don't all hit the fresh window at once.
      const spread = Math.round(random() * Math.min(1000, wait / 10));
      return { action: 'retry', at: at(wait + spread), reason: what, pauseAllMs: wait };
    }

    if (err.code === CODE_CHAT_RATE_LIMIT) {
      if (attempts >= MAX_THROTTLED_ATTEMPTS) return giveUp(attempts, what);
      const wait = Math.max(err.retryAfterMs ?? 0, backoffMs(attempts, CHAT_BACKOFF_BASE_MS, CHAT_BACKOFF_CAP_MS, random));
      return { action: 'retry', at: at(wait), reason: what, pauseChatMs: wait };
    }
  }

  if (attempts >= MAX_ATTEMPTS) return giveUp(attempts, what);
  return { action: 'retry', at: at(backoffMs(attempts, BACKOFF_BASE_MS, BACKOFF_CAP_MS, random)), reason: what };
}

function giveUp(attempts: number, what: string): FailureDecision {
  return { action: 'fail', reason: `gave up after ${attempts} attempts: ${what}` };
}
