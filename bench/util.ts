// Shared bits of the benches: result rows, timing statistics, memory readings, throwaway databases.
// Benches print figures; nothing here asserts a timing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { openDb, type Db } from '../src/store/db.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchRow {
  bench: string;
  metric: string;
  value: string;
  /** What the figure is compared against, or how it was obtained. */
  note?: string;
}

export type Bench = () => Promise<BenchRow[]>;

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const perSec = (v: number) => `${v.toFixed(0)}/s`;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs fn n times (after one untimed warm-up when warm is set); returns each run's ms. */
export async function timeRuns(n: number, fn: () => unknown, opts: { warm?: boolean } = {}): Promise<number[]> {
  if (opts.warm) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

let gcFn: (() => void) | undefined;
/** A full GC without --expose-gc on the command line (the flag is set at run time, then read from a fresh context). */
export function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

export interface MemoryDelta {
  /** Heap after − before, garbage included (what the work allocated and had not yet given back). */
  heapDelta: number;
  /** Heap after a full GC with the result still referenced − before. */
  retained: number;
  /** Growth of the process's peak RSS (getrusage maxrss) across the work; 0 if an earlier peak was higher. */
  peakRssGrowth: number;
  rssBefore: number;
}

/** Memory across one run of fn; the result is kept alive until the retained reading is taken. */
export async function measureMemory<T>(fn: () => T | Promise<T>): Promise<{ result: T; mem: MemoryDelta }> {
  gc();
  const before = process.memoryUsage();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const result = await fn();
  const after = process.memoryUsage();
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  gc();
  const settled = process.memoryUsage();
  return {
    result,
    mem: {
      heapDelta: after.heapUsed - before.heapUsed,
      retained: settled.heapUsed - before.heapUsed,
      peakRssGrowth: Math.max(0, peakAfter - peakBefore),
      rssBefore: before.rss,
    },
  };
}

/** A directory in os.tmpdir() removed by cleanup(); every bench database lives in one. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `duban-bench-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, migrated SQLite file in dir. */
export async function freshDb(dir: string, name: string): Promise<{ db: Db; url: string }> {
  const url = `file:${path.join(dir, `${name}.db`)}`;
  return { db: await openDb(url), url };
}

export function formatTable(rows: BenchRow[]): string {
  const head = { bench: 'bench', metric: 'metric', value: 'value', note: 'note' };
  const all = [head, ...rows.map((r) => ({ ...r, note: r.note ?? '' }))];
  const w = (k: keyof typeof head) => Math.max(...all.map((r) => displayWidth(r[k])));
  const widths = { bench: w('bench'), metric: w('metric'), value: w('value') };
  const line = (r: typeof head) =>
    `${pad(r.bench, widths.bench)}  ${pad(r.metric, widths.metric)}  ${padStart(r.value, widths.value)}  ${r.note}`.trimEnd();
  return [line(head), '-'.repeat(widths.bench + widths.metric + widths.value + 10), ...all.slice(1).map(line)].join('\n');
}

/** Terminal columns: CJK characters take two. */
function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - displayWidth(s))) + s;
