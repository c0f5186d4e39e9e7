// Opens the Prisma client on the configured database: SQLite (the embedded default, through the
// better-sqlite3 adapter) or PostgreSQL (through the pg adapter, for several replicas). Either way the
// client's connection also serves the direct statements of the hot path (direct.ts).
import { PrismaClient } from '../generated/prisma/client.ts';
import { migrateSqlite, sqlitePath } from './migrate.ts';
import { sqliteAdapter, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-adapter.ts';
import { startCheckpointer } from './sqlite-checkpoint.ts';
import { createPostgresDirect, createSqliteDirect, registerDirect } from './direct.ts';

export type Db = PrismaClient;
/** A client or an interactive transaction: repositories accept either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** PostgreSQL connections kept for storing inbound events (see Direct.ingress). */
export const INGRESS_CONNECTIONS = 2;

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

export interface OpenDbOptions {
  migrate?: boolean;
  /** SQLite: checkpoint the WAL on a worker thread, not in the commits of this (the bot's) event loop (see sqlite-checkpoint.ts). */
  backgroundCheckpoints?: { onError?: (e: Error) => void };
  /** PostgreSQL: an idle pooled connection the server closed (restart, failover, a terminated backend). */
  onConnectionLost?: (e: Error) => void;
}

export async function openDb(databaseUrl: string, opts: OpenDbOptions = {}): Promise<Db> {
  if (isPostgresUrl(databaseUrl)) {
    // Loaded only for PostgreSQL: an embedded (SQLite) install never pays for pg in memory.
    const [{ migratePostgres }, { PrismaPg }, { default: pg }, { PrismaClient: PgPrismaClient }] = await Promise.all([
      import('./migrate-postgres.ts'),
      import('@prisma/adapter-pg'),
      import('pg'),
      import('../generated/prisma-pg/client.ts'),
    ]);
    if (opts.migrate !== false) await migratePostgres(databaseUrl);
    const pool = new pg.Pool({ connectionString: databaseUrl });
    // Storing an inbound event (the ack waits for it) has connections of its own: it never queues
    // behind processing for one of the main pool's.
    const ingressPool = new pg.Pool({ connectionString: databaseUrl, max: INGRESS_CONNECTIONS, allowExitOnIdle: true });
    // The pool drops such a connection and opens another when next asked; unheard, its 'error'
    // event would end the process (seen: a database dropped while a pool was closing).
    for (const p of [pool, ingressPool]) p.on('error', (e) => opts.onConnectionLost?.(e));
    // Both clients are generated from the same models (scripts/generate-clients.mjs), so their query
    // API is the same; only the provider differs.
    const db = new PgPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    await db.$connect();
    registerDirect(db, createPostgresDirect(pool, pg.types, ingressPool));
    alsoOnDisconnect(db, () => ingressPool.end());
    return db;
  }
  if (opts.migrate !== false) migrateSqlite(databaseUrl);
  const adapter = sqliteAdapter(databaseUrl);
  const db = new PrismaClient({ adapter });
  await db.$connect();
  const connection = adapter.connection();
  if (connection) registerDirect(db, createSqliteDirect(connection.handle, connection.queue));
  const file = sqlitePath(databaseUrl);
  if (connection && opts.backgroundCheckpoints && file !== ':memory:') {
    const checkpoints = startCheckpointer(file, connection.handle, SQLITE_BUSY_TIMEOUT_MS, { onError: opts.backgroundCheckpoints.onError });
    // Stopped first: the worker's connection goes before the last one (which checkpoints on close).
    alsoOnDisconnect(db, () => checkpoints.stop(), 'before');
  }
  return db;
}

/** What else the client's $disconnect closes (what openDb started beside Prisma's own connection). */
function alsoOnDisconnect(db: Db, close: () => Promise<void>, when: 'before' | 'after' = 'after'): void {
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    if (when === 'before') await close();
    await disconnect();
    if (when === 'after') await close();
  };
}
