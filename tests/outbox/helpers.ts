// Shared test helpers for the outbox: a throwaway SQLite database and a manually stepped clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/store/db.ts';

export async function openTestDb(): Promise<{ db: Db; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-outbox-'));
  const db = await openDb('file:' + path.join(dir, 'test.db'));
  return {
    db,
    close: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Virtual time: sleep(ms) parks a timer; run() repeatedly lets pending promise chains settle, then
 * jumps to the earliest timer. Nothing ever waits on the wall clock.
 */
export function createManualTime(start = 0) {
  let t = start;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((resolve) => void timers.push({ at: t + Math.max(0, ms), seq: seq++, resolve })),
    /** Runs until no timer is left. */
    async run(): Promise<void> {
      for (;;) {
        await settle();
        if (timers.length === 0) return;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift()!;
        t = Math.max(t, next.at);
        next.resolve();
      }
    },
  };
}

/** Largest number of timestamps inside any window [x, x + windowMs). */
export function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
