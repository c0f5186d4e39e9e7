// Issue 3, reminders: (a) planning a year of daily passes over 10,000 tasks × 3 units; (b) dispatching
// 5,000 outbox rows to 500 chats through the real SDK gateway against the fake Lark, with limits
// scaled up and the fake enforcing the same limits, so overshooting would show up as 429/230020.
import { instantAt, systemClock } from '../src/clock.ts';
import { createLarkGateway } from '../src/chat/lark-gateway.ts';
import { silentLogger } from '../src/log.ts';
import { dispatchDue, DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY } from '../src/outbox/dispatch.ts';
import { createRateLimiter, type RateLimits } from '../src/outbox/rate-limiter.ts';
import { milestoneKey, type MilestoneDraft, type MilestoneRecord, type ProgressRecord, type TaskRecord, type UnitRecord } from '../src/registry/types.ts';
import { createWorkCalendar } from '../src/schedule/calendar.ts';
import { plusDays } from '../src/schedule/day-math.ts';
import { planReminders, type PlanInput } from '../src/schedule/plan-reminders.ts';
import { DEFAULT_POLICY } from '../src/schedule/policy.ts';
import { encodeOutboxBody } from '../src/store/outbox-repo.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET } from '../tests/fakes/fake-lark.ts';
import { startFakeLarkWorker } from './fake-lark-worker.ts';
import { freshDb, median, ms, percentile, perSec, tempDir, type BenchRow } from './util.ts';

// ---- planning ------------------------------------------------------------------------------
export const PLAN_TASKS = 10_000;
export const PLAN_UNITS_PER_TASK = 3;
export const PLAN_UNIT_COUNT = 60;
/** A year chinese-days fully describes, so every pass uses real holidays. */
export const PLAN_YEAR = 2026;
const TZ = 'Asia/Shanghai';
const OFFICE = '依法治办';
/** Cadence of progress reports on continuous work (reports are re-dated on every pass, so their count drives pass time). */
export const PROGRESS_EVERY_DAYS = 120;

// ---- dispatch ------------------------------------------------------------------------------
export const DISPATCH_ROWS = 5_000;
export const DISPATCH_CHATS = 500;
/**
 * Lark's limits (50/s, 1000/min, 5/s per chat) scaled up: ×5 (where the limiter should be what binds
 * on this 2-core machine) and ×10 (where the CPU binds first). Per minute ×15/×20 so 5,000 sends fit.
 */
export const DISPATCH_SCALES: RateLimits[] = [
  { appPerSecond: 250, appPerMinute: 15_000, chatPerSecond: 25 },
  { appPerSecond: 500, appPerMinute: 20_000, chatPerSecond: 50 },
];
export const DISPATCH_BATCH_SIZE = DEFAULT_BATCH_SIZE;
export const DISPATCH_CONCURRENCY = DEFAULT_CONCURRENCY;
/** Give up (and report what is left) after this long. */
const DISPATCH_DEADLINE_MS = 60_000;

const rec = (m: MilestoneDraft): MilestoneRecord => ({ ...m, key: milestoneKey(m), historical: false });

/** Units 单位00..单位59 with chats, plus the office. */
export function syntheticUnits(n = PLAN_UNIT_COUNT): UnitRecord[] {
  const units: UnitRecord[] = Array.from({ length: n }, (_, i) => ({
    name: `单位${String(i).padStart(2, '0')}`,
    aliases: [],
    collective: false,
    members: [],
    chatId: `oc_bench_unit_${i}`,
  }));
  units.push({ name: OFFICE, aliases: [], collective: false, members: [], chatId: 'oc_bench_office' });
  return units;
}

/**
 * 10,000 tasks, each with one lead and two other units. Milestones by task number mod 10:
 * 0-3 once (due days spread over the year), 4-5 annual, 6-8 continuous, 9 once + continuous.
 */
