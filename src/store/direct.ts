// Direct SQL for the hot path: storing and claiming inbound events, queueing and claiming outbox rows,
// the version stamps the caches check. Prisma's client compiles every query (1-2 ms each here);
// these few statements run on the same connection instead (SQLite: the adapter's better-sqlite3 handle,
// behind the adapter's queue, so they never land inside someone's open transaction; PostgreSQL: the
// pool Prisma uses) and take microseconds. Everything else stays on Prisma.
//
// The SQL is written once, with ? placeholders and double-quoted identifiers (Prisma's table names);
// dialect differences are in the parameters: times are stored as Prisma stores them.
import type pg from 'pg';
import { createGroupCommit } from './group-commit.ts';

export type Dialect = 'sqlite' | 'postgresql';

export interface Direct {
  readonly dialect: Dialect;
  /** Rows of a SELECT, or of an INSERT/UPDATE … RETURNING. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** A time as a query parameter, in the column format Prisma writes. */
  time(d: Date): unknown;
  /** A time column as read back. */
  readTime(v: unknown): Date;
  /** Statements that must commit together; nothing else runs on the connection meanwhile. */
  transaction<T>(fn: (q: DirectQueries) => Promise<T>): Promise<T>;
  /**
   * Where inbound events are stored before the ack: a path of its own (PostgreSQL: a small pool
   * processing never holds; SQLite: the front of the connection's queue), so an ack never waits behind processing.
   */
  readonly ingress?: DirectQueries;
}

export type DirectQueries = Pick<Direct, 'all' | 'run'>;

interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint };
}

export interface SqliteHandle {
  prepare(sql: string): SqliteStatement;
}

const toSqlite = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Prisma's SQLite adapter keeps DateTime as ISO 8601 text with an explicit +00:00. */
const sqliteTime = (d: Date) => d.toISOString().replace('Z', '+00:00');

function readAnyTime(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v));
  const s = String(v);
  // PostgreSQL TIMESTAMP(3) holds UTC without a zone; SQLite text may lack one (CURRENT_TIMESTAMP).
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

/** Integers come back as bigint (the adapter turns safe integers on): numbers for our ids and counts. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
}

export function createSqliteDirect(handle: SqliteHandle, queue: <T>(fn: () => Promise<T>, urgent?: boolean) => Promise<T>): Direct {
  const statements = new Map<string, SqliteStatement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = handle.prepare(sql)));
    return s;
  };
  // Synchronous under the hood (better-sqlite3): inside the queue, nothing interleaves.
  const q: DirectQueries = {
    all: async <T>(sql: string, params: unknown[] = []) => (stmt(sql).all(...params.map(toSqlite)) as Record<string, unknown>[]).map(plainRow) as T[],
    run: async (sql, params = []) => Number(stmt(sql).run(...params.map(toSqlite)).changes),
  };
  return {
    dialect: 'sqlite',
    all: (sql, params) => queue(() => q.all(sql, params)),
    run: (sql, params) => queue(() => q.run(sql, params)),
    // The same connection, ahead of everything else in its queue; those of one turn commit together.
    ingress: createGroupCommit(
      { ...q, begin: () => void stmt('BEGIN IMMEDIATE').run(), commit: () => void stmt('COMMIT').run(), rollback: () => void stmt('ROLLBACK').run() },
      queue,
    ),
    time: sqliteTime,
    readTime: readAnyTime,
    transaction: (fn) =>
      queue(async () => {
        stmt('BEGIN IMMEDIATE').run();
        try {
          const out = await fn(q);
          stmt('COMMIT').run();
          return out;
        } catch (e) {
          stmt('ROLLBACK').run();
          throw e;
        }
      }),
  };
}

const TIMESTAMP_OID = 1114;

/** `?` → `$1, $2, …`; a ? inside a quoted literal or identifier stays as it is (SQLite reads it so too). */
function numbered(sql: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = '';
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

type PgTypeParsers = { getTypeParser(oid: number, format?: string): unknown };

/** `pgTypes` is pg's `types` (passed in so that SQLite installs never load pg); `ingressPool` serves Direct.ingress. */
export function createPostgresDirect(pool: pg.Pool, pgTypes: PgTypeParsers, ingressPool?: pg.Pool): Direct {
  // Named statements: PostgreSQL parses and plans each once per connection, not on every call (the
  // same few statements run for every message).
  const texts = new Map<string, { name: string; text: string }>();
  const text = (sql: string) => {
    let t = texts.get(sql);
    if (!t) texts.set(sql, (t = { name: `duban_${texts.size + 1}`, text: numbered(sql) }));
    return t;
  };
  // TIMESTAMP(3) is UTC wall time without a zone (Prisma's mapping): read it as UTC, not local time.
  const types = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMP_OID ? readAnyTime : pgTypes.getTypeParser(oid, format)) };
  const on = (c: pg.Pool | pg.PoolClient): DirectQueries => ({
    all: async <T>(sql: string, params: unknown[] = []) => (await c.query({ ...text(sql), values: params, types } as unknown as pg.QueryConfig)).rows as T[],
    run: async (sql, params = []) => (await c.query({ ...text(sql), values: params, types } as unknown as pg.QueryConfig)).rowCount ?? 0,
  });
  const q = on(pool);
  return {
    dialect: 'postgresql',
    all: q.all,
    run: q.run,
    ...(ingressPool ? { ingress: on(ingressPool) } : {}),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(on(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    // UTC wall time: PostgreSQL drops an offset on a column without a zone instead of converting.
    time: (d) => d.toISOString().replace('Z', ''),
    readTime: readAnyTime,
  };
}

/** A unique key violated, as either driver reports it. */
export function isDuplicateKey(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505' || code === 'P2002';
}

// Top-level clients only: a transaction's client has no entry, and its callers use Prisma (so that
// what they write is part of the transaction).
const directs = new WeakMap<object, Direct>();

export function registerDirect(db: object, direct: Direct): void {
  directs.set(db, direct);
}

export function directOf(db: object): Direct | undefined {
  return directs.get(db);
}
