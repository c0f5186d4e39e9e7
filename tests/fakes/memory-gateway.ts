// In-memory LarkGateway for tests: records every call, delivers like Lark (including the 1 h uuid
// dedupe), and can be told to fail or hang the next calls. Assert on `sent`, not on SDK internals.
import type { Card, LarkGateway, OutgoingMessage, SendOptions } from '../../src/chat/gateway.ts';

/** Lark drops a second send with the same uuid within an hour (lark.md §1.5). */
export const LARK_UUID_WINDOW_MS = 60 * 60_000;

export interface GatewayCall {
  method: 'sendToChat' | 'reply';
  /** chat id for sendToChat, parent message id for reply */
  target: string;
  message: OutgoingMessage;
  uuid?: string;
  outcome: 'delivered' | 'deduped' | 'failed' | 'hung';
  error?: unknown;
  at: number;
}

export interface DeliveredMessage {
  messageId: string;
  method: 'sendToChat' | 'reply';
  target: string;
  message: OutgoingMessage;
  uuid?: string;
  at: number;
}

type Fault = { kind: 'fail'; error: unknown } | { kind: 'hang'; deliver: boolean };

export interface MemoryGateway extends LarkGateway {
  /** Every sendToChat/reply call, whatever happened to it. */
  readonly calls: GatewayCall[];
  /** Messages that exist in Lark (a uuid repeat within the window adds nothing). */
  readonly sent: DeliveredMessage[];
  readonly cardUpdates: { messageId: string; card: Card }[];
  /** The next calls (any target) throw these errors, one per call, in order. */
  failNext(...errors: unknown[]): void;
  /** The next calls to this chat throw these errors; checked before the global queue. */
  failNextFor(chatId: string, ...errors: unknown[]): void;
  /**
   * The next `count` calls never answer until releaseHung(). With deliver: true the message is
   * posted anyway (Lark got it, the answer was lost), the case the uuid dedupe exists for.
   */
  hangNext(count?: number, opts?: { deliver?: boolean }): void;
  /** Answer all hung calls (successfully). */
  releaseHung(): void;
  sentTo(chatId: string): DeliveredMessage[];
  setChatMembers(chatId: string, openIds: string[]): void;
}

export function createMemoryGateway(opts: { now?: () => number } = {}): MemoryGateway {
  const now = opts.now ?? Date.now;
  const calls: GatewayCall[] = [];
  const sent: DeliveredMessage[] = [];
  const cardUpdates: { messageId: string; card: Card }[] = [];
  const faults: Fault[] = [];
  const chatFaults = new Map<string, Fault[]>();
  const byUuid = new Map<string, DeliveredMessage>();
  const hung: (() => void)[] = [];
  const members = new Map<string, string[]>();
  let seq = 0;

  const deliver = (method: GatewayCall['method'], target: string, message: OutgoingMessage, uuid: string | undefined, at: number) => {
    if (uuid) {
      const prev = byUuid.get(uuid);
      if (prev && at - prev.at < LARK_UUID_WINDOW_MS) return { msg: prev, fresh: false };
    }
    const msg: DeliveredMessage = { messageId: `om_mem_${++seq}`, method, target, message, uuid, at };
    sent.push(msg);
    if (uuid) byUuid.set(uuid, msg);
    return { msg, fresh: true };
  };

  const send = (method: GatewayCall['method'], target: string, message: OutgoingMessage, o?: SendOptions): Promise<{ messageId: string }> => {
    const at = now();
    const uuid = o?.uuid;
    const fault = (method === 'sendToChat' ? chatFaults.get(target)?.shift() : undefined) ?? faults.shift();
    if (fault?.kind === 'fail') {
      calls.push({ method, target, message, uuid, outcome: 'failed', error: fault.error, at });
      return Promise.reject(fault.error);
    }
    if (fault?.kind === 'hang') {
      calls.push({ method, target, message, uuid, outcome: 'hung', at });
      const d = fault.deliver ? deliver(method, target, message, uuid, at).msg : undefined;
      return new Promise((resolve) => {
        hung.push(() => resolve({ messageId: (d ?? deliver(method, target, message, uuid, now()).msg).messageId }));
      });
    }
    const { msg, fresh } = deliver(method, target, message, uuid, at);
    calls.push({ method, target, message, uuid, outcome: fresh ? 'delivered' : 'deduped', at });
    return Promise.resolve({ messageId: msg.messageId });
  };

  return {
    calls,
    sent,
    cardUpdates,
    sendToChat: (chatId, message, o) => send('sendToChat', chatId, message, o),
    reply: (messageId, message, o) => send('reply', messageId, message, o),
    async updateCard(messageId, card) {
      cardUpdates.push({ messageId, card });
    },
    async uploadFile(fileName) {
      return { fileKey: `file_mem_${++seq}_${fileName}` };
    },
    async listChatMembers(chatId) {
      return members.get(chatId) ?? [];
    },
    failNext: (...errors) => {
      for (const error of errors) faults.push({ kind: 'fail', error });
    },
    failNextFor: (chatId, ...errors) => {
      const q = chatFaults.get(chatId) ?? [];
      for (const error of errors) q.push({ kind: 'fail', error });
      chatFaults.set(chatId, q);
    },
    hangNext: (count = 1, o = {}) => {
      for (let i = 0; i < count; i++) faults.push({ kind: 'hang', deliver: o.deliver ?? false });
    },
    releaseHung: () => {
      for (const r of hung.splice(0)) r();
    },
    sentTo: (chatId) => sent.filter((m) => m.method === 'sendToChat' && m.target === chatId),
    setChatMembers: (chatId, openIds) => {
      members.set(chatId, openIds);
    },
  };
}
