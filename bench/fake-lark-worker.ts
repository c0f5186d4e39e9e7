// The fake Lark in a worker thread, so its HTTP handling does not share the event loop (and the
// one core) with the code under measurement, as the real platform would not. The main side gets the
// URL and, on request, the few statistics the benches report.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startFakeLark, type FakeLarkOptions, type RequestRecord } from '../tests/fakes/fake-lark.ts';

export interface FakeStats {
  /** Accepted sends: arrival time (epoch ms, sub-ms) and the replied-to message for replies. */
  sent: { at: number; parentId?: string; chatId?: string }[];
  limited429: number;
  limited230020: number;
  requests: number;
  peakAppPerSecond: number;
  peakChatPerSecond: number;
}

export interface RemoteFakeLark {
  url: string;
  stats(): Promise<FakeStats>;
  /** Accepted sends from the index-th on (cheap to poll while waiting for replies). */
  sentFrom(index: number): Promise<FakeStats['sent']>;
  close(): Promise<void>;
}

type Options = Pick<FakeLarkOptions, 'enforceRateLimits'>;
const hiResNow = () => performance.timeOrigin + performance.now();

export async function startFakeLarkWorker(opts: Options = {}): Promise<RemoteFakeLark> {
  // Workers do not inherit tsx's loader hooks: the worker registers them before loading this file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: opts });
  const pending = new Map<number, (v: unknown) => void>();
  let seq = 0;
  const ask = <T>(cmd: string, arg?: number): Promise<T> =>
    new Promise((resolve) => {
      const id = ++seq;
      pending.set(id, resolve as (v: unknown) => void);
      worker.postMessage({ id, cmd, arg });
    });
  const ready = new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { id?: number; url?: string; value?: unknown }) => {
      if (m.url) resolve(m.url);
      else if (m.id !== undefined) {
        pending.get(m.id)?.(m.value);
        pending.delete(m.id);
      }
    });
  });
  const url = await ready;
  return {
    url,
    stats: () => ask<FakeStats>('stats'),
    sentFrom: (index) => ask<FakeStats['sent']>('sentFrom', index),
    async close() {
      await ask('close');
      await worker.terminate();
    },
  };
}

async function runWorker(): Promise<void> {
  const opts = workerData as Options;
  const fake = await startFakeLark({ ...opts, now: hiResNow });
  // The fake's limit check scans its whole request log on every send (quadratic: ~26 s of CPU for
  // 5,000 sends). Entries older than its 1 s window never count, so they wait aside until stats().
  const aside: RequestRecord[] = [];
  const timer = setInterval(() => {
    const cutoff = hiResNow() - 2000;
    let i = 0;
    while (i < fake.requests.length && fake.requests[i].at < cutoff) i++;
    if (i > 0) aside.push(...fake.requests.splice(0, i));
  }, 200);
  parentPort!.on('message', async (m: { id: number; cmd: string; arg?: number }) => {
    if (m.cmd === 'sentFrom') {
      parentPort!.postMessage({ id: m.id, value: fake.sent.slice(m.arg ?? 0).map((s) => ({ at: s.at, parentId: s.parentId, chatId: s.receive_id })) });
    } else if (m.cmd === 'stats') {
      const all = [...aside, ...fake.requests];
      const saved = fake.requests.splice(0, fake.requests.length, ...all);
      const value: FakeStats = {
        sent: fake.sent.map((s) => ({ at: s.at, parentId: s.parentId, chatId: s.receive_id })),
        limited429: all.filter((r) => r.injected === 'limit-429').length,
        limited230020: all.filter((r) => r.injected === 'limit-230020').length,
        requests: all.length,
        peakAppPerSecond: fake.maxRequestsInWindow({ windowMs: 1000, by: 'app' }).max,
        peakChatPerSecond: fake.maxRequestsInWindow({ windowMs: 1000, by: 'chat' }).max,
      };
      fake.requests.splice(0, fake.requests.length, ...saved);
      parentPort!.postMessage({ id: m.id, value });
    } else if (m.cmd === 'close') {
      clearInterval(timer);
      await fake.close();
      parentPort!.postMessage({ id: m.id, value: null });
    }
  });
  parentPort!.postMessage({ url: fake.url });
}

if (!isMainThread && parentPort) void runWorker();
