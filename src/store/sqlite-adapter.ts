// The SQLite driver adapter Duban uses: Prisma's better-sqlite3 adapter with three changes.
//
// 1. One queue for the one connection. Prisma's adapter serialises transactions with each other but
//    runs any other query at once, on the same connection: a query issued while a transaction is open
//    becomes part of it, and is rolled back with it. (Seen: an inbound event stored and acknowledged
//    during a transaction that later rolled back was gone.) Here every statement outside a transaction
//    waits for the open transaction to end, so a write is in exactly the transaction it was meant for.
// 2. Write transactions start with BEGIN IMMEDIATE. A deferred transaction that has read and then
//    writes after another process (the CLI) committed fails at once with SQLITE_BUSY, whatever the
//    busy timeout; taking the write lock up front makes it wait for the lock instead.
// 3. WAL, synchronous=NORMAL and a busy timeout, so the bot and one-shot CLI runs share a file.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import type { SqliteHandle } from './direct.ts';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** How many turns an ordinary holder gives way at most to urgent ones (then it goes next). */
export const MAX_GIVE_WAY = 8;

/**
 * The connection's queue: one holder at a time. An ordinary holder's turn starts on a later turn of
 * the event loop (setImmediate): better-sqlite3 runs statements synchronously, so without that a
 * message's processing (a chain of statements) would run to its end before any waiting request is
 * read. Urgent holders (the insert an ack waits for) go before ordinary ones; while urgent ones keep
 * arriving, an ordinary one waits up to MAX_GIVE_WAY turns, so a burst is acknowledged first and
 * processing still goes on. Holders of one kind keep their order.
 */
export function createSerialLock() {
  type Waiter = { grant: () => void };
  const urgent: Waiter[] = [];
  const ordinary: Waiter[] = [];
  let held = false;
  let scheduled = false;
  let urgentAsked = 0;
  let urgentSeen = 0;
  let gaveWay = 0;

  function schedule(): void {
    if (held || scheduled || (urgent.length === 0 && ordinary.length === 0)) return;
    scheduled = true;
    setImmediate(turn);
  }

  function grant(w: Waiter): void {
    held = true;
    w.grant();
  }

  function turn(): void {
    scheduled = false;
    if (held) return;
    const arrived = urgentAsked !== urgentSeen;
    urgentSeen = urgentAsked;
    if (ordinary.length > 0 && gaveWay >= MAX_GIVE_WAY) {
      gaveWay = 0;
      return grant(ordinary.shift()!);
    }
    if (urgent.length > 0) {
      if (ordinary.length > 0) gaveWay++;
      return grant(urgent.shift()!);
    }
    if (ordinary.length === 0) return;
    if (arrived) {
      // Urgent work came in since the last turn: one more turn for what may follow it.
      gaveWay++;
      scheduled = true;
      setImmediate(turn);
      return;
    }
    gaveWay = 0;
    grant(ordinary.shift()!);
  }

  return {
    /** Resolves with a release function once it is this holder's turn. */
    acquire(isUrgent = false): Promise<() => void> {
      return new Promise((resolve) => {
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          held = false;
          schedule();
        };
        const w = { grant: () => resolve(release) };
        if (isUrgent) {
          urgentAsked++;
          // Nothing held or waiting: at once, not on a later turn.
          if (!held && !scheduled && urgent.length === 0 && ordinary.length === 0) return grant(w);
          urgent.push(w);
        } else ordinary.push(w);
        schedule();
      });
    },
    async run<T>(fn: () => Promise<T>, isUrgent = false): Promise<T> {
      const release = await this.acquire(isUrgent);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

interface RawClient extends SqliteHandle {
  pragma(s: string): unknown;
}

/** The connection as the direct statements use it: the handle, and the queue they wait in. */
export interface SqliteConnection {
  handle: SqliteHandle & Pick<RawClient, 'pragma'>;
  /** `urgent`: ahead of every ordinary holder (what an ack waits for). */
  queue<T>(fn: () => Promise<T>, urgent?: boolean): Promise<T>;
}

function serialize(inner: SqlDriverAdapter, raw: RawClient, lock: ReturnType<typeof createSerialLock>): SqlDriverAdapter {
  const prepare = raw.prepare.bind(raw);
  raw.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => lock.run(() => inner.queryRaw(q)),
    executeRaw: (q: SqlQuery) => lock.run(() => inner.executeRaw(q)),
    executeScript: (s: string) => lock.run(() => inner.executeScript(s)),
    async startTransaction(isolationLevel) {
      const release = await lock.acquire();
      let tx: Transaction;
      try {
        tx = await inner.startTransaction(isolationLevel);
      } catch (e) {
        release();
        throw e;
      }
      let open = true;
      const end = () => {
        if (open) release();
        open = false;
      };
      return {
        provider: tx.provider,
        adapterName: tx.adapterName,
        options: tx.options,
        queryRaw: (q: SqlQuery) => tx.queryRaw(q),
        executeRaw: (q: SqlQuery) => tx.executeRaw(q),
        async commit() {
          try {
            await tx.commit();
          } finally {
            end();
          }
        },
        async rollback() {
          try {
            await tx.rollback();
          } finally {
            end();
          }
        },
      };
    },
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo!() } : {}),
    dispose: () => inner.dispose(),
  };
}

/**
 * The adapter factory for `new PrismaClient({ adapter })` on a SQLite file. `connection()` gives the
 * direct statements the same connection and queue once Prisma has connected.
 */
export function sqliteAdapter(url: string): SqlDriverAdapterFactory & { connection(): SqliteConnection | undefined } {
  const inner = new PrismaBetterSQLite3({ url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  let connection: SqliteConnection | undefined;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      const raw = (adapter as unknown as { client: RawClient }).client;
      const lock = createSerialLock();
      connection = { handle: raw, queue: (fn, urgent) => lock.run(fn, urgent) };
      return serialize(adapter, raw, lock);
    },
    connection: () => connection,
  };
}
