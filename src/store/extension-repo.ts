// Extension requests and their decisions. History: rows are added and decided, never deleted; each
// request and each decision is also in the audit.
import type { DbTx } from './db.ts';
import type { ExtensionRecord, ExtensionStatus } from '../schedule/extensions.ts';
import { createAuditRepo, type AuditSource } from './audit-repo.ts';
import { directOf, type Direct } from './direct.ts';
import { createMetaRepo, META_REGISTRY_VERSION, META_UNITS_VERSION } from './meta-repo.ts';
import { checkStamp, forgetStamp, stampStillGood, type StampCheck } from './stamps.ts';

export interface NewExtension {
  taskNumber: number;
  unitName: string;
  milestoneKey: string;
  occurrence: string;
  fromDue: string;
  newDue: string;
  reason: string;
  requesterId: string;
  requesterName?: string | null;
  chatId?: string | null;
  messageId?: string | null;
  via: 'command' | 'card';
  /** What made the request (msg:<message id>, card:<event id>): asking again returns the first row. */
  dedupeKey?: string | null;
  at: Date;
  source: AuditSource;
}

export interface Decision {
  id: number;
  status: Exclude<ExtensionStatus, 'pending'>;
  decidedBy: string;
  decidedByName?: string | null;
  comment?: string | null;
  at: Date;
  source: AuditSource;
}

export type DecideResult = { outcome: 'decided'; extension: ExtensionRecord } | { outcome: 'already'; extension: ExtensionRecord } | { outcome: 'unknown' };

const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === 'P2002';

type Row = Awaited<ReturnType<DbTx['extension']['findMany']>>[number];

// Every chat message reads every request (approved ones move deadlines). Rows are only added, and a
// decision happens once (pending → decided), so the newest id and the number decided say whether the
// kept list is still the table; with the registry and units stamps (rows carry task numbers and unit
// names) that is one cheap direct query, made at most every STAMP_TTL_MS (stamps.ts) instead of for every message.
const EXTENSIONS_STAMP = 'extensions';
interface ExtensionCache {
  key: string;
  check: StampCheck;
  rows: readonly ExtensionRecord[];
}
const extensionCaches = new WeakMap<Direct, ExtensionCache>();

async function cachedExtensions(db: DbTx, d: Direct): Promise<ExtensionRecord[]> {
  const meta = createMetaRepo(db);
  const kept = extensionCaches.get(d);
  const [registry, units] = await Promise.all([meta.stamp(META_REGISTRY_VERSION), meta.stamp(META_UNITS_VERSION)]);
  if (kept && stampStillGood(EXTENSIONS_STAMP, kept.check) && kept.key.endsWith(`:${registry}:${units}`)) return kept.rows as ExtensionRecord[];
  const check = checkStamp(EXTENSIONS_STAMP);
  const [state] = await d.all<{ last: number | null; decided: number }>(`SELECT MAX("id") AS "last", COUNT("decidedAt") AS "decided" FROM "Extension"`);
  const key = `${Number(state?.last ?? 0)}:${Number(state?.decided ?? 0)}:${registry}:${units}`;
  if (kept?.key === key) {
    extensionCaches.set(d, { ...kept, check });
    return kept.rows as ExtensionRecord[];
  }
  const raw = await d.all(
    `SELECT e.*, t."number" AS "taskNumber", u."name" AS "unitName" FROM "Extension" e
     JOIN "Task" t ON t."id" = e."taskId" JOIN "Unit" u ON u."id" = e."unitId" ORDER BY e."id"`,
  );
  const at = (v: unknown) => (v === null || v === undefined ? null : d.readTime(v));
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const rows = Object.freeze(
    raw.map(
      (r): ExtensionRecord =>
        Object.freeze({
          id: Number(r.id),
          taskNumber: Number(r.taskNumber),
          unitName: String(r.unitName),
          milestoneKey: String(r.milestoneKey),
          occurrence: String(r.occurrence),
          fromDue: String(r.fromDue),
          newDue: String(r.newDue),
          reason: String(r.reason),
          status: r.status as ExtensionStatus,
          requesterId: String(r.requesterId),
          requesterName: str(r.requesterName),
          chatId: str(r.chatId),
          messageId: str(r.messageId),
          createdAt: d.readTime(r.createdAt),
          decidedBy: str(r.decidedBy),
          decidedByName: str(r.decidedByName),
          decidedAt: at(r.decidedAt),
          comment: str(r.comment),
        }),
    ),
  );
  extensionCaches.set(d, { key, check, rows });
  return rows as ExtensionRecord[];
}

