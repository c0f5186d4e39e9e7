// One outbox pass: requeue stale claims, then claim -> throttle -> send -> record each due row.
// Cron only triggers this; all state is in the DB, so a restart loses nothing (style.md rule 3).
import type { LarkGateway, OutgoingMessage } from '../chat/gateway.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { DbTx } from '../store/db.ts';
import { createOutboxRepo, decodeOutboxBody, replyTargetOf, type OutboxMessage, type OutboxRow } from '../store/outbox-repo.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { createSentMarks } from './sent-marks.ts';

type SentMarks = ReturnType<typeof createSentMarks>;
import { classifyFailure, describeError } from './retry-policy.ts';

export const DEFAULT_BATCH_SIZE = 200;
/** Chats served in parallel: enough to reach 50/s when a send takes ~150 ms. */
export const DEFAULT_CONCURRENCY = 8;
/** A send that has not answered by then is treated as a timeout (retried; same uuid, so no duplicate). */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;
/**
 * A claim older than this belongs to a process that died mid-send. Must be well under Lark's 1 h
 * uuid window (the resend must be deduped) and well over DEFAULT_SEND_TIMEOUT_MS (live sends).
 */
export const STALE_CLAIM_MS = 10 * 60_000;

/** Lark uuid (≤50 chars) for a row: stable across retries and restarts, unique per row. */
export const outboxUuid = (id: number) => `duban-outbox-${id}`;

