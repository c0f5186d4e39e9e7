// Inserts an ack waits for, arriving in one turn of the event loop, commit in one SQLite transaction:
// each caller gets its own row (or its own error) once that transaction has committed.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/store/group-commit.ts';
import { createInboundRepo } from '../../src/store/inbound-repo.ts';
import { openTestDb, type TestDb } from '../support/test-db.ts';

const AT = new Date('2027-02-22T01:30:00Z');

/** A real connection, its statements counted; the queue runs each holder at once. */
function counted() {
  const raw = new Database(':memory:');
  raw.exec(`CREATE TABLE "Event" ("id" INTEGER PRIMARY KEY, "eventId" TEXT NOT NULL UNIQUE, "note" TEXT CHECK ("note" <> 'bad'))`);
  const log: string[] = [];
  const q = {
    all: async <T>(sql: string, params: unknown[] = []) => raw.prepare(sql).all(...params) as T[],
    run: async (sql: string, params: unknown[] = []) => Number(raw.prepare(sql).run(...params).changes),
    begin: () => void (log.push('BEGIN'), raw.prepare('BEGIN IMMEDIATE').run()),
    commit: () => void (log.push('COMMIT'), raw.prepare('COMMIT').run()),
    rollback: () => void (log.push('ROLLBACK'), raw.prepare('ROLLBACK').run()),
  };
  const ingress = createGroupCommit(q, (fn) => fn());
  const insert = (eventId: string, note = 'ok') =>
    ingress.all<{ id: number }>(`INSERT INTO "Event" ("eventId", "note") VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING "id"`, [eventId, note]);
  return { raw, log, ingress, insert, q };
}

describe('inserts of one turn commit together', () => {
  it('several arriving in one turn: one transaction, each its own row', async () => {
    const c = counted();
    const rows = await Promise.all(['ev_1', 'ev_2', 'ev_3', 'ev_4'].map((e) => c.insert(e)));
    expect(c.log).toEqual(['BEGIN', 'COMMIT']);
    expect(rows.map((r) => r[0]?.id)).toEqual([1, 2, 3, 4]);
    expect(c.raw.prepare('SELECT "eventId" FROM "Event" ORDER BY "id"').pluck().all()).toEqual(['ev_1', 'ev_2', 'ev_3', 'ev_4']);
  });

  it('a lone insert runs on its own, no transaction around it', async () => {
    const c = counted();
    expect(await c.insert('ev_1')).toEqual([{ id: 1 }]);
    expect(c.log).toEqual([]);
  });

  it('a failing statement fails only its caller; the others commit', async () => {
    const c = counted();
    const out = await Promise.allSettled([c.insert('ev_1'), c.insert('ev_2', 'bad'), c.insert('ev_3')]);
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((out[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    expect(c.raw.prepare('SELECT "eventId" FROM "Event" ORDER BY "id"').pluck().all()).toEqual(['ev_1', 'ev_3']);
  });

  it('the same event twice in one turn: stored once, the second gets no row', async () => {
    const c = counted();
    const [a, b] = await Promise.all([c.insert('ev_1'), c.insert('ev_1')]);
    expect(a).toEqual([{ id: 1 }]);
    expect(b).toEqual([]);
  });

  it('nobody hears "stored" before the commit: a commit that fails fails every caller of the batch', async () => {
    const c = counted();
    const heard: string[] = [];
    const commit = () => {
      throw new Error('disk I/O error');
    };
    const failing = createGroupCommit({ ...c.q, commit }, (fn) => fn());
    const out = await Promise.allSettled(
      ['ev_1', 'ev_2'].map((e) =>
        failing.all(`INSERT INTO "Event" ("eventId") VALUES (?) RETURNING "id"`, [e]).then((r) => {
          heard.push(e);
          return r;
        }),
      ),
    );
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(heard).toEqual([]);
    expect(c.raw.prepare('SELECT COUNT(*) FROM "Event"').pluck().get()).toBe(0);
  });
});

describe('the bot\'s inbound store on SQLite', () => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a burst stored in one turn: every event once, a redelivery in the same turn told apart', async () => {
    t = await openTestDb();
    const repo = createInboundRepo(t.db);
    const events = Array.from({ length: 8 }, (_, i) => ({ eventId: `ev_${i}`, messageId: `om_${i}`, type: 'message', payload: '{}', now: AT }));
    const results = await Promise.all([...events, events[3]].map((e) => repo.store(e)));
    const stored = results.filter((r) => r.stored);
    expect(stored).toHaveLength(8);
    expect(new Set(stored.map((r) => (r.stored ? r.id : 0))).size).toBe(8);
    const again = results[8];
    expect(again.stored).toBe(false);
    expect(again.stored === false && again.duplicateOf).toBe(results[3].stored && results[3].id);
    expect(await t.db.inboundEvent.count()).toBe(8);
  });
});
