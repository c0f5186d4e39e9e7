// Chat: message events through the webhook path (real receiver, encrypted and signed bodies, the app's
// inbound pipeline: store → ack → worker → route → outbox reply → fake Lark), beside the SDK's bare
// EventDispatcher behind a plain http server with a no-op handler, on bodies sealed the same way.
//
// Two loads, each on the pipeline and on the bare dispatcher:
//  - burst: CHAT_EVENTS events with CHAT_CONCURRENCY requests in flight (closed loop): how fast events
//    are acknowledged (the pace Lark needs), and how fast replies follow;
//  - steady: STEADY_RATE events a second for STEADY_SECONDS (open loop, sent on schedule whatever the
//    answers): latency from request to ack and to the reply reaching the fake.
// The bot runs as deployed, `npm start` (compiled JavaScript, package.json's node flags) in its own
// process: on SQLite one, on PostgreSQL two replicas behind one address (a round-robin proxy), each
// processing what it received.
// Lost (never answered) and answered-twice are counted.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import pg from 'pg';
import { createRegistryRepo } from '../src/store/registry-repo.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { freePort } from '../tests/integration/helpers.ts';
import { startCommand } from './idle-rss.ts';
// @ts-expect-error plain JavaScript build script, no declarations
import { build, isStale } from '../scripts/build.mjs';
import { encryptForLark, FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, makeEnvelope } from '../tests/fakes/fake-lark.ts';
import { startFakeLarkWorker, type RemoteFakeLark } from './fake-lark-worker.ts';
import { driveLoad, type Driven, type LoadEvent } from './load-worker.ts';
import { ms, percentile, perSec, REPO_ROOT, tempDir, type BenchRow } from './util.ts';

export const CHAT_EVENTS = 2_000;
export const CHAT_WARMUP = 500;
/** The bare dispatcher: warmed up longer (its code is compiled in this process), then measured BARE_BURSTS times. */
const BARE_WARMUP = 500;
const BARE_BURSTS = 3;
/** Requests in flight at once in the burst, like a platform delivering to one app. */
export const CHAT_CONCURRENCY = 8;
export const STEADY_RATE = 200;
export const STEADY_SECONDS = 10;
/** Group chats the messages come from, each bound to one unit. */
export const CHAT_GROUPS = 40;
/** Replies go through the outbox limiter: scaled so the pipeline, not Lark's 50/s, is measured. */
export const CHAT_RATE_LIMITS = { appPerSecond: 2_000, appPerMinute: 120_000, chatPerSecond: 200 };
const REPLY_WAIT_MS = 120_000;
const ENCRYPT_KEY = 'bench-encrypt-key-0001';
const TOKEN = 'bench-verification-token';


/** A body as Lark posts it; signed when the request is made (the receiver refuses stale timestamps). */
type Sealed = LoadEvent;

/** Builds the platform's bodies up front: encryption is the platform's work, not ours. */
function buildEvents(n: number, prefix: string, groups: { chatId: string; task: number }[]): Sealed[] {
  return Array.from({ length: n }, (_, i) => {
    const g = groups[i % groups.length];
    const messageId = `om_${prefix}_${i}`;
    const words = i % 2 === 0 ? '我的任务' : `进度 ${g.task} 50% 推进中`;
    const envelope = makeEnvelope(
      'im.message.receive_v1',
      {
        sender: { sender_id: { open_id: `ou_bench_${i % 97}` }, sender_type: 'user', tenant_key: 'fake-tenant' },
        message: {
          message_id: messageId,
          create_time: String(Date.now()),
          chat_id: g.chatId,
          chat_type: 'group',
          message_type: 'text',
          content: JSON.stringify({ text: `@_user_1 ${words}` }),
          mentions: [{ key: '@_user_1', id: { open_id: FAKE_BOT_OPEN_ID }, name: '督办', tenant_key: 'fake-tenant' }],
        },
      },
      { token: TOKEN, eventId: `ev_${prefix}_${i}` },
    );
    const raw = JSON.stringify({ encrypt: encryptForLark(envelope, ENCRYPT_KEY) });
    return { messageId, raw };
  });
}

const burst = (url: string, events: Sealed[], concurrency: number): Promise<Driven> => driveLoad({ mode: 'burst', url, events, encryptKey: ENCRYPT_KEY, concurrency });
const steady = (url: string, events: Sealed[], rate: number): Promise<Driven> => driveLoad({ mode: 'steady', url, events, encryptKey: ENCRYPT_KEY, rate });