export class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from Lark within ${ms} ms`);
    this.name = 'SendTimeoutError';
  }
}

export interface DispatchDeps {
  db: DbTx;
  gateway: LarkGateway;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  batchSize?: number;
  concurrency?: number;
  sendTimeoutMs?: number;
  staleAfterMs?: number;
  /** For the send timeout; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source for retry times. */
  random?: () => number;
}

export interface DispatchResult {
  sent: number;
  retried: number;
  failed: number;
  /** Due rows left pending for a later pass: claim lost, chat/app paused, or behind a retry in the same chat. */
  deferred: number;
  /** Stale 'sending' rows put back to pending at the start of the pass. */
  recovered: number;
  /** True when another pass on this db was still running, so this one did nothing. */
  busy: boolean;
}

/** Stale claims are looked for at most this often (a pass runs for every reply; claims go stale after minutes). */
export const RECOVER_EVERY_MS = 60_000;

// Per db handle rather than a module flag, so separate databases (tests) don't block each other.
const running = new WeakSet<object>();
const lastRecovery = new WeakMap<object, number>();

export async function dispatchDue(deps: DispatchDeps): Promise<DispatchResult> {
  const result: DispatchResult = { sent: 0, retried: 0, failed: 0, deferred: 0, recovered: 0, busy: false };
  if (running.has(deps.db)) {
    deps.logger.debug('outbox pass skipped: previous pass still running');
    return { ...result, busy: true };
  }
  running.add(deps.db);
  try {
    await runPass(deps, result);
  } finally {
    running.delete(deps.db);
  }
  return result;
}

async function runPass(deps: DispatchDeps, result: DispatchResult): Promise<void> {
  const repo = createOutboxRepo(deps.db);
  const log = deps.logger.child({ component: 'outbox' });
  const now = deps.clock.now();

  const last = lastRecovery.get(deps.db);
  if (last === undefined || Math.abs(now.getTime() - last) >= RECOVER_EVERY_MS) {
    lastRecovery.set(deps.db, now.getTime());
    result.recovered = await repo.recoverStale(now, deps.staleAfterMs ?? STALE_CLAIM_MS);
    if (result.recovered > 0) log.warn('requeued stale outbox claims', { count: result.recovered });
  }

  // One statement claims the whole batch; rows a lane then does not try are released unchanged.
  const due = await repo.claimDue(now, deps.batchSize ?? DEFAULT_BATCH_SIZE);
  if (due.length === 0) return;

  // One lane per chat, rows in enqueue order: a chat's messages go out one at a time, in order;
  // different chats proceed in parallel.
  const lanes = new Map<string, OutboxRow[]>();
  for (const row of due) {
    const lane = lanes.get(row.chatId);
    if (lane) lane.push(row);
    else lanes.set(row.chatId, [row]);
  }
  const queue = [...lanes.values()].map((rows) => rows.sort((a, b) => a.id - b.id));

  const markSent = createSentMarks(repo);
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) await runLane(deps, repo, markSent, log, lane, result);
  };
  const n = Math.max(1, Math.min(deps.concurrency ?? DEFAULT_CONCURRENCY, queue.length));
  await Promise.all(Array.from({ length: n }, worker));

  log.info('outbox pass done', { ...result });
}

type Outcome = 'sent' | 'failed' | 'retried' | 'skipped';

async function runLane(
  deps: DispatchDeps,
  repo: ReturnType<typeof createOutboxRepo>,
  markSent: SentMarks,
  log: Logger,
  rows: OutboxRow[],
  result: DispatchResult,
): Promise<void> {
  const releaseFrom = async (i: number) => {
    result.deferred += rows.length - i;
    await repo.release(rows.slice(i).map((r) => r.id)).catch((err) => log.error('could not release claimed outbox rows', { err: describeError(err) }));
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // Server told us to back off (this chat or the whole app): the rest of the lane waits for later.
    if (deps.limiter.pausedMs(row.chatId) > 0) {
      await releaseFrom(i);
      return;
    }
    const rlog = log.child({ outboxId: row.id, chat: row.chatId, key: row.key, kind: row.kind });
    let outcome: Outcome;
    try {
      outcome = await sendOne(deps, repo, markSent, rlog, row);
    } catch (err) {
      // DB trouble while recording: the row stays 'sending' and recoverStale requeues it later.
      rlog.error('outbox row left unresolved', { err: describeError(err) });
      outcome = 'skipped';
    }
    if (outcome === 'skipped') result.deferred++;
    else result[outcome]++;
    if (outcome === 'retried') {
      // Keep the chat in order: later rows wait for a later pass rather than overtake this one.
      await releaseFrom(i + 1);
      return;
    }
  }
}

/** Replies go to the message they answer (threaded in Lark); everything else to the chat. */
async function sendRow(gateway: LarkGateway, row: OutboxRow, message: OutboxMessage): Promise<{ messageId: string }> {
  const replyTo = replyTargetOf(row.body);
  const send = (m: OutgoingMessage, uuid: string) => (replyTo ? gateway.reply(replyTo, m, { uuid }) : gateway.sendToChat(row.chatId, m, { uuid }));
  if (message.msgType !== 'upload') return send(message, outboxUuid(row.id));
  // A retry uploads again (a spare file key costs nothing); the sends keep their uuids, so no repeat.
  const { fileKey } = await gateway.uploadFile(message.fileName, Buffer.from(message.dataBase64, 'base64'));
  const sent = await send({ msgType: 'file', fileKey }, outboxUuid(row.id));
  if (message.caption) await send({ msgType: 'text', text: message.caption }, `${outboxUuid(row.id)}-caption`);
  return sent;
}

async function sendOne(
  deps: DispatchDeps,
  repo: ReturnType<typeof createOutboxRepo>,
  markSent: SentMarks,
  log: Logger,
  row: OutboxRow,
): Promise<Outcome> {
  // Claimed with the batch (claimDue): attempts already counts this one.
  const attempts = row.attempts;

  let message: OutboxMessage;
  try {
    message = decodeOutboxBody(row.body);
  } catch (err) {
    const reason = `${describeError(err)}: fix the producer of kind '${row.kind}'`;
    await repo.markFailed(row.id, reason);
    log.error('outbox row failed', { reason, attempts });
    return 'failed';
  }

  try {
    await deps.limiter.acquire(row.chatId);
    const { messageId } = await withTimeout(
      sendRow(deps.gateway, row, message),
      deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      deps.sleep,
    );
    await markSent(row.id, messageId, deps.clock.now());
    log.info('outbox row sent', { messageId, attempts });
    return 'sent';
  } catch (err) {
    const decision = classifyFailure(err, attempts, deps.clock.now(), { chatId: row.chatId, random: deps.random });
    if (decision.action === 'fail') {
      await repo.markFailed(row.id, decision.reason);
      log.error('outbox row failed', { reason: decision.reason, attempts });
      return 'failed';
    }
    if (decision.pauseChatMs) deps.limiter.pauseChat(row.chatId, decision.pauseChatMs);
    if (decision.pauseAllMs) deps.limiter.pauseAll(decision.pauseAllMs);
    await repo.markRetry(row.id, decision.reason, decision.at);
    log.warn('outbox row will be retried', {
      reason: decision.reason,
      attempts,
      retryAt: decision.at.toISOString(),
      ...(decision.pauseChatMs ? { pauseChatMs: decision.pauseChatMs } : {}),
      ...(decision.pauseAllMs ? { pauseAllMs: decision.pauseAllMs } : {}),
    });
    return 'retried';
  }
}

/** Races the send against a timer. The late answer, if any, is ignored: the retry reuses the uuid. */
async function withTimeout<T>(p: Promise<T>, ms: number, sleep?: (ms: number) => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = sleep
    ? sleep(ms).then(() => Promise.reject(new SendTimeoutError(ms)))
    : new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SendTimeoutError(ms)), ms);
      });
  // A late rejection of the abandoned send must not become an unhandled rejection.
  p.catch(() => {});
  timeout.catch(() => {});
  try {
    return await Promise.race([p, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
