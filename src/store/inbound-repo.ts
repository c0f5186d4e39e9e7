// Inbound Lark events, stored before they are acknowledged. The unique eventId and messageId make a
// redelivery (Lark delivers at least once, also after a restart) a no-op.
import type { DbTx } from './db.ts';
import { directOf } from './direct.ts';
import { createOutboxRepo, outboxInsert, type EnqueueInput } from './outbox-repo.ts';

export type StoreResult = { stored: true; id: number } | { stored: false; duplicateOf: number; response: string | null; status: string };

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'P2002';
}

const STALE = `("status" = 'received' OR ("status" = 'processing' AND "claimedAt" < ?))`;

export function createInboundRepo(db: DbTx) {
  const direct = directOf(db);
  const prior = async (e: { eventId: string; messageId: string | null }): Promise<StoreResult> => {
    const p = await db.inboundEvent.findFirst({ where: { OR: [{ eventId: e.eventId }, ...(e.messageId ? [{ messageId: e.messageId }] : [])] } });
    return { stored: false, duplicateOf: p?.id ?? -1, response: p?.response ?? null, status: p?.status ?? 'unknown' };
  };
  return {
    /** One short insert; `payload` is the event as received, serialised. */
    async store(e: { eventId: string; messageId: string | null; type: string; payload: string; now: Date }): Promise<StoreResult> {
      if (direct) {
        // The ack waits for this statement alone: a conflict on eventId or messageId inserts nothing.
        const rows = await (direct.ingress ?? direct).all<{ id: number }>(
          `INSERT INTO "InboundEvent" ("eventId", "messageId", "type", "payload", "status", "attempts", "createdAt") VALUES (?, ?, ?, ?, 'received', 0, ?) ON CONFLICT DO NOTHING RETURNING "id"`,
          [e.eventId, e.messageId, e.type, e.payload, direct.time(e.now)],
        );
        return rows.length ? { stored: true, id: Number(rows[0].id) } : prior(e);
      }
      try {
        const row = await db.inboundEvent.create({
          data: { eventId: e.eventId, messageId: e.messageId, type: e.type, payload: e.payload, createdAt: e.now },
          select: { id: true },
        });
        return { stored: true, id: row.id };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return prior(e);
      }
    },
    /**
     * Messages not processed yet, in arrival order: received, or claimed by a worker whose claim is older
     * than the lease (it died). Card callbacks are answered while Lark waits, never from here. afterId pages.
     */
    async pending(limit = 100, afterId = 0, now: Date = new Date(0), leaseMs = 0) {
      return db.inboundEvent.findMany({
        where: {
          type: 'message',
          id: { gt: afterId },
          OR: [{ status: 'received' }, { status: 'processing', claimedAt: { lt: new Date(now.getTime() - leaseMs) } }],
        },
        orderBy: { id: 'asc' },
        take: limit,
      });
    },
    /** Takes an event for processing: received, or a claim past its lease. False when another worker has it. */
    async claim(id: number, now: Date, leaseMs: number): Promise<boolean> {
      const stale = new Date(now.getTime() - leaseMs);
      if (direct) {
        const n = await direct.run(`UPDATE "InboundEvent" SET "status" = 'processing', "claimedAt" = ? WHERE "id" = ? AND ${STALE}`, [
          direct.time(now),
          id,
          direct.time(stale),
        ]);
        return n === 1;
      }
      const r = await db.inboundEvent.updateMany({
        where: { id, OR: [{ status: 'received' }, { status: 'processing', claimedAt: { lt: stale } }] },
        data: { status: 'processing', claimedAt: now },
      });
      return r.count === 1;
    },
    async markDone(id: number, now: Date, response?: unknown): Promise<void> {
      if (direct) {
        const sets = response !== undefined ? `, "response" = ?` : '';
        const params = response !== undefined ? [direct.time(now), JSON.stringify(response), id] : [direct.time(now), id];
        await direct.run(`UPDATE "InboundEvent" SET "status" = 'done', "processedAt" = ?${sets} WHERE "id" = ?`, params);
        return;
      }
      await db.inboundEvent.update({
        where: { id },
        data: { status: 'done', processedAt: now, ...(response !== undefined ? { response: JSON.stringify(response) } : {}) },
      });
    },
    /**
     * Done, with its reply queued (insert-if-absent by the reply's key) in the same stroke: one statement
     * on PostgreSQL (a round trip fewer for every message), one transaction on SQLite.
     */
    async finish(id: number, now: Date, reply?: EnqueueInput): Promise<void> {
      if (!reply) return this.markDone(id, now);
      if (!direct) {
        await createOutboxRepo(db).enqueue(reply);
        return this.markDone(id, now);
      }
      const insert = outboxInsert(direct, reply);
      const done = `UPDATE "InboundEvent" SET "status" = 'done', "processedAt" = ? WHERE "id" = ?`;
      const doneParams = [direct.time(now), id];
      if (direct.dialect === 'postgresql') {
        await direct.all(`WITH done AS (${done}) ${insert.sql}`, [...doneParams, ...insert.params]);
        return;
      }
      await direct.transaction(async (q) => {
        await q.all(insert.sql, insert.params);
        await q.run(done, doneParams);
      });
    },
    /** A failed attempt: back to 'received' for the next pass, or parked as 'failed' after maxAttempts. */
    async markAttemptFailed(id: number, error: string, maxAttempts: number): Promise<'retry' | 'failed'> {
      const row = await db.inboundEvent.update({ where: { id }, data: { attempts: { increment: 1 }, error, status: 'received', claimedAt: null } });
      if (row.attempts >= maxAttempts) {
        await db.inboundEvent.update({ where: { id }, data: { status: 'failed' } });
        return 'failed';
      }
      return 'retry';
    },
    async counts() {
      const rows = await db.inboundEvent.groupBy({ by: ['status'], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
  };
}
