// Outbox rows: everything Duban sends is written here first, then claimed and sent exactly once.
// Every state change is a single conditional updateMany, so two ticks (or two processes) racing on
// the same row cannot both win; see style.md rule 3.
import type { OutgoingMessage } from '../chat/gateway.ts';
import { AppError } from '../errors.ts';
import type { DbTx } from './db.ts';
import { directOf, type Direct } from './direct.ts';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

export interface OutboxRow {
  id: number;
  key: string;
  kind: string;
  chatId: string;
  /** JSON of the OutgoingMessage; decode with decodeOutboxBody. */
  body: string;
  status: OutboxStatus;
  attempts: number;
  notBefore: Date;
  claimedAt: Date | null;
  lastError: string | null;
  larkMessageId: string | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EnqueueInput {
  /** Idempotency key (e.g. taskId:ruleId:dueDate): a second enqueue with the same key is a no-op. */
  key: string;
  kind: string;
  chatId: string;
  message: OutboxMessage;
  notBefore: Date;
  /** Send as a threaded reply to this Lark message id instead of a plain chat message. */
  replyTo?: string;
}

// lastError is for an operator's eyes; a whole stack or a huge Lark body helps nobody.
const MAX_ERROR_CHARS = 1000;
const clip = (s: string) => (s.length > MAX_ERROR_CHARS ? s.slice(0, MAX_ERROR_CHARS - 1) + '…' : s);

/**
 * What the outbox can hold: a ready message, or a file to upload first (the dispatcher uploads it and
 * sends the file message; the upload cannot happen earlier because the reply is written in the same
 * transaction as the inbound event it answers).
 */
export type OutboxMessage = OutgoingMessage | { msgType: 'upload'; fileName: string; dataBase64: string; caption?: string };

export function encodeOutboxBody(message: OutboxMessage, replyTo?: string): string {
  return JSON.stringify(replyTo ? { ...message, replyTo } : message);
}

/** The message a row answers (a threaded reply), when it is a reply. */
export function replyTargetOf(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { replyTo?: unknown };
    return typeof v.replyTo === 'string' ? v.replyTo : undefined;
  } catch {
    return undefined;
  }
}

/** Throws AppError('outbox-body') when the stored body is not a message the gateway can send. */
export function decodeOutboxBody(body: string): OutboxMessage {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new AppError('outbox-body', 'outbox body is not valid JSON');
  }
  const m = v as Record<string, unknown> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    ((m.msgType === 'text' && typeof m.text === 'string') ||
      (m.msgType === 'interactive' && typeof m.card === 'object' && m.card !== null) ||
      (m.msgType === 'file' && typeof m.fileKey === 'string') ||
      (m.msgType === 'upload' && typeof m.fileName === 'string' && typeof m.dataBase64 === 'string'));
  if (!ok) throw new AppError('outbox-body', 'outbox body is not an OutgoingMessage (msgType text|interactive|file|upload)');
  return m as unknown as OutboxMessage;
}

function toRow(r: {
  id: number; key: string; kind: string; chatId: string; body: string; status: string; attempts: number;
  notBefore: Date; claimedAt: Date | null; lastError: string | null; larkMessageId: string | null;
  sentAt: Date | null; createdAt: Date; updatedAt: Date;
}): OutboxRow {
  return { ...r, status: r.status as OutboxStatus };
}

const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === 'P2002';

const COLUMNS = `"id", "key", "kind", "chatId", "body", "status", "attempts", "notBefore", "claimedAt", "lastError", "larkMessageId", "sentAt", "createdAt", "updatedAt"`;

function directRow(d: Direct, r: Record<string, unknown>): OutboxRow {
  const t = (v: unknown) => (v === null || v === undefined ? null : d.readTime(v));
  return {
    id: Number(r.id),
    key: String(r.key),
    kind: String(r.kind),
    chatId: String(r.chatId),
    body: String(r.body),
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    notBefore: d.readTime(r.notBefore),
    claimedAt: t(r.claimedAt),
    lastError: (r.lastError as string | null) ?? null,
    larkMessageId: (r.larkMessageId as string | null) ?? null,
    sentAt: t(r.sentAt),
    createdAt: d.readTime(r.createdAt),
    updatedAt: d.readTime(r.updatedAt),
  };
}

const MARK_SENT = `UPDATE "Outbox" SET "status" = 'sent', "larkMessageId" = ?, "sentAt" = ?, "claimedAt" = NULL, "lastError" = NULL, "updatedAt" = ? WHERE "id" = ? AND "status" <> 'sent'`;

const STALE_CLAIM_ERROR = 'claim went stale (process stopped mid-send?); requeued';

