// Progress is history: each report is a new row (who, which unit, when, words, percent, status, via).
import type { DbTx } from './db.ts';
import type { ProgressRecord, ProgressStatus, ProgressVia } from '../registry/types.ts';
import { createAuditRepo } from './audit-repo.ts';
import { directOf, isDuplicateKey, type Direct } from './direct.ts';
import { createMetaRepo, META_UNITS_VERSION } from './meta-repo.ts';
import { checkStamp, forgetStamp, stampStillGood, type StampCheck } from './stamps.ts';

export interface NewProgress {
  taskNumber: number;
  unitName: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
  reporterId: string;
  reporterName?: string | null;
  chatId?: string | null;
  via: ProgressVia;
  messageId?: string | null;
  milestoneKey?: string | null;
  occurrence?: string | null;
  /** What made the report (msg:<message id>, card:<event id>): recording it again returns the first row. */
  dedupeKey?: string | null;
  at: Date;
}

const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === 'P2002';

type Row = Awaited<ReturnType<DbTx['progress']['findMany']>>[number] & { task: { number: number }; unit: { name: string } };

export type StoredReport = ProgressRecord & { id: number; chatId: string | null; messageId: string | null };

function toRecord(r: Row): StoredReport {
  return {
    id: r.id,
    taskNumber: r.task.number,
    unitName: r.unit.name,
    status: r.status as ProgressStatus,
    percent: r.percent,
    text: r.text,
    at: r.createdAt,
    via: r.via as ProgressVia,
    reporterId: r.reporterId,
    reporterName: r.reporterName,
    milestoneKey: r.milestoneKey,
    occurrence: r.occurrence,
    chatId: r.chatId,
    messageId: r.messageId,
  };
}

// Reports are history: rows are only ever added. Every chat message reads all of them (the lights), so
// each database keeps them in memory and reads only what was added since: ids above the last one, and
// ids skipped earlier that may still commit (PostgreSQL hands out ids before commit). A unit renamed
// (units version) reloads everything, since rows carry unit names.
const GAP_WAIT_MS = 60_000;
const MAX_GAP = 64;
interface ReportCache {
  unitsVersion: string | null;
  rows: StoredReport[];
  lastId: number;
  gaps: Map<number, number>;
  /** The refresh under way: callers at the same moment share it (two would add the same rows twice). */
  refreshing?: Promise<StoredReport[]>;
  /** The last refresh: rows are read again after STAMP_TTL_MS, or at once after a report in this process (stamps.ts). */
  check?: StampCheck;
}
const PROGRESS_STAMP = 'progress';
const reportCaches = new WeakMap<Direct, ReportCache>();

const REPORT_COLUMNS = `p."id", t."number" AS "taskNumber", u."name" AS "unitName", p."status", p."percent", p."text", p."createdAt", p."via",
  p."reporterId", p."reporterName", p."milestoneKey", p."occurrence", p."chatId", p."messageId"`;

function directReport(d: Direct, r: Record<string, unknown>): StoredReport {
  return Object.freeze({
    id: Number(r.id),
    taskNumber: Number(r.taskNumber),
    unitName: String(r.unitName),
    status: r.status as ProgressStatus,
    percent: r.percent === null || r.percent === undefined ? null : Number(r.percent),
    text: String(r.text ?? ''),
    at: d.readTime(r.createdAt),
    via: r.via as ProgressVia,
    reporterId: String(r.reporterId),
    reporterName: (r.reporterName as string | null) ?? null,
    milestoneKey: (r.milestoneKey as string | null) ?? null,
    occurrence: (r.occurrence as string | null) ?? null,
    chatId: (r.chatId as string | null) ?? null,
    messageId: (r.messageId as string | null) ?? null,
  });
}

const byTime = (a: StoredReport, b: StoredReport) => a.at.getTime() - b.at.getTime() || a.id - b.id;

async function cachedReports(db: DbTx, d: Direct): Promise<StoredReport[]> {
  const unitsVersion = await createMetaRepo(db).stamp(META_UNITS_VERSION);
  let c = reportCaches.get(d);
  if (!c || c.unitsVersion !== unitsVersion) reportCaches.set(d, (c = { unitsVersion, rows: [], lastId: 0, gaps: new Map() }));
  // A refresh started before this call may have read before the newest rows: wait for it, then read again.
  while (c.refreshing) await c.refreshing.catch(() => undefined);
  if (stampStillGood(PROGRESS_STAMP, c.check)) return c.rows;
  const cache = c;
  const check = checkStamp(PROGRESS_STAMP);
  cache.refreshing = refresh(d, cache)
    .then((rows) => ((cache.check = check), rows))
    .finally(() => (cache.refreshing = undefined));
  return cache.refreshing;
}

