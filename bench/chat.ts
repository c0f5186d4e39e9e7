// Issue 4, chat: message events through the webhook path (real receiver, encrypted and signed
// bodies, createApp pipeline: store → route → outbox reply → fake Lark), timed from the request to
// the reply reaching the fake; beside it the SDK's bare EventDispatcher behind a plain http server
// with a no-op handler, on the same bodies.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { createApp, ensureRegistry } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createLarkGateway } from '../src/chat/lark-gateway.ts';
import { startLarkReceiver, type LarkAppConfig } from '../src/chat/lark-receiver.ts';
import { silentLogger } from '../src/log.ts';
import { createRegistryRepo } from '../src/store/registry-repo.ts';
import { encryptForLark, FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, makeEnvelope, signForLark } from '../tests/fakes/fake-lark.ts';
import { startFakeLarkWorker } from './fake-lark-worker.ts';
import { median, ms, percentile, perSec, REPO_ROOT, tempDir, type BenchRow } from './util.ts';

export const CHAT_EVENTS = 2_000;
export const CHAT_WARMUP = 50;
/** Requests in flight at once, like a platform delivering to one app. */
export const CHAT_CONCURRENCY = 8;
/** Group chats the messages come from, each bound to one unit. */
export const CHAT_GROUPS = 40;
/** Replies go through the outbox limiter: scaled like the dispatch bench so the pipeline, not Lark's 50/s, is measured. */
export const CHAT_RATE_LIMITS = { appPerSecond: 500, appPerMinute: 20_000, chatPerSecond: 50 };
const REPLY_WAIT_MS = 90_000;
const ENCRYPT_KEY = 'bench-encrypt-key-0001';
const TOKEN = 'bench-verification-token';

const hiResNow = () => performance.timeOrigin + performance.now();

interface Sealed {
  messageId: string;
  raw: string;
  headers: Record<string, string>;
}

/** Builds the platform's POSTs up front: encryption and signing are the platform's work, not ours. */
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
    return { messageId, raw, headers: signForLark(raw, ENCRYPT_KEY) };
  });
}

/** POSTs every event with `concurrency` in flight; returns each request's start time and ack time. */
async function drive(url: string, events: Sealed[], concurrency: number): Promise<{ start: Map<string, number>; ackMs: number[]; failures: number; wall: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const start = new Map<string, number>();
  const ackMs: number[] = [];
  let failures = 0;
  let next = 0;
  const post = (e: Sealed) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...e.headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(e.raw);
    });
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < events.length; i = next++) {
      const e = events[i];
      const t = hiResNow();
      start.set(e.messageId, t);
      const status = await post(e).catch(() => 0);
      ackMs.push(hiResNow() - t);
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - t0;
  agent.destroy();
  return { start, ackMs, failures, wall };
}

