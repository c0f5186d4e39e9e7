// PostgreSQL for the tests that run the store on it: set DUBAN_TEST_POSTGRES_URL to a server where the
// user may create databases (.ci/run starts one). Each test gets a fresh database, dropped afterwards.
import crypto from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.DUBAN_TEST_POSTGRES_URL ?? '';

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `duban_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
