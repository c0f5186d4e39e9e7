// The audit trail: who did what, when, from where. Append-only.
import type { DbTx } from './db.ts';

export type AuditSource = 'chat' | 'cli' | 'console' | 'scheduler' | 'import';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
  source: AuditSource;
  at?: Date;
}

export function createAuditRepo(db: DbTx) {
  return {
    async record(e: AuditEntry): Promise<void> {
      await db.auditEvent.create({
        data: { actor: e.actor, action: e.action, subject: e.subject, detail: JSON.stringify(e.detail ?? {}), source: e.source, at: e.at },
      });
    },
    async list(filter: { subject?: string; action?: string } = {}) {
      const rows = await db.auditEvent.findMany({ where: filter, orderBy: { id: 'asc' } });
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    },
  };
}
