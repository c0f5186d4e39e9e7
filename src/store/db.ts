// Opens the Prisma client on the configured database: SQLite (the embedded default, through the
// better-sqlite3 adapter) or PostgreSQL (through the pg adapter, for several replicas).
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { PrismaClient as PgPrismaClient } from '../generated/prisma-pg/client.ts';
import { migrateSqlite } from './migrate.ts';
import { migratePostgres } from './migrate-postgres.ts';

export type Db = PrismaClient;
/** A client or an interactive transaction: repositories accept either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

export async function openDb(databaseUrl: string, opts: { migrate?: boolean } = {}): Promise<Db> {
  if (isPostgresUrl(databaseUrl)) {
    if (opts.migrate !== false) await migratePostgres(databaseUrl);
    // Both clients are generated from the same models (scripts/generate-clients.mjs), so their query
    // API is the same; only the provider differs.
    const db = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) }) as unknown as Db;
    await db.$connect();
    return db;
  }
  if (opts.migrate !== false) migrateSqlite(databaseUrl);
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
  await db.$connect();
  return db;
}
