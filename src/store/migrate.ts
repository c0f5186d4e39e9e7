// Applies prisma/migrations/*/migration.sql to a SQLite database, recording them in Prisma's own
// _prisma_migrations table (same checksum), so `prisma migrate deploy` agrees about what ran.
// Done in-process because Prisma's CLI is slow to start and cannot fetch its engines here.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../paths.ts';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

export function sqlitePath(databaseUrl: string): string {
  const p = databaseUrl.replace(/^file:/, '').replace(/\?.*$/, '');
  return p === ':memory:' ? p : path.resolve(p);
}

export function migrateSqlite(databaseUrl: string, dir = MIGRATIONS_DIR): string[] {
  const file = sqlitePath(databaseUrl);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const done = new Set(
      (db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').all() as { migration_name: string }[]).map(
        (r) => r.migration_name,
      ),
    );
    const applied: string[] = [];
    const names = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'migration.sql'))).sort();
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = crypto.createHash('sha256').update(sql).digest('hex');
      db.transaction(() => {
        db.exec(sql);
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`,
        ).run(crypto.randomUUID(), checksum, name);
      })();
      applied.push(name);
    }
    return applied;
  } finally {
    db.close();
  }
}
