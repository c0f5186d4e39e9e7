// Lark event → stored (deduped on event_id and message_id) → acknowledged → processed by a worker:
// claim → router → command → reply into the outbox → done. Storing is one short insert that never waits
// for another message's processing, so the ack keeps Lark's pace. Processing holds no transaction:
// every effect is idempotent per message (a progress report keyed msg:<message id>, the reply keyed
// reply:<event id>), so a crash at any point is repaired by processing the message again: a row still
// 'received', or 'processing' with a claim older than the lease, is taken up by the next pass.
import type { Db } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { flattenIfEnvelope, toCardAction, toInboundMessage, type InboundMessage } from '../chat/inbound.ts';
import { routeMessage, type ChatContext, type ChatMessage, type Reply } from '../chat/router.ts';
import { handleCardAction, type CardActionResult } from '../chat/card-action.ts';
import { createInboundRepo } from '../store/inbound-repo.ts';
import type { OutboxMessage } from '../store/outbox-repo.ts';
import { remindersOfMessage } from './queue-reminders.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';
import type { EvidenceCollector } from '../evidence/outcome.ts';

// A message whose processing keeps throwing is parked as 'failed' (visible, never silently dropped).
export const MAX_INBOUND_ATTEMPTS = 5;
/** A claim older than this belongs to a worker that died (or a replica that stopped): another takes it. */
export const INBOUND_LEASE_MS = 60_000;
/** Messages processed at once. Different chats only: one chat's messages are processed in order. */
export const DEFAULT_INBOUND_WORKERS = 4;
/**
 * While messages arrive in a burst, processing waits (storing and acknowledging them comes first: in a
 * burst, processing took 40 % of the CPU the acks needed), but no message waits longer than this after
 * it was queued: a storm that never ends is processed as it goes on, a second behind.
 */
export const ACK_FIRST_MAX_WAIT_MS = 1_000;
/**
 * A burst: the last BURST_ARRIVALS messages arrived within BURST_WINDOW_MS (500 a second or more).
 * A pace, not a pause: a loop busy acknowledging reads the next requests late, so a gap since the last
 * arrival would show pauses that are not there (a 2 ms gap rule let processing in; this one gave the
 * acks +15 %, npm run bench -- chat); a steady 200 a second is no burst and waits for nothing.
 */
export const BURST_ARRIVALS = 8;
export const BURST_WINDOW_MS = 16;
// How long a card callback waits for the reporter's name (its whole answer must be under Lark's 3 s).
const NAME_WAIT_MS = 500;
const PENDING_PAGE = 100;

export interface InboundDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  tz: string;
  admins: string[];
  officeUnit: string;
  botOpenId?: () => string | undefined;
  groupsOf?: (openId: string) => Promise<string[]>;
  /** The sender's display name, when Lark tells (kept with each progress report). */
  userName?: (openId: string) => Promise<string | null>;
  /** The scheduler's policy and calendar, so chat answers light deadlines as the reminders do (defaults when absent). */
  policy?: ReminderPolicy;
  calendar?: WorkCalendar;
  /** The board's public base URL (digest answers link to it). */
  boardUrl?: string;
  /** Called after replies were queued, so the dispatcher can send them now rather than at the next tick. */
  onQueued?: () => void;
  /** Test knob (DUBAN_INBOUND_DELAY_MS): wait this long between the ack and processing. Default 0. */
  processDelayMs?: number;
  /** Messages processed at once (different chats). Default DEFAULT_INBOUND_WORKERS. */
  workers?: number;
  /** Stores evidence (files, images, links sent in chat): see jobs/collect-evidence.ts. */
  evidence?: EvidenceCollector;
  /** How long a message's processing waits at most for a burst to end. Default ACK_FIRST_MAX_WAIT_MS. */
  ackFirstMaxWaitMs?: number;
  /** BURST_ARRIVALS arrivals within this long are a burst. Default BURST_WINDOW_MS. */
  burstWindowMs?: number;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

interface QueuedRow {
  id: number;
  eventId: string;
  /** The lane: messages of one chat are processed one at a time, in arrival order. */
  chatId: string;
  payload: string;
  /** The message as read when it arrived (this process): not read from the payload again. */
  message?: InboundMessage;
  /** performance.now() when it was queued here. */
  queuedAt: number;
}

export function toOutboxMessage(reply: Reply): OutboxMessage {
  switch (reply.kind) {
    case 'text':
      return { msgType: 'text', text: reply.text };
    case 'card':
      return { msgType: 'interactive', card: reply.card };
    case 'file':
      return { msgType: 'upload', fileName: reply.fileName, dataBase64: reply.data.toString('base64'), caption: reply.caption };
  }
}

/** Lark's callback response carries a new card as `{type: 'raw', data: <card JSON>}` (notes §1.9), not bare. */
export function toCallbackResponse(res: CardActionResult): object {
  return res.card ? { toast: res.toast, card: { type: 'raw', data: res.card } } : { toast: res.toast };
}