async function refresh(d: Direct, c: ReportCache): Promise<StoredReport[]> {
  const now = Date.now();
  for (const [id, since] of c.gaps) if (now - since > GAP_WAIT_MS) c.gaps.delete(id);
  const gapIds = [...c.gaps.keys()];
  const fresh = await d.all(
    `SELECT ${REPORT_COLUMNS} FROM "Progress" p JOIN "Task" t ON t."id" = p."taskId" JOIN "Unit" u ON u."id" = p."unitId"
     WHERE p."id" > ?${gapIds.length ? ` OR p."id" IN (${gapIds.map(() => '?').join(', ')})` : ''} ORDER BY p."id"`,
    [c.lastId, ...gapIds],
  );
  if (fresh.length === 0) return c.rows;
  const added: StoredReport[] = [];
  for (const raw of fresh) {
    const r = directReport(d, raw);
    c.gaps.delete(r.id);
    // Skipped ids after the first read may be reports still committing (a few at most; a long run is rolled-back inserts).
    if (c.lastId > 0 && r.id - c.lastId <= MAX_GAP) for (let id = c.lastId + 1; id < r.id; id++) c.gaps.set(id, now);
    if (r.id > c.lastId) c.lastId = r.id;
    added.push(r);
  }
  // A new array, so a caller holding the last one keeps what it read. Reports may be stamped earlier
  // than ones already read (a card answered late): kept in time order.
  added.sort(byTime);
  const last = c.rows[c.rows.length - 1];
  const rows = last && byTime(added[0], last) < 0 ? [...c.rows, ...added].sort(byTime) : [...c.rows, ...added];
  c.rows = Object.freeze(rows) as StoredReport[];
  return c.rows;
}

