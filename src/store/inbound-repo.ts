// Inbound Lark events, stored before they are acknowledged. The unique eventId and messageId make a
// redelivery (Lark delivers at least once, also after a restart) a no-op.
import type { DbTx } from './db.ts';

export type StoreResult = { stored: true; id: number } | { stored: false; duplicateOf: number; response: string | null; status: string };

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'P2002';
}

export function createInboundRepo(db: DbTx) {
  return {
    async store(e: { eventId: string; messageId: string | null; type: string; payload: unknown; now: Date }): Promise<StoreResult> {
      try {
        const row = await db.inboundEvent.create({
          data: { eventId: e.eventId, messageId: e.messageId, type: e.type, payload: JSON.stringify(e.payload), createdAt: e.now },
        });
        return { stored: true, id: row.id };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const prior = await db.inboundEvent.findFirst({
          where: { OR: [{ eventId: e.eventId }, ...(e.messageId ? [{ messageId: e.messageId }] : [])] },
        });
        return { stored: false, duplicateOf: prior?.id ?? -1, response: prior?.response ?? null, status: prior?.status ?? 'unknown' };
      }
    },
    /** Unprocessed events in arrival order; afterId pages through a backlog. */
    async pending(limit = 100, afterId = 0) {
      return db.inboundEvent.findMany({ where: { status: 'received', id: { gt: afterId } }, orderBy: { id: 'asc' }, take: limit });
    },
    /** Takes a received event for processing (inside the processing transaction); false when another process has it. */
    async claimReceived(id: number): Promise<boolean> {
      const r = await db.inboundEvent.updateMany({ where: { id, status: 'received' }, data: { status: 'processing' } });
      return r.count === 1;
    },
    async markDone(id: number, now: Date, response?: unknown): Promise<void> {
      await db.inboundEvent.update({
        where: { id },
        data: { status: 'done', processedAt: now, ...(response !== undefined ? { response: JSON.stringify(response) } : {}) },
      });
    },
    async markAttemptFailed(id: number, error: string, maxAttempts: number): Promise<'retry' | 'failed'> {
      const row = await db.inboundEvent.update({ where: { id }, data: { attempts: { increment: 1 }, error } });
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
