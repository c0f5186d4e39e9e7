// WAL checkpoints on a worker thread: the bot's connection no longer checkpoints in its commits; the
// worker copies what was committed into the database file; if it cannot, the connection takes over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite-checkpoint.ts';

const dirs: string[] = [];
const tempDb = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'c.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  return { dir, file, db };
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('background checkpoints', () => {
  it('the connection stops checkpointing in its commits; the worker copies every committed page into the file', async () => {
    const { file, db } = tempDb();
    const passes: { walFrames: number; checkpointed: number }[] = [];
    const c = startCheckpointer(file, db, 1000, { startBytes: 1, watchEveryMs: 10, everyMs: 10, onCheckpoint: (r) => passes.push(r) });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(2000));
      const fileBefore = fs.statSync(file).size;
      for (const until = Date.now() + 10_000; Date.now() < until; ) {
        const last = passes[passes.length - 1];
        if (last && last.walFrames > 0 && last.checkpointed === last.walFrames) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const last = passes[passes.length - 1]!;
      expect(last.walFrames).toBeGreaterThan(0);
      expect(last.checkpointed).toBe(last.walFrames);
      // The rows are in the database file itself now, not only in the WAL.
      expect(fs.statSync(file).size).toBeGreaterThan(fileBefore + 200 * 2000);
    } finally {
      await c.stop();
    }
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(200);
    db.close();
  });

  it('when the worker cannot checkpoint, the connection checkpoints in its commits again and the failure is told', async () => {
    const { dir, db } = tempDb();
    // A directory where the worker expects the database: it cannot open it.
    const broken = path.join(dir, 'broken.db');
    fs.mkdirSync(broken);
    fs.mkdirSync(`${broken}-wal`);
    let failure: Error | undefined;
    const c = startCheckpointer(broken, db, 1000, { startBytes: 1, watchEveryMs: 10, onError: (e) => (failure = e) });
    try {
      for (const until = Date.now() + 10_000; !failure && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      expect(failure).toMatchObject({ code: 'SQLITE_CANTOPEN' });
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await c.stop();
      db.close();
    }
  });
});