export function createProgressRepo(db: DbTx) {
  const direct = directOf(db);
  return {
    /** A new report; with a dedupeKey seen before, the earlier report's id and nothing new. */
    async record(p: NewProgress): Promise<number> {
      try {
        return await recordOnce(p);
      } finally {
        forgetStamp(PROGRESS_STAMP);
      }
    },
    /** Reports in time order. Unfiltered, on a client with the direct path: the kept snapshot (never changed in place). */
    async list(filter: { taskNumber?: number; unitName?: string } = {}): Promise<StoredReport[]> {
      if (direct && filter.taskNumber === undefined && !filter.unitName) return cachedReports(db, direct);
      const rows = await db.progress.findMany({
        where: {
          ...(filter.taskNumber !== undefined ? { task: { number: filter.taskNumber } } : {}),
          ...(filter.unitName ? { unit: { name: filter.unitName } } : {}),
        },
        include: { task: { select: { number: true } }, unit: { select: { name: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return (rows as Row[]).map(toRecord);
    },
  };

  /** The report as asked; record() says the kept reports are out of date whatever happened. */
  async function recordOnce(p: NewProgress): Promise<number> {
    const dedupeKey = p.dedupeKey ?? null;
    if (direct) return recordDirect(direct, p);
    if (dedupeKey) {
      const prior = await db.progress.findUnique({ where: { dedupeKey }, select: { id: true } });
      if (prior) return prior.id;
    }
    const task = await db.task.findUniqueOrThrow({ where: { number: p.taskNumber } });
    const unit = await db.unit.findUniqueOrThrow({ where: { name: p.unitName } });
    const create = () => db.progress.create({
      data: {
        taskId: task.id,
        unitId: unit.id,
        status: p.status,
        percent: p.percent,
        text: p.text,
        reporterId: p.reporterId,
        reporterName: p.reporterName ?? null,
        chatId: p.chatId ?? null,
        via: p.via,
        messageId: p.messageId ?? null,
        milestoneKey: p.milestoneKey ?? null,
        occurrence: p.occurrence ?? null,
        dedupeKey,
        createdAt: p.at,
      },
      select: { id: true },
    });
    let row: { id: number };
    try {
      row = await create();
    } catch (e) {
      // The same message processed twice at once (a claim taken over): the first report stands.
      if (!dedupeKey || !isUniqueViolation(e)) throw e;
      return (await db.progress.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } })).id;
    }
    await createAuditRepo(db).record({
      actor: p.reporterId,
      action: 'progress',
      subject: `task ${p.taskNumber} / ${p.unitName}`,
      detail: { progressId: row.id, status: p.status, percent: p.percent, via: p.via, chatId: p.chatId ?? null },
      source: sourceOf(p.via),
      at: p.at,
    });
    return row.id;
  }
}

const sourceOf = (via: ProgressVia) => (via === 'cli' ? 'cli' : via === 'console' ? 'console' : 'chat');

/** The report and its audit line in one transaction, on the direct path (the chat's hot path). */
async function recordDirect(d: Direct, p: NewProgress): Promise<number> {
  const prior = async () => (p.dedupeKey ? (await d.all<{ id: number }>(`SELECT "id" FROM "Progress" WHERE "dedupeKey" = ?`, [p.dedupeKey]))[0] : undefined);
  try {
    return await insertDirect(d, p);
  } catch (e) {
    // The same message processed twice at once (a claim taken over): the first report stands.
    const first = isDuplicateKey(e) ? await prior() : undefined;
    if (first) return Number(first.id);
    throw e;
  }
}

const auditDetail = (p: NewProgress, id: number | string) =>
  JSON.stringify({ progressId: id, status: p.status, percent: p.percent, via: p.via, chatId: p.chatId ?? null });

async function insertDirect(d: Direct, p: NewProgress): Promise<number> {
  if (d.dialect === 'postgresql') return insertInOneStatement(d, p);
  return d.transaction(async (q) => {
    // One round trip for the three lookups (on PostgreSQL each statement is one).
    const [ids] = await q.all<{ prior: number | null; task: number | null; unit: number | null }>(
      `SELECT (SELECT "id" FROM "Progress" WHERE "dedupeKey" = ?) AS "prior", (SELECT "id" FROM "Task" WHERE "number" = ?) AS "task",
        (SELECT "id" FROM "Unit" WHERE "name" = ?) AS "unit"`,
      [p.dedupeKey ?? null, p.taskNumber, p.unitName],
    );
    if (p.dedupeKey && ids?.prior != null) return Number(ids.prior);
    if (ids?.task == null || ids.unit == null) throw new Error(`progress for task ${p.taskNumber} / ${p.unitName}: not in the registry`);
    const [row] = await q.all<{ id: number }>(
      `INSERT INTO "Progress" ("taskId", "unitId", "milestoneKey", "occurrence", "percent", "status", "text", "reporterId", "reporterName", "chatId", "via", "messageId", "dedupeKey", "createdAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
      [ids.task, ids.unit, p.milestoneKey ?? null, p.occurrence ?? null, p.percent, p.status, p.text, p.reporterId, p.reporterName ?? null, p.chatId ?? null, p.via, p.messageId ?? null, p.dedupeKey ?? null, d.time(p.at)],
    );
    const id = Number(row.id);
    await q.run(`INSERT INTO "AuditEvent" ("at", "actor", "action", "subject", "detail", "source") VALUES (?, ?, 'progress', ?, ?, ?)`, [
      d.time(p.at),
      p.reporterId,
      `task ${p.taskNumber} / ${p.unitName}`,
      auditDetail(p, id),
      sourceOf(p.via),
    ]);
    return id;
  });
}

// On PostgreSQL every statement is a round trip (five for the transaction above): the lookups, the
// report and its audit line are one statement there, atomic as a statement is. The audit detail is
// the JSON above with the new id in place of its first value.
const DETAIL_HEAD = '{"progressId":';
const INSERT_IN_ONE = `WITH ids AS (
    SELECT (SELECT "id" FROM "Progress" WHERE "dedupeKey" = ?) AS "prior", (SELECT "id" FROM "Task" WHERE "number" = ?::int) AS "task",
      (SELECT "id" FROM "Unit" WHERE "name" = ?) AS "unit"
  ), ins AS (
    INSERT INTO "Progress" ("taskId", "unitId", "milestoneKey", "occurrence", "percent", "status", "text", "reporterId", "reporterName", "chatId", "via", "messageId", "dedupeKey", "createdAt")
    SELECT "task", "unit", ?, ?, ?::int, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamp(3) FROM ids WHERE "prior" IS NULL AND "task" IS NOT NULL AND "unit" IS NOT NULL
    RETURNING "id"
  ), audit AS (
    INSERT INTO "AuditEvent" ("at", "actor", "action", "subject", "detail", "source")
    SELECT ?::timestamp(3), ?, 'progress', ?, ? || ins."id" || ?, ? FROM ins
  )
  SELECT ids."prior", ids."task", ids."unit", ins."id" FROM ids LEFT JOIN ins ON TRUE`;

async function insertInOneStatement(d: Direct, p: NewProgress): Promise<number> {
  const detailTail = auditDetail(p, 0).slice(`${DETAIL_HEAD}0`.length);
  const [r] = await d.all<{ prior: number | null; task: number | null; unit: number | null; id: number | null }>(INSERT_IN_ONE, [
    p.dedupeKey ?? null,
    p.taskNumber,
    p.unitName,
    p.milestoneKey ?? null,
    p.occurrence ?? null,
    p.percent,
    p.status,
    p.text,
    p.reporterId,
    p.reporterName ?? null,
    p.chatId ?? null,
    p.via,
    p.messageId ?? null,
    p.dedupeKey ?? null,
    d.time(p.at),
    d.time(p.at),
    p.reporterId,
    `task ${p.taskNumber} / ${p.unitName}`,
    DETAIL_HEAD,
    detailTail,
    sourceOf(p.via),
  ]);
  if (p.dedupeKey && r?.prior != null) return Number(r.prior);
  if (r?.task == null || r.unit == null) throw new Error(`progress for task ${p.taskNumber} / ${p.unitName}: not in the registry`);
  return Number(r.id);
}