export function syntheticTasks(units: UnitRecord[], n = PLAN_TASKS, year = PLAN_YEAR): TaskRecord[] {
  const named = units.filter((u) => u.name !== OFFICE);
  const jan1 = `${year}-01-01`;
  const tasks: TaskRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const once = (): MilestoneRecord => {
      const due = plusDays(jan1, (i * 37) % 365);
      return rec({ kind: 'once', due, label: `任务${i}于${due}前完成`, source: `${due}前` });
    };
    const annual = (): MilestoneRecord => rec({ kind: 'annual', month: (i % 12) + 1, day: (i % 28) + 1, label: `每年报告${i}`, source: '每年' });
    const continuous = (): MilestoneRecord => rec({ kind: 'continuous', label: '持续推进', source: '持续推进' });
    const r = i % 10;
    const milestones = r <= 3 ? [once()] : r <= 5 ? [annual()] : r <= 8 ? [continuous()] : [once(), continuous()];
    const pick = (k: number) => named[(i * 7 + k * 13) % named.length].name;
    tasks.push({
      number: i,
      chapter: '一、基准',
      section: '(一)合成',
      text: `合成任务 ${i}`,
      schedule: '',
      retired: false,
      units: [
        { name: pick(0), role: 'lead' as const },
        { name: pick(1), role: 'other' as const },
        { name: pick(2), role: 'other' as const },
      ].slice(0, PLAN_UNITS_PER_TASK),
      milestones,
    });
  }
  return tasks;
}

/**
 * Units that mostly keep up: four tasks in five get, from each of their units, a 'done' a few days
 * after every dated deadline and a progress report every PROGRESS_EVERY_DAYS on continuous work. The rest never
 * report, so overdue and office items pile up through the year as they would.
 */
