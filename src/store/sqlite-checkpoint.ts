// Checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that takes the
// WAL past 1000 pages: it copies the WAL into the database file and syncs it, on the thread that
// committed, which here is the one that acknowledges Lark (about half of what a write costs). The bot's
// connection turns it off; once the WAL has grown past START_BYTES, a worker thread with a connection of
// its own checkpoints every CHECKPOINT_EVERY_MS (PASSIVE: it never blocks a writer or a reader). Until
// then the WAL stays small, and no thread is started (an idle bot keeps its memory).
// If the worker fails, the connection's automatic checkpoint is turned back on.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The WAL size at which the worker starts (a few thousand writes). */
export const START_BYTES = 4 * 1024 * 1024;
export const CHECKPOINT_EVERY_MS = 1_000;
const WATCH_EVERY_MS = 1_000;
/** The page count SQLite's automatic checkpoint uses by default, restored when the worker fails. */
const AUTO_CHECKPOINT_PAGES = 1000;

interface Pragmas {
  pragma(s: string): unknown;
}

export interface CheckpointerOptions {
  startBytes?: number;
  everyMs?: number;
  watchEveryMs?: number;
  /** Told when the worker fails (automatic checkpoints are back on by then). */
  onError?: (e: Error) => void;
  /** Told after each checkpoint the worker made (tests). */
  onCheckpoint?: (r: { walFrames: number; checkpointed: number }) => void;
}

// The worker is plain CommonJS evaluated as a string: it runs the same from src/ (tsx) and dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyMs });
const pass = () => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ walFrames: r.log, checkpointed: r.checkpointed });
};
pass();
setInterval(pass, workerData.everyMs);
`;

export function startCheckpointer(file: string, connection: Pragmas, busyMs: number, opts: CheckpointerOptions = {}): { stop(): Promise<void> } {
  const wal = `${file}-wal`;
  const startBytes = opts.startBytes ?? START_BYTES;
  connection.pragma('wal_autocheckpoint = 0');
  let worker: Worker | undefined;
  let stopped = false;

  let failed = false;
  // Once: a worker that fails reports an error and then its exit.
  const fallBack = (e: Error) => {
    if (stopped || failed) return;
    failed = true;
    connection.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    opts.onError?.(e);
  };

  const watch = setInterval(() => {
    let size = 0;
    try {
      size = fs.statSync(wal).size;
    } catch {
      return; // no WAL yet
    }
    if (size < startBytes || worker || failed) return;
    clearInterval(watch);
    try {
      worker = new Worker(WORKER, {
        eval: true,
        workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), busyMs, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS },
      });
    } catch (e) {
      fallBack(e as Error);
      return;
    }
    worker.unref();
    worker.on('message', (r: { walFrames: number; checkpointed: number }) => opts.onCheckpoint?.(r));
    worker.on('error', fallBack);
    worker.on('exit', (code) => {
      if (!stopped) fallBack(new Error(`checkpoint worker exited with code ${code}`));
    });
  }, opts.watchEveryMs ?? WATCH_EVERY_MS);
  watch.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(watch);
      await worker?.terminate();
    },
  };
}
