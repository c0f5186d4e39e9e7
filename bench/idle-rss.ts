// Issue 4, idle memory: `npm start` in local console mode on a fresh database, stdin kept open;
// once the banner is out and nothing has been printed for IDLE_MS, the VmRSS of the tsx process
// tree is summed from /proc. Then stdin is closed (the console's normal exit) and the tree reaped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mb, REPO_ROOT, tempDir, type BenchRow } from './util.ts';

export const IDLE_MS = 3_000;
const BANNER = '督办 Duban — local console';
const START_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 10_000;

/** pid and its descendants, from /proc/<pid>/stat (field 4 is the parent pid). */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of parents.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function vmRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

export async function benchIdleRss(): Promise<BenchRow[]> {
  const tmp = tempDir('idle');
  const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: REPO_ROOT,
    // LARK_APP_ID empty = local console (an empty value also keeps a .env from filling it in).
    env: { ...process.env, DATABASE_URL: `file:${path.join(tmp.dir, 'idle.db')}`, LARK_APP_ID: '', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let lastOutput = performance.now();
  let bannerAt = 0;
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    lastOutput = performance.now();
    if (!bannerAt && out.includes(BANNER)) bannerAt = performance.now();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const t0 = performance.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited early (${child.exitCode}): ${out.slice(-400)}`);
      if (performance.now() - t0 > START_TIMEOUT_MS) throw new Error(`no banner and ${IDLE_MS} ms of quiet within ${START_TIMEOUT_MS} ms: ${out.slice(-400)}`);
      if (bannerAt && performance.now() - lastOutput >= IDLE_MS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = processTree(child.pid!);
    const parts = pids.map((pid) => ({ pid, comm: commOf(pid), rss: vmRssBytes(pid) }));
    const total = parts.reduce((n, p) => n + p.rss, 0);
    return [
      {
        bench: 'idle-rss',
        metric: 'npm start (local console), idle',
        value: mb(total),
        note: `VmRSS summed over ${parts.length} processes: ${parts.map((p) => `${p.comm} ${mb(p.rss)}`).join(' + ')}; banner after ${((bannerAt - t0) / 1000).toFixed(1)} s`,
      },
    ];
  } finally {
    child.stdin.end(); // the console's own way out: end of input closes the app
    const timer = setTimeout(() => {
      for (const pid of processTree(child.pid!).reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    tmp.cleanup();
  }
}
