// Lark event → stored (deduped on event_id and message_id) → acknowledged → processed from the store:
// router → command → reply into the outbox, all in one transaction. A crash after the ack loses nothing
// (the row is still 'received' and the next start processes it); a crash mid-way rolls back cleanly.
import type { Db } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { toCardAction, toInboundMessage, type InboundMessage } from '../chat/inbound.ts';
import { routeMessage, type ChatContext, type ChatMessage, type Reply } from '../chat/router.ts';
import { handleCardAction, type CardActionResult } from '../chat/card-action.ts';
import { createInboundRepo } from '../store/inbound-repo.ts';
import { createOutboxRepo, type OutboxMessage } from '../store/outbox-repo.ts';
import { remindersOfMessage } from './queue-reminders.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';

// A message whose processing keeps throwing is parked as 'failed' (visible, never silently dropped).
export const MAX_INBOUND_ATTEMPTS = 5;
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
  let running: Promise<number> | null = null;
  let again = false;

  const chatContext = (db: Db, groups?: { openId: string; chatIds: string[] }): ChatContext => ({
    db,
    now: deps.clock.now(),
    tz: deps.tz,
    admins: deps.admins,
    officeUnit: deps.officeUnit,
    // Asked of Lark before the transaction (see processOne), so no network call holds the database.
    groupsOf: groups ? async (openId) => (openId === groups.openId ? groups.chatIds : []) : undefined,
    policy: deps.policy,
    calendar: deps.calendar,
    boardUrl: deps.boardUrl,
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
    };
    if (m.parentId) {
      const carried = await remindersOfMessage(deps.db, m.parentId);
      // A reply to a card with one item is progress on that item; with several the text must name the task.
      if (carried.length === 1) msg.quotedReminder = carried[0];
      else if (carried.length > 1) msg.quotedReminders = carried;
    }
    return msg;
  }

  async function processOne(row: { id: number; eventId: string; payload: string }): Promise<void> {
    const parsed = toInboundMessage(JSON.parse(row.payload), deps.botOpenId?.());
    const elog = log.child({ eventId: row.eventId });
    if ('ignored' in parsed) {
      await repo.markDone(row.id, deps.clock.now());
      return;
    }
    const msg = await toChatMessage(parsed);
    try {
      // A direct chat may need the asker's groups (for "my tasks"): a Lark call, made outside the transaction.
      const groups =
        msg.chatType === 'p2p' && deps.groupsOf ? { openId: msg.senderOpenId, chatIds: await deps.groupsOf(msg.senderOpenId) } : undefined;
      const handled = await deps.db.$transaction(
        async (tx) => {
          // Claim first: with several replicas on one database, the second one waits for this
          // transaction, then finds the row no longer 'received' and leaves it.
          if (!(await createInboundRepo(tx).claimReceived(row.id))) return false;
          const reply = await routeMessage(chatContext(tx as unknown as Db, groups), msg);
          if (reply) {
            await createOutboxRepo(tx).enqueue({
              key: `reply:${row.eventId}`,
              kind: 'reply',
              chatId: msg.chatId,
              message: toOutboxMessage(reply),
              notBefore: deps.clock.now(),
              replyTo: msg.messageId,
            });
          }
          await createInboundRepo(tx).markDone(row.id, deps.clock.now());
          return true;
        },
        { timeout: 20_000, maxWait: 20_000 },
      );
      if (handled) elog.info('message handled', { chat: msg.chatId, messageId: msg.messageId });
      else elog.debug('message handled elsewhere', { chat: msg.chatId, messageId: msg.messageId });
    } catch (e) {
      const outcome = await repo.markAttemptFailed(row.id, (e as Error).message, MAX_INBOUND_ATTEMPTS);
      elog.error('message handling failed', { chat: msg.chatId, err: e as Error, outcome });
    }
  }

  /** Processes every stored, unprocessed message (also those left by a crash before a restart). */
  async function processPending(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      do {
        again = false;
        // Page through by id: one page (pending() takes 100) would leave the rest of a backlog,
        // e.g. after a restart, waiting for the next message to arrive.
        for (let after = 0; ; ) {
          const rows = await repo.pending(PENDING_PAGE, after);
          for (const row of rows) {
            await processOne(row);
            n++;
          }
          if (rows.length < PENDING_PAGE) break;
          after = rows[rows.length - 1].id;
        }
      } while (again);
      return n;
    })();
    try {
      const n = await running;
      if (n > 0) deps.onQueued?.();
      return n;
    } finally {
      running = null;
    }
  }

  return {
    /** The receiver's handler for im.message.receive_v1: store and return (ack), process after. */
    async onMessageEvent(raw: unknown): Promise<void> {
      const parsed = toInboundMessage(raw, deps.botOpenId?.());
      if ('ignored' in parsed) {
        log.debug('message ignored', { reason: parsed.ignored });
        return;
      }
      const r = await repo.store({ eventId: parsed.eventId, messageId: parsed.messageId, type: 'message', payload: raw, now: deps.clock.now() });
      if (!r.stored) {
        log.info('duplicate delivery ignored', { eventId: parsed.eventId, messageId: parsed.messageId, duplicateOf: r.duplicateOf });
        return;
      }
      setTimeout(() => void processPending().catch((e) => log.error('inbound pass failed', { err: e as Error })), deps.processDelayMs ?? 0);
    },

    /** card.action.trigger: answered within Lark's 3 s with a toast and the updated card. */
    async onCardAction(raw: unknown): Promise<object> {
      const action = toCardAction(raw);
      const r = await repo.store({ eventId: action.eventId, messageId: null, type: 'card', payload: raw, now: deps.clock.now() });
      if (!r.stored) return r.response ? (JSON.parse(r.response) as object) : {};
      // The callback must be answered within 3 s: a name Lark is slow to give is left out.
      const name = deps.userName
        ? await Promise.race([deps.userName(action.openId), new Promise<null>((r) => setTimeout(() => r(null), NAME_WAIT_MS).unref())])
        : null;
      try {
        const result = await deps.db.$transaction(async (tx) => {
          const res = toCallbackResponse(await handleCardAction(chatContext(tx as unknown as Db), { ...action, name: name ?? undefined }));
          await createInboundRepo(tx).markDone(r.id, deps.clock.now(), res);
          return res;
        });
        log.info('card action handled', { eventId: action.eventId, chat: action.chatId });
        return result;
      } catch (e) {
        await repo.markAttemptFailed(r.id, (e as Error).message, 1);
        log.error('card action failed', { eventId: action.eventId, err: e as Error });
        return { toast: { type: 'error', content: '提交未成功，请稍后重试或发送「进度 任务号 …」' } };
      }
    },

    processPending,
  };
}