export function createExtensionRepo(db: DbTx) {
  const direct = directOf(db);
  async function names(rows: Row[]): Promise<ExtensionRecord[]> {
    if (rows.length === 0) return [];
    const [tasks, units] = await Promise.all([
      db.task.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.taskId))] } }, select: { id: true, number: true } }),
      db.unit.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.unitId))] } }, select: { id: true, name: true } }),
    ]);
    const taskNumber = new Map(tasks.map((t) => [t.id, t.number]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    return rows.map((r) => ({
      id: r.id,
      taskNumber: taskNumber.get(r.taskId) ?? 0,
      unitName: unitName.get(r.unitId) ?? '',
      milestoneKey: r.milestoneKey,
      occurrence: r.occurrence,
      fromDue: r.fromDue,
      newDue: r.newDue,
      reason: r.reason,
      status: r.status as ExtensionStatus,
      requesterId: r.requesterId,
      requesterName: r.requesterName,
      chatId: r.chatId,
      messageId: r.messageId,
      createdAt: r.createdAt,
      decidedBy: r.decidedBy,
      decidedByName: r.decidedByName,
      decidedAt: r.decidedAt,
      comment: r.comment,
    }));
  }

  const get = async (id: number): Promise<ExtensionRecord | null> => {
    const row = await db.extension.findUnique({ where: { id } });
    return row ? ((await names([row]))[0] ?? null) : null;
  };

  return {
    get,
    /** Every request, in the order they were made. Unfiltered, on a client with the direct path: a kept snapshot (never changed in place). */
    async list(filter: { taskNumber?: number; status?: ExtensionStatus } = {}): Promise<ExtensionRecord[]> {
      if (direct && filter.taskNumber === undefined && !filter.status) return cachedExtensions(db, direct);
      let taskId: number | undefined;
      if (filter.taskNumber !== undefined) {
        const t = await db.task.findUnique({ where: { number: filter.taskNumber }, select: { id: true } });
        if (!t) return [];
        taskId = t.id;
      }
      const rows = await db.extension.findMany({
        where: { ...(taskId !== undefined ? { taskId } : {}), ...(filter.status ? { status: filter.status } : {}) },
        orderBy: { id: 'asc' },
      });
      return names(rows);
    },

    /** Records a request (once per dedupeKey) and its audit row. Returns the request and whether it is new. */
    async request(x: NewExtension): Promise<{ extension: ExtensionRecord; created: boolean }> {
      const dedupeKey = x.dedupeKey ?? null;
      const prior = async () => {
        const row = dedupeKey ? await db.extension.findUnique({ where: { dedupeKey } }) : null;
        return row ? (await names([row]))[0] : undefined;
      };
      const seen = await prior();
      if (seen) return { extension: seen, created: false };
      const task = await db.task.findUniqueOrThrow({ where: { number: x.taskNumber }, select: { id: true } });
      const unit = await db.unit.findUniqueOrThrow({ where: { name: x.unitName }, select: { id: true } });
      let id: number;
      try {
        id = (
          await db.extension.create({
            data: {
              taskId: task.id,
              unitId: unit.id,
              milestoneKey: x.milestoneKey,
              occurrence: x.occurrence,
              fromDue: x.fromDue,
              newDue: x.newDue,
              reason: x.reason,
              requesterId: x.requesterId,
              requesterName: x.requesterName ?? null,
              chatId: x.chatId ?? null,
              messageId: x.messageId ?? null,
              via: x.via,
              dedupeKey,
              createdAt: x.at,
            },
            select: { id: true },
          })
        ).id;
        forgetStamp(EXTENSIONS_STAMP);
      } catch (e) {
        // The same message processed twice at once: the first request stands.
        const again = isUniqueViolation(e) ? await prior() : undefined;
        if (!again) throw e;
        return { extension: again, created: false };
      }
      await createAuditRepo(db).record({
        actor: x.requesterId,
        action: 'extension-request',
        subject: `task ${x.taskNumber} / ${x.unitName}`,
        detail: { extensionId: id, milestoneKey: x.milestoneKey, occurrence: x.occurrence, fromDue: x.fromDue, newDue: x.newDue, reason: x.reason, chatId: x.chatId ?? null },
        source: x.source,
        at: x.at,
      });
      return { extension: (await get(id))!, created: true };
    },

    /** Decides a pending request; a request already decided stays as it was (the first decision stands). */
    async decide(d: Decision): Promise<DecideResult> {
      const { count } = await db.extension.updateMany({
        where: { id: d.id, status: 'pending' },
        data: { status: d.status, decidedBy: d.decidedBy, decidedByName: d.decidedByName ?? null, decidedAt: d.at, comment: d.comment ?? null },
      });
      if (count > 0) forgetStamp(EXTENSIONS_STAMP);
      const extension = await get(d.id);
      if (!extension) return { outcome: 'unknown' };
      if (count === 0) return { outcome: 'already', extension };
      await createAuditRepo(db).record({
        actor: d.decidedBy,
        action: 'extension-decision',
        subject: `task ${extension.taskNumber} / ${extension.unitName}`,
        detail: { extensionId: d.id, status: d.status, comment: d.comment ?? null, occurrence: extension.occurrence, newDue: extension.newDue },
        source: d.source,
        at: d.at,
      });
      return { outcome: 'decided', extension };
    },
  };
}
