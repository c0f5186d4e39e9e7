// A throwaway SQLite database with the real migrations, for store and job tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/store/db.ts';

export interface TestDb {
  db: Db;
  url: string;
  dir: string;
  close(): Promise<void>;
}

export async function openTestDb(prefix = 'duban-test-'): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const url = 'file:' + path.join(dir, 'test.db');
  const db = await openDb(url);
  return {
    db,
    url,
    dir,
    close: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const REGISTRY_FILES = { unitsPath: 'data/units.json', overridesPath: 'data/plan-overrides.json' };