export function syntheticProgress(tasks: TaskRecord[], year = PLAN_YEAR): ProgressRecord[] {
  const out: ProgressRecord[] = [];
  const report = (t: TaskRecord, unitName: string, day: string, status: 'done' | 'progress', m?: MilestoneRecord, occurrence?: string) =>
    out.push({
      taskNumber: t.number,
      unitName,
      status,
      percent: status === 'done' ? 100 : 50,
      text: status === 'done' ? '已完成' : '推进中',
      at: instantAt(day, '15:00', TZ),
      via: 'cli',
      reporterId: 'ou_bench',
      ...(m ? { milestoneKey: m.key, occurrence } : {}),
    });
  for (const t of tasks) {
    if (t.number % 5 === 0) continue;
    for (const u of t.units) {
      for (const m of t.milestones) {
        if (m.kind === 'once') report(t, u.name, plusDays(m.due, t.number % 4), 'done', m, m.due);
        else if (m.kind === 'annual') {
          const due = `${year}-${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;
          report(t, u.name, plusDays(due, 1), 'done', m, due);
        } else for (let d = 20 + (t.number % 10); d < 365; d += PROGRESS_EVERY_DAYS) report(t, u.name, plusDays(`${year}-01-01`, d), 'progress');
      }
    }
  }
  return out;
}

async function benchPlanning(rows: BenchRow[]): Promise<void> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'reminders', metric, value, note });
  const units = syntheticUnits();
  const tasks = syntheticTasks(units);
  const progress = syntheticProgress(tasks);
  const calendar = createWorkCalendar();
  const base: Omit<PlanInput, 'now'> = { tasks, units, progress, policy: DEFAULT_POLICY, calendar, tz: TZ, officeUnit: OFFICE, trackFrom: `${PLAN_YEAR}-01-01` };

  const passMs: number[] = [];
  let planned = 0;
  let biggest = 0;
  const t0 = performance.now();
  for (let d = `${PLAN_YEAR}-01-01`; d <= `${PLAN_YEAR}-12-31`; d = plusDays(d, 1)) {
    const t = performance.now();
    const out = planReminders({ ...base, now: instantAt(d, DEFAULT_POLICY.sendTime, TZ) });
    const dt = performance.now() - t;
    if (out.length === 0 && !calendar.isWorkday(d)) continue; // a day off: the pass returns at once
    passMs.push(dt);
    planned += out.length;
    biggest = Math.max(biggest, out.length);
  }
  const total = performance.now() - t0;
  const milestones = tasks.reduce((n, t) => n + t.milestones.length, 0);
  row(
    `plan ${PLAN_YEAR}: 365 daily passes`,
    ms(total),
    `${tasks.length} tasks × ${PLAN_UNITS_PER_TASK} units, ${milestones} milestones, ${progress.length} reports; the sum of the passes`,
  );
  row('  per working-day pass', ms(median(passMs)), `median of ${passMs.length}; p99 ${ms(percentile(passMs, 99))}, max ${ms(Math.max(...passMs))}`);
  row('  reminders planned', String(planned), `summed over the passes (the outbox dedupes repeats by key); largest pass ${biggest}`);
}

// ---- dispatch ------------------------------------------------------------------------------

export async function benchDispatch(rows: BenchRow[], limits: RateLimits): Promise<void> {
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'reminders', metric, value, note });
  const fake = await startFakeLarkWorker({ enforceRateLimits: { appPerSecond: limits.appPerSecond, chatPerSecond: limits.chatPerSecond } });
  const tmp = tempDir('dispatch');
  const { db } = await freshDb(tmp.dir, 'outbox');
  try {
    // Rows in round-robin chat order, as a morning's reminder pass leaves them (one card per chat and day, ten days' worth).
    const notBefore = new Date(Date.now() - 60_000);
    const card = { schema: '2.0', header: { title: { tag: 'plain_text', content: '督办提醒' } }, body: { elements: [{ tag: 'markdown', content: '任务 68：3月1日前完成上一年度法治政府建设情况报告（还有 3 天）' }] } };
    const data = Array.from({ length: DISPATCH_ROWS }, (_, i) => ({
      key: `bench:${i}`,
      kind: 'reminders',
      chatId: `oc_bench_chat_${i % DISPATCH_CHATS}`,
      body: encodeOutboxBody({ msgType: 'interactive', card }),
      notBefore,
    }));
    for (let i = 0; i < data.length; i += 1000) await db.outbox.createMany({ data: data.slice(i, i + 1000) });

    const gateway = createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url }, silentLogger);
    const limiter = createRateLimiter({ limits });
    const deps = { db, gateway, limiter, clock: systemClock, logger: silentLogger, batchSize: DISPATCH_BATCH_SIZE, concurrency: DISPATCH_CONCURRENCY };
    // Token fetch outside the timed part (the first call of a process pays it once); through the
    // limiter like every other send, or the fake's first window would count one send more than ours.
    await limiter.acquire('oc_bench_warmup');
    await gateway.sendToChat('oc_bench_warmup', { msgType: 'text', text: 'warm-up' });
    const warmSent = (await fake.stats()).sent.length;

    const t0 = performance.now();
    let passes = 0;
    let retried = 0;
    let failed = 0;
    for (;;) {
      const r = await dispatchDue(deps);
      passes++;
      retried += r.retried;
      failed += r.failed;
      const left = await db.outbox.count({ where: { status: { in: ['pending', 'sending'] } } });
      if (left === 0 || performance.now() - t0 > DISPATCH_DEADLINE_MS) break;
      if (r.sent + r.retried + r.failed === 0) await new Promise((res) => setTimeout(res, 50)); // only rows waiting on a retry time or a pause
    }
    const wall = performance.now() - t0;
    const stats = await fake.stats();
    const sent = stats.sent.slice(warmSent);
    const atFake = sent.length > 1 ? sent[sent.length - 1].at - sent[0].at : 0;
    const left = await db.outbox.count({ where: { status: { in: ['pending', 'sending'] } } });
    const rate = (sent.length / wall) * 1000;
    row(
      `dispatch ${DISPATCH_ROWS} rows → ${DISPATCH_CHATS} chats`,
      ms(wall),
      `${passes} dispatchDue passes (batch ${DISPATCH_BATCH_SIZE}, concurrency ${DISPATCH_CONCURRENCY}); ${sent.length} sent, ${retried} retried, ${failed} failed, ${left} left`,
    );
    row(
      '  achieved ÷ ceiling',
      `${(rate / limits.appPerSecond).toFixed(2)}`,
      `${perSec(rate)} wall (first→last at the fake: ${perSec(((sent.length - 1) / atFake) * 1000)}) ÷ ${limits.appPerSecond}/s app limit (${limits.appPerMinute}/min, ${limits.chatPerSecond}/s per chat)`,
    );
    row(
      '  rate-limit errors from fake',
      String(stats.limited429 + stats.limited230020),
      `429: ${stats.limited429}, 230020: ${stats.limited230020}; busiest 1 s at the fake: ${stats.peakAppPerSecond} app, ${stats.peakChatPerSecond} in one chat (fake enforces the same limits, in a worker thread)`,
    );
  } finally {
    await db.$disconnect();
    await fake.close();
    tmp.cleanup();
  }
}

export async function benchReminders(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await benchPlanning(rows);
  for (const limits of DISPATCH_SCALES) await benchDispatch(rows, limits);
  return rows;
}