async function pipelineRun(rows: BenchRow[]): Promise<{ perSecond: number; p50: number; p99: number }> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'chat', metric, value, note });
  const fake = await startFakeLarkWorker();
  const tmp = tempDir('chat');
  const data = (f: string) => path.join(REPO_ROOT, 'data', f);
  const config = loadConfig({
    DATABASE_URL: `file:${path.join(tmp.dir, 'chat.db')}`,
    LARK_APP_ID: FAKE_APP_ID,
    LARK_APP_SECRET: FAKE_APP_SECRET,
    LARK_DOMAIN: fake.url,
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
  });
  const larkConfig = config.lark as LarkAppConfig;
  const gateway = createLarkGateway(larkConfig, silentLogger);
  const app = await createApp({ config, clock: systemClock, logger: silentLogger, gateway, botOpenId: () => FAKE_BOT_OPEN_ID });
  const receiver = await startLarkReceiver({
    lark: larkConfig,
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    onMessageEvent: (raw) => app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => app.inbound.onCardAction(raw),
    health: () => app.health(),
  });
  try {
    await ensureRegistry(app.db, config, systemClock, silentLogger);
    // Bind one chat to each of the first units that lead a task, and remember such a task for 进度.
    const tasks = await createRegistryRepo(app.db).listTasks();
    const leads = new Map<string, number>();
    for (const t of tasks) for (const u of t.units) if (u.role === 'lead' && !leads.has(u.name)) leads.set(u.name, t.number);
    const groups: { chatId: string; task: number }[] = [];
    for (const [name, task] of [...leads].slice(0, CHAT_GROUPS)) {
      const chatId = `oc_bench_group_${groups.length}`;
      await app.db.unit.update({ where: { name }, data: { chatId } });
      groups.push({ chatId, task });
    }
    const url = `http://127.0.0.1:${receiver.port}/lark/events`;

    const waitForReplies = async (ids: Set<string>): Promise<{ at: Map<string, number>; stalledFlushes: number }> => {
      const at = new Map<string, number>();
      let stalledFlushes = 0;
      let lastCount = -1;
      let lastChange = performance.now();
      const deadline = performance.now() + REPLY_WAIT_MS;
      while (performance.now() < deadline) {
        for (const s of (await fake.stats()).sent) if (s.parentId && ids.has(s.parentId) && !at.has(s.parentId)) at.set(s.parentId, s.at);
        if (at.size >= ids.size) break;
        if (at.size !== lastCount) {
          lastCount = at.size;
          lastChange = performance.now();
        } else if (performance.now() - lastChange > 3000) {
          // Nothing arrived for 3 s although replies are missing: kick the dispatcher as the cron would, and say so.
          stalledFlushes++;
          lastChange = performance.now();
          void app.dispatch().catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return { at, stalledFlushes };
    };

    const warm = buildEvents(CHAT_WARMUP, 'warm', groups);
    await drive(url, warm, CHAT_CONCURRENCY);
    await waitForReplies(new Set(warm.map((e) => e.messageId)));

    const events = buildEvents(CHAT_EVENTS, 'run', groups);
    const t0 = hiResNow();
    const run = await drive(url, events, CHAT_CONCURRENCY);
    const { at, stalledFlushes } = await waitForReplies(new Set(events.map((e) => e.messageId)));
    const latencies = events.filter((e) => at.has(e.messageId)).map((e) => at.get(e.messageId)! - run.start.get(e.messageId)!);
    const lastReply = Math.max(...at.values());
    const perSecond = (at.size / (lastReply - t0)) * 1000;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    row(
      `webhook → reply, ${CHAT_EVENTS} events`,
      perSec(perSecond),
      `first request → last reply at the fake ${ms(lastReply - t0)}; ${at.size}/${CHAT_EVENTS} replied, ${run.failures} non-200; ${CHAT_CONCURRENCY} in flight, ${groups.length} bound groups, 我的任务 / 进度 alternating`,
    );
    row('  latency request → reply', `${ms(p50)} p50`, `p99 ${ms(p99)}, max ${ms(Math.max(...latencies))}`);
    row('  ack (HTTP 200) only', perSec((CHAT_EVENTS / run.wall) * 1000), `ack latency p50 ${ms(median(run.ackMs))}, p99 ${ms(percentile(run.ackMs, 99))}`);
    if (stalledFlushes > 0) row('  stalled replies', String(stalledFlushes), 'times no reply arrived for 3 s while some were missing; the bench called app.dispatch() (the cron would, up to 5 min later)');
    return { perSecond, p50, p99 };
  } finally {
    await receiver.close();
    await app.close();
    await fake.close();
    tmp.cleanup();
  }
}

async function bareRun(rows: BenchRow[]): Promise<{ perSecond: number; p50: number; p99: number }> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'chat', metric, value, note });
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
    await drive(url, buildEvents(CHAT_WARMUP, 'bwarm', groups), CHAT_CONCURRENCY);
    handled = 0;
    const run = await drive(url, buildEvents(CHAT_EVENTS, 'bare', groups), CHAT_CONCURRENCY);
    const perSecond = (CHAT_EVENTS / run.wall) * 1000;
    const p50 = median(run.ackMs);
    const p99 = percentile(run.ackMs, 99);
    row('bare SDK EventDispatcher', perSec(perSecond), `adaptDefault + no-op handler, same sealed bodies; ${handled}/${CHAT_EVENTS} reached the handler (signature checked by the SDK)`);
    row('  latency request → response', `${ms(p50)} p50`, `p99 ${ms(p99)}`);
    return { perSecond, p50, p99 };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

export async function benchChat(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const pipe = await pipelineRun(rows);
  const bare = await bareRun(rows);
  rows.push({
    bench: 'chat',
    metric: 'pipeline ÷ bare SDK',
    value: `${(pipe.perSecond / bare.perSecond).toFixed(3)}`,
    note: `throughput ratio; latency p50 ${(pipe.p50 / bare.p50).toFixed(1)}×, p99 ${(pipe.p99 / bare.p99).toFixed(1)}× the bare ack`,
  });
  return rows;
}