export function createInboundPipeline(deps: InboundDeps) {
  const repo = createInboundRepo(deps.db);
  const log = deps.logger.child({ component: 'inbound' });
  const workers = Math.max(1, deps.workers ?? DEFAULT_INBOUND_WORKERS);
  const maxWait = deps.ackFirstMaxWaitMs ?? ACK_FIRST_MAX_WAIT_MS;
  const windowMs = deps.burstWindowMs ?? BURST_WINDOW_MS;

  // When the last BURST_ARRIVALS messages arrived: `arrivedAt[oldest]` is the earliest of them.
  const arrivedAt = new Array<number>(BURST_ARRIVALS).fill(-Infinity);
  let oldest = 0;
  const noteArrival = () => {
    arrivedAt[oldest] = performance.now();
    oldest = (oldest + 1) % BURST_ARRIVALS;
  };
  // A message's processing starts when no burst is going on, one message at a time through the gate
  // (so the workers do not all start in the same moment), or once it has waited maxWait since it was queued.
  let gate: Promise<void> = Promise.resolve();
  const afterBurst = (row: QueuedRow): Promise<void> => (gate = gate.then(() => waitOutBurst(row.queuedAt + maxWait)));
  async function waitOutBurst(until: number): Promise<void> {
    await yieldToIo();
    for (let now = performance.now(); now < until && now - arrivedAt[oldest] < windowMs; now = performance.now()) {
      // A timer, not another immediate: waiting leaves the CPU to the acks instead of spinning.
      const wait = Math.min(until, arrivedAt[oldest] + windowMs) - now;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }

  const chatContext = (groups?: { openId: string; chatIds: string[] }): ChatContext => ({
    db: deps.db,
    now: deps.clock.now(),
    tz: deps.tz,
    admins: deps.admins,
    officeUnit: deps.officeUnit,
    // Asked of Lark before routing (see processOne), so routing itself makes no network call.
    groupsOf: groups ? async (openId) => (openId === groups.openId ? groups.chatIds : []) : undefined,
    policy: deps.policy,
    calendar: deps.calendar,
    boardUrl: deps.boardUrl,
    evidence: deps.evidence,
  });

  async function toChatMessage(m: InboundMessage): Promise<ChatMessage> {
    const msg: ChatMessage = {
      chatId: m.chatId,
      chatType: m.chatType,
      senderOpenId: m.senderOpenId,
      senderName: (await deps.userName?.(m.senderOpenId)) ?? undefined,
      text: m.text,
      mentionsBot: m.mentionsBot,
      messageId: m.messageId,
      parentId: m.parentId,
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.links ? { links: m.links } : {}),
    };
    if (m.parentId) {
      const carried = await remindersOfMessage(deps.db, m.parentId);
      // A reply to a card with one item is progress on that item; with several the text must name the task.
      if (carried.length === 1) msg.quotedReminder = carried[0];
      else if (carried.length > 1) msg.quotedReminders = carried;
    }
    return msg;
  }

  /** One message: claimed (or left to whoever has it), routed, answered into the outbox, marked done. */
  async function processOne(row: QueuedRow): Promise<boolean> {
    const elog = log.child({ eventId: row.eventId, chat: row.chatId });
    if (!(await repo.claim(row.id, deps.clock.now(), INBOUND_LEASE_MS))) {
      elog.debug('message handled elsewhere');
      return false;
    }
    try {
      const parsed = row.message ?? toInboundMessage(JSON.parse(row.payload), deps.botOpenId?.());
      if ('ignored' in parsed) {
        await repo.markDone(row.id, deps.clock.now());
        return true;
      }
      const msg = await toChatMessage(parsed);
      // A direct chat may need the asker's groups (for "my tasks"): a Lark call, made before routing.
      const groups =
        msg.chatType === 'p2p' && deps.groupsOf ? { openId: msg.senderOpenId, chatIds: await deps.groupsOf(msg.senderOpenId) } : undefined;
      const reply = await routeMessage(chatContext(groups), msg);
      const now = deps.clock.now();
      await repo.finish(
        row.id,
        now,
        reply ? { key: `reply:${row.eventId}`, kind: 'reply', chatId: msg.chatId, message: toOutboxMessage(reply), notBefore: now, replyTo: msg.messageId } : undefined,
      );
      elog.info('message handled', { messageId: msg.messageId });
      if (reply) deps.onQueued?.();
      return true;
    } catch (e) {
      const outcome = await repo.markAttemptFailed(row.id, (e as Error).message, MAX_INBOUND_ATTEMPTS);
      elog.error('message handling failed', { err: e as Error, outcome });
      return false;
    }
  }

  // ---- the worker queue: lanes per chat, `workers` lanes at a time ----------------------------
  const lanes = new Map<string, QueuedRow[]>();
  const busy = new Set<string>();
  const known = new Set<number>();
  let active = 0;
  let processed = 0;
  let idleWaiters: (() => void)[] = [];

  const isIdle = () => active === 0 && lanes.size === 0;

  function enqueue(row: QueuedRow): void {
    if (known.has(row.id)) return;
    known.add(row.id);
    const lane = lanes.get(row.chatId);
    if (lane) lane.push(row);
    else lanes.set(row.chatId, [row]);
    pump();
  }

  function pump(): void {
    while (active < workers) {
      let chat: string | undefined;
      for (const [c] of lanes) {
        if (!busy.has(c)) {
          chat = c;
          break;
        }
      }
      if (chat === undefined) return;
      const lane = lanes.get(chat)!;
      const row = lane.shift()!;
      // Round-robin: the chat goes to the back of the line for its next message.
      lanes.delete(chat);
      if (lane.length) lanes.set(chat, lane);
      busy.add(chat);
      active++;
      // Processing waits out a burst of arrivals, and at least for the next turn of the event loop:
      // requests that arrived meanwhile are stored and acknowledged first (the SQLite statements are
      // synchronous, so a chain of them would otherwise run to its end before any new request is read).
      void afterBurst(row)
        .then(() => processOne(row))
        .then((done) => void (done && processed++))
        .catch((e) => log.error('inbound worker failed', { eventId: row.eventId, err: e as Error }))
        .finally(() => {
          known.delete(row.id);
          busy.delete(chat!);
          active--;
          pump();
          if (isIdle()) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  const idle = (): Promise<void> => (isIdle() ? Promise.resolve() : new Promise((r) => idleWaiters.push(r)));

  function rowOf(r: { id: number; eventId: string; payload: string }): QueuedRow {
    let chatId = '';
    try {
      chatId = String((flattenIfEnvelope(JSON.parse(r.payload)) as { message?: { chat_id?: unknown } }).message?.chat_id ?? '');
    } catch {
      // unreadable payload: its own lane; processOne marks it
    }
    return { id: r.id, eventId: r.eventId, chatId, payload: r.payload, queuedAt: performance.now() };
  }

  /**
   * Takes up every stored message not yet done (left by a crash or a restart, a failed attempt, or a
   * worker that died holding its claim) and waits until the queue is empty. Returns how many were handled.
   */
  async function processPending(): Promise<number> {
    const before = processed;
    for (let after = 0; ; ) {
      const rows = await repo.pending(PENDING_PAGE, after, deps.clock.now(), INBOUND_LEASE_MS);
      for (const r of rows) enqueue(rowOf(r));
      if (rows.length < PENDING_PAGE) break;
      after = rows[rows.length - 1].id;
    }
    await idle();
    return processed - before;
  }

  return {
    /** The receiver's handler for im.message.receive_v1: store and return (ack); a worker processes it. */
    async onMessageEvent(raw: unknown): Promise<void> {
      noteArrival();
      const parsed = toInboundMessage(raw, deps.botOpenId?.());
      if ('ignored' in parsed) {
        log.debug('message ignored', { reason: parsed.ignored });
        return;
      }
      const payload = JSON.stringify(raw);
      const r = await repo.store({ eventId: parsed.eventId, messageId: parsed.messageId, type: 'message', payload, now: deps.clock.now() });
      if (!r.stored) {
        log.info('duplicate delivery ignored', { eventId: parsed.eventId, messageId: parsed.messageId, duplicateOf: r.duplicateOf });
        return;
      }
      const row = { id: r.id, eventId: parsed.eventId, chatId: parsed.chatId, payload, message: parsed, queuedAt: performance.now() };
      if (deps.processDelayMs) setTimeout(() => enqueue({ ...row, queuedAt: performance.now() }), deps.processDelayMs).unref();
      else enqueue(row);
    },

    /** card.action.trigger: answered within Lark's 3 s with a toast and the updated card. */
    async onCardAction(raw: unknown): Promise<object> {
      const action = toCardAction(raw);
      const r = await repo.store({ eventId: action.eventId, messageId: null, type: 'card', payload: JSON.stringify(raw), now: deps.clock.now() });
      if (!r.stored) return r.response ? (JSON.parse(r.response) as object) : {};
      // The callback must be answered within 3 s: a name Lark is slow to give is left out.
      const name = deps.userName
        ? await Promise.race([deps.userName(action.openId), new Promise<null>((r) => setTimeout(() => r(null), NAME_WAIT_MS).unref())])
        : null;
      try {
        const result = await handleCardAction(chatContext(), { ...action, name: name ?? undefined });
        const res = toCallbackResponse(result);
        await repo.markDone(r.id, deps.clock.now(), res);
        log.info('card action handled', { eventId: action.eventId, chat: action.chatId });
        if (result.queued) deps.onQueued?.();
        return res;
      } catch (e) {
        await repo.markAttemptFailed(r.id, (e as Error).message, 1);
        log.error('card action failed', { eventId: action.eventId, err: e as Error });
        return { toast: { type: 'error', content: '提交未成功，请稍后重试或发送「进度 任务号 …」' } };
      }
    },

    processPending,
    /** Resolves when no message is queued or being processed (tests, shutdown). */
    idle,
  };
}
