// Idle memory of `npm start` (the command in package.json: node with its flags on scripts/start.mjs,
// the compiled bot), stdin kept open; once it is up and nothing has been printed for IDLE_MS, the
// VmRSS of the process tree is summed from /proc. Two runs: the local console on a fresh database
// (the plan imported on that first start), and ws mode against the fake Lark (in a worker here).
// Then stdin is closed (the console's normal exit) or the process stopped, and the tree reaped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mb, REPO_ROOT, tempDir, type BenchRow } from './util.ts';
import { startFakeLarkWorker } from './fake-lark-worker.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET } from '../tests/fakes/fake-lark.ts';

export const IDLE_MS = 3_000;
const BANNER = '督办 Duban — local console';
const WS_READY = 'lark long connection ready';
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

/** `npm start` as package.json spells it (VAR=value … node args), run without npm (npm's own process would be counted too). */
export function startCommand(): { env: Record<string, string>; args: string[] } {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [k, v] = words.shift()!.split('=');
    env[k] = v;
  }
  const [bin, ...args] = words;
  if (bin !== 'node') throw new Error(`npm start is "${pkg.scripts.start}", expected [VAR=value …] node …`);
  return { env, args };
}

async function idleRss(label: string, env: Record<string, string>, ready: string): Promise<BenchRow> {
  const tmp = tempDir('idle');
  const start = startCommand();
  const child = spawn(process.execPath, start.args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...start.env, DATABASE_URL: `file:${path.join(tmp.dir, 'idle.db')}`, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let lastOutput = performance.now();
  let readyAt = 0;
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    lastOutput = performance.now();
    if (!readyAt && out.includes(ready)) readyAt = performance.now();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const t0 = performance.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited early (${child.exitCode}): ${out.slice(-400)}`);
      if (performance.now() - t0 > START_TIMEOUT_MS) throw new Error(`not ready and ${IDLE_MS} ms quiet within ${START_TIMEOUT_MS} ms: ${out.slice(-400)}`);
      if (readyAt && performance.now() - lastOutput >= IDLE_MS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = processTree(child.pid!);
    const parts = pids.map((pid) => ({ pid, comm: commOf(pid), rss: vmRssBytes(pid) }));
    const total = parts.reduce((n, p) => n + p.rss, 0);
    return {
      bench: 'idle-rss',
      metric: label,
      value: mb(total),
      note: `VmRSS summed over ${parts.length} process${parts.length > 1 ? 'es' : ''}: ${parts.map((p) => `${p.comm} ${mb(p.rss)}`).join(' + ')}; ready after ${((readyAt - t0) / 1000).toFixed(1)} s; ${Object.entries(start.env).map(([k, v]) => `${k}=${v} `).join('')}node ${start.args.join(' ')}`,
    };
  } finally {
    child.stdin.end(); // the console's own way out: end of input closes the app
    child.kill('SIGTERM');
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

export async function benchIdleRss(): Promise<BenchRow[]> {
  // LARK_APP_ID empty = local console (an empty value also keeps a .env from filling it in).
  const rows = [await idleRss('npm start (local console), idle', { LARK_APP_ID: '', LOG_LEVEL: 'warn' }, BANNER)];
  const fake = await startFakeLarkWorker();
  try {
    rows.push(
      await idleRss(
        'npm start (ws mode, fake Lark), idle',
        { LARK_APP_ID: FAKE_APP_ID, LARK_APP_SECRET: FAKE_APP_SECRET, LARK_DOMAIN: fake.url, LARK_EVENT_MODE: 'ws' },
        WS_READY,
      ),
    );
  } finally {
    await fake.close();
  }
  return rows;
}
