// Evidence rows: one per file/image (content-addressed on disk) or link, per task and unit. Added
// only after the file is in place; each with its audit line, in one transaction. Never deleted.
import type { Db, DbTx } from './db.ts';
import type { EvidenceKind } from '../evidence/attachment.ts';
import { isDuplicateKey } from './direct.ts';

export interface NewEvidence {
  taskNumber: number;
  unitName: string;
  kind: EvidenceKind;
  name: string;
  size?: number | null;
  contentType?: string | null;
  sha256?: string | null;
  storagePath?: string | null;
  url?: string | null;
  reporterId: string;
  reporterName?: string | null;
  chatId?: string | null;
  messageId?: string | null;
  fileKey?: string | null;
  at: Date;
  /** Audit source: chat | console | cli. */
  source: 'chat' | 'console' | 'cli';
}

export interface EvidenceRecord {
  id: number;
  taskNumber: number;
  unitName: string;
  kind: EvidenceKind;
  name: string;
  size: number | null;
  contentType: string | null;
  sha256: string | null;
  storagePath: string | null;
  url: string | null;
  reporterId: string;
  reporterName: string | null;
  chatId: string | null;
  messageId: string | null;
  fileKey: string | null;
  at: Date;
}

/** created: a new row; duplicate: the same bytes (or link) were already on record for this task and unit. */
export type AddResult = { outcome: 'created' | 'duplicate'; record: EvidenceRecord };

type Row = Awaited<ReturnType<DbTx['evidence']['findMany']>>[number];

/** A client (the row and its audit line commit together) or a transaction already open. */
export function createEvidenceRepo(db: Db | DbTx) {
  const inTransaction = <T>(fn: (tx: DbTx) => Promise<T>): Promise<T> => ('$transaction' in db ? (db as Db).$transaction(fn) : fn(db));
  // Ids → names, read once per call: evidence rows carry plain task and unit ids.
  async function names(rows: Row[]): Promise<EvidenceRecord[]> {
    if (rows.length === 0) return [];
    const [tasks, units] = await Promise.all([
      db.task.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.taskId))] } }, select: { id: true, number: true } }),
      db.unit.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.unitId))] } }, select: { id: true, name: true } }),
    ]);
    const tn = new Map(tasks.map((t) => [t.id, t.number]));
    const un = new Map(units.map((u) => [u.id, u.name]));
    return rows.map((r) => ({
      id: r.id,
      taskNumber: tn.get(r.taskId) ?? -1,
      unitName: un.get(r.unitId) ?? `#${r.unitId}`,
      kind: r.kind as EvidenceKind,
      name: r.name,
      size: r.size,
      contentType: r.contentType,
      sha256: r.sha256,
      storagePath: r.storagePath,
      url: r.url,
      reporterId: r.reporterId,
      reporterName: r.reporterName,
      chatId: r.chatId,
      messageId: r.messageId,
      fileKey: r.fileKey,
      at: r.createdAt,
    }));
  }
  const one = async (row: Row) => (await names([row]))[0];

  async function ids(taskNumber: number, unitName: string): Promise<{ taskId: number; unitId: number }> {
    const [task, unit] = await Promise.all([db.task.findUnique({ where: { number: taskNumber } }), db.unit.findUnique({ where: { name: unitName } })]);
    if (!task || !unit) throw new Error(`evidence for task ${taskNumber} / ${unitName}: not in the registry`);
    return { taskId: task.id, unitId: unit.id };
  }

  return {
    /** The row a message's resource (or link) already made: a message processed again stores nothing new. */
    async ofMessage(messageId: string, key: { fileKey?: string; url?: string }): Promise<EvidenceRecord | null> {
      const row = await db.evidence.findFirst({
        where: { messageId, ...(key.fileKey ? { fileKey: key.fileKey } : { url: key.url ?? '' }) },
      });
      return row ? one(row) : null;
    },

    /** Adds a row and its audit line; the same bytes (or link) for the same task and unit are recorded once. */
    async add(e: NewEvidence): Promise<AddResult> {
      const { taskId, unitId } = await ids(e.taskNumber, e.unitName);
      const prior = async () =>
        db.evidence.findFirst({
          where: {
            taskId,
            unitId,
            OR: [
              ...(e.sha256 ? [{ sha256: e.sha256 }] : []),
              ...(e.kind === 'link' && e.url ? [{ kind: 'link', url: e.url }] : []),
              ...(e.messageId && (e.fileKey || e.url) ? [{ messageId: e.messageId, ...(e.fileKey ? { fileKey: e.fileKey } : { url: e.url! }) }] : []),
            ],
          },
          orderBy: { id: 'asc' },
        });
      const before = await prior();
      if (before) return { outcome: 'duplicate', record: await one(before) };
      try {
        const row = await inTransaction(async (tx) => {
          const created = await tx.evidence.create({
            data: {
              taskId,
              unitId,
              kind: e.kind,
              name: e.name,
              size: e.size ?? null,
              contentType: e.contentType ?? null,
              sha256: e.sha256 ?? null,
              storagePath: e.storagePath ?? null,
              url: e.url ?? null,
              reporterId: e.reporterId,
              reporterName: e.reporterName ?? null,
              chatId: e.chatId ?? null,
              messageId: e.messageId ?? null,
              fileKey: e.fileKey ?? null,
              createdAt: e.at,
            },
          });
          await tx.auditEvent.create({
            data: {
              at: e.at,
              actor: e.reporterId,
              action: 'evidence',
              subject: `task ${e.taskNumber} / ${e.unitName}`,
              detail: JSON.stringify({ evidenceId: created.id, kind: e.kind, name: e.name, size: e.size ?? null, sha256: e.sha256 ?? null, url: e.url ?? null, messageId: e.messageId ?? null }),
              source: e.source,
            },
          });
          return created;
        });
        return { outcome: 'created', record: await one(row) };
      } catch (err) {
        // Two workers on the same message at once (a claim taken over): the first row stands.
        if (!isDuplicateKey(err)) throw err;
        const first = await prior();
        if (!first) throw err;
        return { outcome: 'duplicate', record: await one(first) };
      }
    },

    async get(id: number): Promise<EvidenceRecord | null> {
      const row = await db.evidence.findUnique({ where: { id } });
      return row ? one(row) : null;
    },

    /** In the order recorded; narrowed to a task and/or a unit (canonical name). */
    async list(filter: { taskNumber?: number; unitName?: string } = {}): Promise<EvidenceRecord[]> {
      const where: { taskId?: number; unitId?: number } = {};
      if (filter.taskNumber !== undefined) {
        const t = await db.task.findUnique({ where: { number: filter.taskNumber } });
        if (!t) return [];
        where.taskId = t.id;
      }
      if (filter.unitName) {
        const u = await db.unit.findUnique({ where: { name: filter.unitName } });
        if (!u) return [];
        where.unitId = u.id;
      }
      return names(await db.evidence.findMany({ where, orderBy: { id: 'asc' } }));
    },
  };
}
