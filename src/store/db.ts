// Opens the Prisma client on the configured database (SQLite through the better-sqlite3 adapter).
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client.ts';
import { AppError } from '../errors.ts';
import { migrateSqlite } from './migrate.ts';

export type Db = PrismaClient;
/** A client or an interactive transaction: repositories accept either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export async function openDb(databaseUrl: string, opts: { migrate?: boolean } = {}): Promise<Db> {
  if (!databaseUrl.startsWith('file:')) {
    throw new AppError(
      'db',
      `DATABASE_URL ${databaseUrl.split('@').pop()}: only SQLite (file:...) is wired in this build; PostgreSQL needs its own generated client (see README)`,
    );
  }
  if (opts.migrate !== false) migrateSqlite(databaseUrl);
  const adapter = new PrismaBetterSQLite3({ url: databaseUrl });
  const db = new PrismaClient({ adapter });
  await db.$connect();
  return db;
}