/** Waits until every event got a reply at the fake (or the wait ends); replies per event and their arrival. */
async function replies(fake: RemoteFakeLark, from: number, ids: Set<string>): Promise<{ at: Map<string, number>; count: Map<string, number>; next: number }> {
  const at = new Map<string, number>();
  const count = new Map<string, number>();
  let index = from;
  const deadline = performance.now() + REPLY_WAIT_MS;
  while (performance.now() < deadline) {
    const fresh = await fake.sentFrom(index);
    index += fresh.length;
    for (const s of fresh) {
      if (!s.parentId || !ids.has(s.parentId)) continue;
      count.set(s.parentId, (count.get(s.parentId) ?? 0) + 1);
      if (!at.has(s.parentId)) at.set(s.parentId, s.at);
    }
    if (at.size >= ids.size) {
      // A moment more, to see a second answer if there were one.
      await new Promise((r) => setTimeout(r, 300));
      for (const s of await fake.sentFrom(index)) if (s.parentId && ids.has(s.parentId)) count.set(s.parentId, (count.get(s.parentId) ?? 0) + 1);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { at, count, next: index };
}

interface Pipeline {
  label: string;
  /** For message ids (Lark's ids are plain ASCII). */
  slug: string;
  url: string;
  groups: { chatId: string; task: number }[];
  fake: RemoteFakeLark;
  close(): Promise<void>;
}

function envOf(databaseUrl: string, fakeUrl: string): Record<string, string> {
  const data = (f: string) => path.join(REPO_ROOT, 'data', f);
  return {
    DATABASE_URL: databaseUrl,
    LARK_APP_ID: FAKE_APP_ID,
    LARK_APP_SECRET: FAKE_APP_SECRET,
    LARK_DOMAIN: fakeUrl,
    LARK_EVENT_MODE: 'webhook',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: TOKEN,
    PORT: '0',
    DUBAN_PLAN: data('plan.txt'),
    DUBAN_UNITS: data('units.json'),
    DUBAN_OVERRIDES: data('plan-overrides.json'),
    DUBAN_POLICY: data('reminder-policy.json'),
    DUBAN_HOLIDAYS: data('holidays-override.json'),
    DUBAN_RATE_APP_PER_SECOND: String(CHAT_RATE_LIMITS.appPerSecond),
    DUBAN_RATE_APP_PER_MINUTE: String(CHAT_RATE_LIMITS.appPerMinute),
    DUBAN_RATE_CHAT_PER_SECOND: String(CHAT_RATE_LIMITS.chatPerSecond),
    LOG_LEVEL: 'silent',
  };
}

/** The bot as deployed: `npm start` in its own process (a replica, on PostgreSQL). */
async function startProcessReplica(env: Record<string, string>): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const start = startCommand();
  // DUBAN_BENCH_REPLICA_NODE_ARGS: extra node flags for the replicas (say --cpu-prof), when looking into one.
  const extra = process.env.DUBAN_BENCH_REPLICA_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...extra, ...start.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...start.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => void (err = (err + b.toString('utf8')).slice(-2000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`replica exited (${child.exitCode}): ${err}`);
    if (performance.now() > deadline) throw new Error(`replica not healthy within 60 s: ${err}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Round robin over the replicas' ports: the one address Lark posts to. */
async function roundRobin(ports: number[]): Promise<{ url: string; close(): Promise<void> }> {
  let i = 0;
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const port = ports[i++ % ports.length];
    const up = http.request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers, agent: upstream }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** The Jin'an plan, one chat bound to each of the first units that lead a task (and such a task for 进度). */
async function bindGroups(db: Db): Promise<{ chatId: string; task: number }[]> {
  const tasks = await createRegistryRepo(db).listTasks();
  const leads = new Map<string, number>();
  for (const t of tasks) for (const u of t.units) if (u.role === 'lead' && !leads.has(u.name)) leads.set(u.name, t.number);
  const groups: { chatId: string; task: number }[] = [];
  for (const [name, task] of [...leads].slice(0, CHAT_GROUPS)) {
    const chatId = `oc_bench_group_${groups.length}`;
    await db.unit.update({ where: { name }, data: { chatId } });
    groups.push({ chatId, task });
  }
  await db.meta.update({ where: { key: 'unitsVersion' }, data: { value: `bench-${Date.now()}` } });
  return groups;
}

async function sqlitePipeline(): Promise<Pipeline> {
  const fake = await startFakeLarkWorker();
  const tmp = tempDir('chat');
  const databaseUrl = `file:${path.join(tmp.dir, 'chat.db')}`;
  if (isStale()) build({ quiet: true });
  let r;
  try {
    // As deployed: `npm start` in its own process; it imports the plan on its first start.
    r = await startProcessReplica(envOf(databaseUrl, fake.url));
  } catch (e) {
    await fake.close();
    tmp.cleanup();
    throw e;
  }
  const db = await openDb(databaseUrl, { migrate: false });
  const groups = await bindGroups(db);
  await db.$disconnect();
  const replica = r;
  return {
    label: 'SQLite, 1 process',
    slug: 'sqlite',
    url: `http://127.0.0.1:${replica.port}/lark/events`,
    groups,
    fake,
    async close() {
      await replica.stop();
      await fake.close();
      tmp.cleanup();
    },
  };
}

async function postgresPipeline(adminUrl: string): Promise<Pipeline> {
  const name = `duban_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Built once here: two replicas finding dist/ stale would both compile it at once.
  if (isStale()) build({ quiet: true });
  const fake = await startFakeLarkWorker();
  const env = envOf(url.toString(), fake.url);
  const started: { stop(): Promise<void> }[] = [];
  let a, b, groups, proxy;
  try {
    // The first imports the plan on its first start; the second starts on the imported registry.
    started.push((a = await startProcessReplica(env)));
    started.push((b = await startProcessReplica(env)));
    const db = await openDb(url.toString(), { migrate: false });
    groups = await bindGroups(db);
    await db.$disconnect();
    proxy = await roundRobin([a.port, b.port]);
  } catch (e) {
    // Nothing left running: a replica or the fake's thread would keep the bench from ending.
    await Promise.all(started.map((r) => r.stop()));
    await fake.close();
    throw e;
  }
  return {
    label: 'PostgreSQL, 2 replicas',
    slug: 'pg2',
    url: `${proxy.url}/lark/events`,
    groups,
    fake,
    async close() {
      await proxy.close();
      await Promise.all(started.map((r) => r.stop()));
      await fake.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface RunFigures {
  acksPerSecond: number;
  repliesPerSecond: number;
  ackP50: number;
  ackP99: number;
  replyP50: number;
  replyP99: number;
  lost: number;
  twice: number;
  failures: number;
}

async function measure(p: Pipeline, mode: 'burst' | 'steady', events: Sealed[], from: number): Promise<{ f: RunFigures; next: number }> {
  const run = mode === 'burst' ? await burst(p.url, events, CHAT_CONCURRENCY) : await steady(p.url, events, STEADY_RATE);
  const ids = new Set(events.map((e) => e.messageId));
  const { at, count, next } = await replies(p.fake, from, ids);
  const ackMs = events.map((e) => run.ack.get(e.messageId)! - run.start.get(e.messageId)!);
  const replyMs = events.filter((e) => at.has(e.messageId)).map((e) => at.get(e.messageId)! - run.start.get(e.messageId)!);
  const first = Math.min(...run.start.values());
  const last = Math.max(...at.values());
  return {
    f: {
      acksPerSecond: (events.length / run.wall) * 1000,
      repliesPerSecond: (at.size / (last - first)) * 1000,
      ackP50: percentile(ackMs, 50),
      ackP99: percentile(ackMs, 99),
      replyP50: replyMs.length ? percentile(replyMs, 50) : NaN,
      replyP99: replyMs.length ? percentile(replyMs, 99) : NaN,
      lost: events.length - at.size,
      twice: [...count.values()].filter((n) => n > 1).length,
      failures: run.failures,
    },
    next,
  };
}

async function pipelineRuns(p: Pipeline, rows: BenchRow[], bare: { burst: number }): Promise<void> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'chat', metric: `${p.label}: ${metric}`, value, note });
  let next = 0;
  next = (await measure(p, 'burst', buildEvents(CHAT_WARMUP, `${p.slug}_warm`, p.groups), next)).next;
  const b = await measure(p, 'burst', buildEvents(CHAT_EVENTS, `${p.slug}_burst`, p.groups), next);
  next = b.next;
  row(
    `burst ${CHAT_EVENTS}, ${CHAT_CONCURRENCY} in flight: acks`,
    perSec(b.f.acksPerSecond),
    `${(b.f.acksPerSecond / bare.burst).toFixed(2)} × the bare dispatcher; ack p50 ${ms(b.f.ackP50)}, p99 ${ms(b.f.ackP99)}; ${b.f.failures} non-200`,
  );
  row('  replies', perSec(b.f.repliesPerSecond), `request → reply p50 ${ms(b.f.replyP50)}, p99 ${ms(b.f.replyP99)}; lost ${b.f.lost}, answered twice ${b.f.twice}`);
  const s = await measure(p, 'steady', buildEvents(STEADY_RATE * STEADY_SECONDS, `${p.slug}_steady`, p.groups), next);
  row(
    `steady ${STEADY_RATE}/s for ${STEADY_SECONDS} s: request → reply`,
    `${ms(s.f.replyP99)} p99`,
    `p50 ${ms(s.f.replyP50)}; ack p50 ${ms(s.f.ackP50)}, p99 ${ms(s.f.ackP99)}; lost ${s.f.lost}, answered twice ${s.f.twice}; ${s.f.failures} non-200`,
  );
}

async function bareRuns(rows: BenchRow[]): Promise<{ burst: number }> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'chat', metric: `bare SDK dispatcher: ${metric}`, value, note });
  let handled = 0;
  const dispatcher = new lark.EventDispatcher({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, loggerLevel: lark.LoggerLevel.error }).register({
    'im.message.receive_v1': async () => {
      handled++;
    },
  });
  const server = http.createServer(lark.adaptDefault('/lark/events', dispatcher));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lark/events`;
    const groups = [{ chatId: 'oc_bench_bare', task: 1 }];
    await burst(url, buildEvents(BARE_WARMUP, 'bwarm', groups), CHAT_CONCURRENCY);
    // The yardstick of the ratio: one burst of a second or so swings ±25 % on this shared machine, so
    // the median of BARE_BURSTS (the range is printed).
    const runs: { perSecond: number; ackMs: number[]; handled: number }[] = [];
    for (let i = 0; i < BARE_BURSTS; i++) {
      handled = 0;
      const b = await burst(url, buildEvents(CHAT_EVENTS, `bare${i}`, groups), CHAT_CONCURRENCY);
      runs.push({ perSecond: (CHAT_EVENTS / b.wall) * 1000, ackMs: [...b.ack].map(([id, t]) => t - b.start.get(id)!), handled });
    }
    runs.sort((x, y) => x.perSecond - y.perSecond);
    const median = runs[Math.floor(runs.length / 2)];
    const { perSecond, ackMs } = median;
    row(
      `burst ${CHAT_EVENTS}, ${CHAT_CONCURRENCY} in flight`,
      perSec(perSecond),
      `adaptDefault + no-op handler; median of ${BARE_BURSTS} bursts (${perSec(runs[0].perSecond)}–${perSec(runs[runs.length - 1].perSecond)}); ack p50 ${ms(percentile(ackMs, 50))}, p99 ${ms(percentile(ackMs, 99))}; ${median.handled}/${CHAT_EVENTS} reached the handler`,
    );
    const s = await steady(url, buildEvents(STEADY_RATE * STEADY_SECONDS, 'bare-steady', groups), STEADY_RATE);
    const sMs = [...s.ack].map(([id, t]) => t - s.start.get(id)!);
    row(`steady ${STEADY_RATE}/s for ${STEADY_SECONDS} s: ack`, `${ms(percentile(sMs, 99))} p99`, `p50 ${ms(percentile(sMs, 50))}`);
    return { burst: perSecond };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

export async function benchChat(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const bare = await bareRuns(rows);
  // DUBAN_BENCH_CHAT_ONLY=sqlite|postgresql: one store's runs (beside the bare dispatcher), when working on one.
  const only = process.env.DUBAN_BENCH_CHAT_ONLY;
  if (only !== 'postgresql') {
    const sqlite = await sqlitePipeline();
    try {
      await pipelineRuns(sqlite, rows, bare);
    } finally {
      await sqlite.close();
    }
  }
  if (only === 'sqlite') return rows;
  const pgUrl = process.env.DUBAN_BENCH_POSTGRES_URL ?? process.env.DUBAN_TEST_POSTGRES_URL;
  if (!pgUrl) {
    rows.push({ bench: 'chat', metric: 'PostgreSQL, 2 replicas', value: '-', note: 'set DUBAN_BENCH_POSTGRES_URL (or DUBAN_TEST_POSTGRES_URL) to a server where the user may create databases' });
    return rows;
  }
  const pgPipe = await postgresPipeline(pgUrl);
  try {
    await pipelineRuns(pgPipe, rows, bare);
  } finally {
    await pgPipe.close();
  }
  return rows;
}
