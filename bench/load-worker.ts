// The platform's side of the chat bench in a worker thread: it posts the sealed events (closed loop or
// on schedule) and times each answer, without sharing the event loop of the bot under measurement, as
// Lark's servers would not. Events are built (encrypted) by the caller; each request is signed when sent.
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signForLark } from '../tests/fakes/fake-lark.ts';

export interface LoadEvent {
  messageId: string;
  raw: string;
}

export interface LoadRun {
  mode: 'burst' | 'steady';
  url: string;
  events: LoadEvent[];
  encryptKey: string;
  /** burst: requests in flight; steady: events per second. */
  concurrency?: number;
  rate?: number;
}

export interface Driven {
  start: Map<string, number>;
  ack: Map<string, number>;
  failures: number;
  /** First request to last ack, ms. */
  wall: number;
}

const hiResNow = () => performance.timeOrigin + performance.now();

/** Runs one load in a fresh worker thread and returns its timings. */
export async function driveLoad(run: LoadRun): Promise<Driven> {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: run });
  try {
    const out = await new Promise<{ start: [string, number][]; ack: [string, number][]; failures: number; wall: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', resolve);
    });
    return { start: new Map(out.start), ack: new Map(out.ack), failures: out.failures, wall: out.wall };
  } finally {
    await worker.terminate();
  }
}

function post(agent: http.Agent, url: string, e: LoadEvent, key: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...signForLark(e.raw, key) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(e.raw);
  });
}

async function drive(run: LoadRun): Promise<Driven> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const start = new Map<string, number>();
  const ack = new Map<string, number>();
  let failures = 0;
  const t0 = hiResNow();
  const one = async (e: LoadEvent) => {
    start.set(e.messageId, hiResNow());
    if ((await post(agent, run.url, e, run.encryptKey)) !== 200) failures++;
    ack.set(e.messageId, hiResNow());
  };
  if (run.mode === 'burst') {
    // Closed loop: `concurrency` requests in flight until all are sent.
    let next = 0;
    await Promise.all(
      Array.from({ length: run.concurrency ?? 8 }, async () => {
        for (let i = next++; i < run.events.length; i = next++) await one(run.events[i]);
      }),
    );
  } else {
    // Open loop: one request every 1000/rate ms on schedule, whatever the answers.
    const gap = 1000 / (run.rate ?? 200);
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < run.events.length; i++) {
      const wait = t0 + i * gap - hiResNow();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one(run.events[i]));
    }
    await Promise.all(inFlight);
  }
  agent.destroy();
  return { start, ack, failures, wall: hiResNow() - t0 };
}

if (!isMainThread && parentPort && (workerData as LoadRun | undefined)?.url) {
  const d = await drive(workerData as LoadRun);
  parentPort.postMessage({ start: [...d.start], ack: [...d.ack], failures: d.failures, wall: d.wall });
}