/** The direct path's insert-if-absent of a row (enqueue; inbound-repo's finish puts it in the same statement as the message's done mark). */
export function outboxInsert(d: Direct, input: EnqueueInput): { sql: string; params: unknown[] } {
  const now = d.time(new Date());
  return {
    sql: `INSERT INTO "Outbox" ("key", "kind", "chatId", "body", "status", "attempts", "notBefore", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT ("key") DO NOTHING RETURNING "id"`,
    params: [input.key, input.kind, input.chatId, encodeOutboxBody(input.message, input.replyTo), d.time(input.notBefore), now, now],
  };
}

export function createOutboxRepo(db: DbTx) {
  const direct = directOf(db);
  return {
    /** Insert-if-absent by key. An existing row is left exactly as it is (whatever its status). */
    async enqueue(input: EnqueueInput): Promise<{ id: number; created: boolean }> {
      if (direct) {
        const insert = outboxInsert(direct, input);
        const rows = await direct.all<{ id: number }>(insert.sql, insert.params);
        if (rows.length) return { id: Number(rows[0].id), created: true };
        const [existing] = await direct.all<{ id: number }>(`SELECT "id" FROM "Outbox" WHERE "key" = ?`, [input.key]);
        return { id: Number(existing.id), created: false };
      }
      // Look first so the common "already there" case raises no error (an error would abort a
      // surrounding PostgreSQL transaction); the catch covers a concurrent insert of the same key.
      const existing = await db.outbox.findUnique({ where: { key: input.key }, select: { id: true } });
      if (existing) return { id: existing.id, created: false };
      try {
        const row = await db.outbox.create({
          data: {
            key: input.key,
            kind: input.kind,
            chatId: input.chatId,
            body: encodeOutboxBody(input.message, input.replyTo),
            notBefore: input.notBefore,
          },
          select: { id: true },
        });
        return { id: row.id, created: true };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const again = await db.outbox.findUnique({ where: { key: input.key }, select: { id: true } });
        if (!again) throw e;
        return { id: again.id, created: false };
      }
    },

    /** pending & due -> sending, attempts+1. True only for the one caller that won the row. */
    async claim(id: number, now: Date): Promise<boolean> {
      const { count } = await db.outbox.updateMany({
        where: { id, status: 'pending', notBefore: { lte: now } },
        data: { status: 'sending', attempts: { increment: 1 }, claimedAt: now },
      });
      return count === 1;
    },

    /**
     * Claims due rows in one statement (pending & due -> sending, attempts+1) and returns those this
     * caller won, oldest first. Rows another pass or replica holds are not among them.
     */
    async claimDue(now: Date, limit: number): Promise<OutboxRow[]> {
      if (direct) {
        const t = direct.time(now);
        // Replicas claim at the same moments: on PostgreSQL, rows another claim holds are passed over
        // rather than waited for (that claim takes them). SQLite has one writer at a time anyway.
        const skipLocked = direct.dialect === 'postgresql' ? ' FOR UPDATE SKIP LOCKED' : '';
        const rows = await direct.all(
          `UPDATE "Outbox" SET "status" = 'sending', "attempts" = "attempts" + 1, "claimedAt" = ?, "updatedAt" = ?
           WHERE "status" = 'pending' AND "notBefore" <= ? AND "id" IN (
             SELECT "id" FROM "Outbox" WHERE "status" = 'pending' AND "notBefore" <= ? ORDER BY "notBefore", "id" LIMIT ?${skipLocked})
           RETURNING ${COLUMNS}`,
          [t, t, t, t, limit],
        );
        return rows.map((r) => directRow(direct, r)).sort((a, b) => a.id - b.id);
      }
      const due = await db.outbox.findMany({
        where: { status: 'pending', notBefore: { lte: now } },
        orderBy: [{ notBefore: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true },
      });
      if (due.length === 0) return [];
      const rows = await db.outbox.updateManyAndReturn({
        where: { id: { in: due.map((r) => r.id) }, status: 'pending', notBefore: { lte: now } },
        data: { status: 'sending', attempts: { increment: 1 }, claimedAt: now },
      });
      return rows.map(toRow).sort((a, b) => a.id - b.id);
    },

    /** Claimed rows this pass did not try after all (their chat paused): back to pending, attempt not counted. */
    async release(ids: number[]): Promise<number> {
      if (ids.length === 0) return 0;
      const { count } = await db.outbox.updateMany({
        where: { id: { in: ids }, status: 'sending' },
        data: { status: 'pending', attempts: { decrement: 1 }, claimedAt: null },
      });
      return count;
    },

    async findDue(now: Date, limit: number): Promise<OutboxRow[]> {
      const rows = await db.outbox.findMany({
        where: { status: 'pending', notBefore: { lte: now } },
        orderBy: [{ notBefore: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      return rows.map(toRow);
    },

    async get(id: number): Promise<OutboxRow | null> {
      const r = await db.outbox.findUnique({ where: { id } });
      return r ? toRow(r) : null;
    },

    /**
     * Lark accepted the message. Recorded even if the row was meanwhile put back to pending by
     * recoverStale or failed by a racing pass: the message exists, so it must not go out again.
     */
    async markSent(id: number, messageId: string, now: Date): Promise<boolean> {
      if (direct) {
        const t = direct.time(now);
        const n = await direct.run(MARK_SENT, [messageId, t, t, id]);
        return n === 1;
      }
      const { count } = await db.outbox.updateMany({
        where: { id, status: { not: 'sent' } },
        data: { status: 'sent', larkMessageId: messageId, sentAt: now, claimedAt: null, lastError: null },
      });
      return count === 1;
    },

    /**
     * Several rows sent, recorded at once (the dispatcher gathers sends that finish while it records
     * earlier ones): one statement on PostgreSQL, one transaction on SQLite. Returns how many changed.
     */
    async markSentMany(sent: { id: number; messageId: string; at: Date }[]): Promise<number> {
      if (sent.length === 1 || !direct) {
        let n = 0;
        for (const s of sent) n += (await this.markSent(s.id, s.messageId, s.at)) ? 1 : 0;
        return n;
      }
      if (direct.dialect === 'postgresql') {
        return direct.run(
          `UPDATE "Outbox" AS o SET "status" = 'sent', "larkMessageId" = v."messageId", "sentAt" = v."at", "claimedAt" = NULL, "lastError" = NULL, "updatedAt" = v."at"
           FROM (SELECT unnest(?::int[]) AS "id", unnest(?::text[]) AS "messageId", unnest(?::timestamp(3)[]) AS "at") AS v
           WHERE o."id" = v."id" AND o."status" <> 'sent'`,
          [sent.map((s) => s.id), sent.map((s) => s.messageId), sent.map((s) => direct.time(s.at))],
        );
      }
      return direct.transaction(async (q) => {
        let n = 0;
        for (const s of sent) {
          const t = direct.time(s.at);
          n += await q.run(MARK_SENT, [s.messageId, t, t, s.id]);
        }
        return n;
      });
    },

    /** sending -> pending at notBefore. No-op (false) if this caller no longer holds the claim. */
    async markRetry(id: number, error: string, notBefore: Date): Promise<boolean> {
      const { count } = await db.outbox.updateMany({
        where: { id, status: 'sending' },
        data: { status: 'pending', lastError: clip(error), notBefore, claimedAt: null },
      });
      return count === 1;
    },

    /** sending -> failed; the row stays for the operator (list / retryFailed). */
    async markFailed(id: number, error: string): Promise<boolean> {
      const { count } = await db.outbox.updateMany({
        where: { id, status: 'sending' },
        data: { status: 'failed', lastError: clip(error), claimedAt: null },
      });
      return count === 1;
    },

    /**
     * Rows claimed longer than olderThanMs ago (the process died mid-send) go back to pending.
     * Re-sending is safe because the uuid is derived from the row id and Lark drops a repeat within
     * 1h, so olderThanMs must stay well under an hour. Returns how many rows were recovered.
     */
    async recoverStale(now: Date, olderThanMs: number): Promise<number> {
      if (direct) {
        return direct.run(
          // The words go as a parameter: numbered() would take a ? inside a literal for a placeholder.
          `UPDATE "Outbox" SET "status" = 'pending', "claimedAt" = NULL, "lastError" = ?, "updatedAt" = ? WHERE "status" = 'sending' AND "claimedAt" < ?`,
          [STALE_CLAIM_ERROR, direct.time(now), direct.time(new Date(now.getTime() - olderThanMs))],
        );
      }
      const { count } = await db.outbox.updateMany({
        where: { status: 'sending', claimedAt: { lt: new Date(now.getTime() - olderThanMs) } },
        data: { status: 'pending', claimedAt: null, lastError: STALE_CLAIM_ERROR },
      });
      return count;
    },

    async list(filter: { status?: OutboxStatus; limit?: number } = {}): Promise<OutboxRow[]> {
      const rows = await db.outbox.findMany({
        where: filter.status ? { status: filter.status } : {},
        orderBy: { id: 'asc' },
        ...(filter.limit !== undefined ? { take: filter.limit } : {}),
      });
      return rows.map(toRow);
    },

    /**
     * Operator action: failed -> pending with a fresh attempt budget. notBefore is already in the
     * past (the row was claimed), so the next pass sends it. False if the row is not failed.
     */
    async retryFailed(id: number): Promise<boolean> {
      const { count } = await db.outbox.updateMany({
        where: { id, status: 'failed' },
        data: { status: 'pending', attempts: 0, claimedAt: null },
      });
      return count === 1;
    },

    async counts(): Promise<Record<OutboxStatus, number>> {
      const groups = await db.outbox.groupBy({ by: ['status'], _count: { _all: true } });
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
      for (const g of groups) if ((OUTBOX_STATUSES as readonly string[]).includes(g.status)) out[g.status as OutboxStatus] = g._count._all;
      return out;
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
