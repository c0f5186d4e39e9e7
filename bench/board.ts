// Issue 11, the board: server-side render time of /board and its pages, over HTTP on loopback through
// the real handler (load from the store, statusOf, filter, page, HTML), for the Jin'an plan and for
// 10,000 synthetic tasks. Figures only; the targets (100 ms and 1 s) are in the notes.
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { fixedClock, instantAt } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createBoardHandler, type Board } from '../src/board/routes.ts';
import { startLocalServer } from '../src/board/local-server.ts';
import { importRegistry } from '../src/jobs/import-registry.ts';
import { silentLogger } from '../src/log.ts';
import { createRateLimiter } from '../src/outbox/rate-limiter.ts';
import type { TaskDraft } from '../src/registry/types.ts';
import { applyPlan } from '../src/store/registry-repo.ts';
import { createProgressRepo } from '../src/store/progress-repo.ts';
import { createUnitRepo } from '../src/store/unit-repo.ts';
import { createMemoryGateway } from '../tests/fakes/memory-gateway.ts';
import { syntheticProgress, syntheticTasks, syntheticUnits } from './reminders.ts';
import { freshDb, median, ms, percentile, REPO_ROOT, tempDir, timeRuns, type BenchRow } from './util.ts';

const TZ = 'Asia/Shanghai';
export const BOARD_RUNS = 30;
export const BIG_RUNS = 10;

interface Target {
  label: string;
  path: string;
}

async function get(base: string, p: string): Promise<number> {
  const res = await fetch(`${base}${p}`);
  if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

/**
 * The first render (lights computed for every task, as after a restart, a new day or an import) and a
 * render right after a new report (only that task's lights recomputed), each on a fresh report.
 */
async function timeChanges(
  served: { base: string; board: Board },
  report: (i: number) => Promise<void>,
  runs: number,
  row: (metric: string, value: string, note?: string) => void,
  goal: string,
) {
  const { base, board } = served;
  const cold = performance.now();
  await board.warm();
  row('  lights of every task (warm-up)', ms(performance.now() - cold), 'at start, then on the scheduler tick after a new day or an import: in the background, not in a request');
  const first = performance.now();
  await get(base, '/board');
  row('  GET /board, first request', ms(performance.now() - first), goal);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await report(i);
    const t = performance.now();
    await get(base, '/board');
    times.push(performance.now() - t);
  }
  row('  GET /board after a new report', ms(median(times)), `median of ${runs}, p95 ${ms(percentile(times, 95))}; the report's task recomputed; ${goal}`);
}

async function timePages(base: string, targets: Target[], runs: number, row: (metric: string, value: string, note?: string) => void, goal: string) {
  for (const t of targets) {
    let bytes = 0;
    const cpu: number[] = [];
    const times = await timeRuns(
      runs,
      async () => {
        // CPU time of this process (server and client both live here): what the wall time would be on an idle machine, near enough.
        const c = process.cpuUsage();
        const res = await fetch(`${base}${t.path}`);
        if (res.status !== 200) throw new Error(`${t.path}: HTTP ${res.status}`);
        bytes = (await res.arrayBuffer()).byteLength;
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      },
      { warm: true },
    );
    row(t.label, ms(median(times)), `median of ${runs}, p95 ${ms(percentile(times, 95))}, CPU ${ms(median(cpu))}, ${(bytes / 1024).toFixed(0)} KB; ${goal}`);
  }
}

async function serve(app: Awaited<ReturnType<typeof createApp>>, now: Date) {
  const board = createBoardHandler({
    db: app.db,
    policy: app.policy,
    calendar: app.calendar,
    tz: TZ,
    officeUnit: app.officeUnit,
    clock: fixedClock(now),
    logger: silentLogger,
    auth: { mode: 'local' },
  });
  const server = await startLocalServer({ port: 0, board, health: () => app.health(), logger: silentLogger });
  return { server, board, base: `http://127.0.0.1:${server.port}` };
}

export async function benchBoard(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (metric: string, value: string, note?: string) => rows.push({ bench: 'board', metric, value, note });
  const tmp = tempDir('board');
  try {
    // ---- the Jin'an plan, three months in: reminders sent (memory gateway), a report per task in three ----
    {
      const url = `file:${path.join(tmp.dir, 'jinan.db')}`;
      const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
      const start = instantAt('2026-11-29', '10:00', TZ);
      const now = instantAt('2027-03-05', '10:00', TZ);
      const clock = fixedClock(start);
      // The limiter on the same stepped clock: its waits step the clock instead of sleeping (as tests/supervision/world.ts).
      const limiter = createRateLimiter({ now: () => clock.now().getTime(), sleep: async (ms) => clock.advance(ms) });
      const app = await createApp({ config, clock, logger: silentLogger, gateway: createMemoryGateway({ now: () => clock.now().getTime() }), limiter });
      await importRegistry(app.db, path.join(REPO_ROOT, config.planPath), { unitsPath: path.join(REPO_ROOT, config.unitsPath), overridesPath: path.join(REPO_ROOT, config.overridesPath) }, { now: start, tz: TZ, actor: 'bench' });
      const units = createUnitRepo(app.db);
      for (const [i, u] of (await units.list()).entries()) await units.bind(u.name, `oc_bench_${i}`, { actor: 'bench', source: 'cli' });
      for (const day of ['2026-12-01', '2027-01-04', '2027-02-01', '2027-02-22', '2027-03-02', '2027-03-05']) {
        clock.set(instantAt(day, '10:00', TZ));
        await app.schedulerPass();
      }
      const progress = createProgressRepo(app.db);
      const tasks = await app.db.task.findMany({ include: { units: { include: { unit: true } } } });
      for (const t of tasks.filter((x) => x.number % 3 === 0)) {
        for (const u of t.units.slice(0, 2)) {
          await progress.record({ taskNumber: t.number, unitName: u.unit.name, status: 'progress', percent: 50, text: '推进中', reporterId: 'ou_bench', via: 'command', at: instantAt('2027-02-25', '15:00', TZ) });
        }
      }
      const served = await serve(app, now);
      const { server, base } = served;
      await timeChanges(
        served,
        (i) => progress.record({ taskNumber: 68, unitName: '区委办', status: 'progress', percent: i, text: `第${i}次`, reporterId: 'ou_bench', via: 'command', at: instantAt('2027-03-04', '15:00', TZ) }).then(() => undefined),
        BOARD_RUNS,
        row,
        'target < 100 ms',
      );
      const counts = await fetch(`${base}/board/api/board`).then((r) => r.json() as Promise<{ total: number; pages: number }>);
      row('Jin\'an plan', `${tasks.length} tasks`, `${counts.total} task × unit rows, ${await app.db.outbox.count()} outbox rows, ${await app.db.progress.count()} reports`);
      await timePages(
        base,
        [
          { label: '  GET /board', path: '/board' },
          { label: '  GET /board?light=red', path: '/board?light=red' },
          { label: '  GET /board/task/68', path: '/board/task/68' },
          { label: '  GET /board/unit/区司法局', path: `/board/unit/${encodeURIComponent('区司法局')}` },
          { label: '  GET /board/export.xlsx', path: '/board/export.xlsx' },
        ],
        BOARD_RUNS,
        row,
        'unchanged data; target < 100 ms for /board',
      );
      await server.close();
      await app.close();
    }

    // ---- 10,000 synthetic tasks × 3 units, a year of reports ----
    {
      const { db, url } = await freshDb(tmp.dir, 'big');
      const units = syntheticUnits();
      const tasks = syntheticTasks(units);
      const drafts: TaskDraft[] = tasks.map((t, i) => ({
        number: t.number,
        chapter: `第${(i % 12) + 1}章`,
        section: t.section,
        text: t.text,
        schedule: t.schedule,
        leadUnits: t.units.filter((u) => u.role === 'lead').map((u) => u.name),
        otherUnits: t.units.filter((u) => u.role === 'other').map((u) => u.name),
        milestones: t.milestones.map(({ key: _k, historical: _h, ...m }) => m),
        line: i + 1,
      }));
      const importedAt = instantAt('2026-01-02', '10:00', TZ);
      await applyPlan(db, { tasks: drafts, units: units.map((u) => ({ name: u.name, aliases: [] })), warnings: [] }, { today: '2026-01-02', now: importedAt, source: 'bench', checksum: 'bench', actor: 'bench' });
      const ids = new Map((await db.task.findMany({ select: { id: true, number: true } })).map((t) => [t.number, t.id]));
      const unitIds = new Map((await db.unit.findMany({ select: { id: true, name: true } })).map((u) => [u.name, u.id]));
      const now = instantAt('2026-11-16', '10:00', TZ);
      const reports = syntheticProgress(tasks).filter((p) => p.at <= now);
      for (let i = 0; i < reports.length; i += 2000) {
        await db.progress.createMany({
          data: reports.slice(i, i + 2000).map((p) => ({
            taskId: ids.get(p.taskNumber)!,
            unitId: unitIds.get(p.unitName)!,
            status: p.status,
            percent: p.percent,
            text: p.text,
            reporterId: p.reporterId,
            via: p.via,
            milestoneKey: p.milestoneKey ?? null,
            occurrence: p.occurrence ?? null,
            createdAt: p.at,
          })),
        });
      }
      await db.$disconnect();
      const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
      const app = await createApp({ config, clock: fixedClock(now), logger: silentLogger, gateway: createMemoryGateway() });
      const served = await serve(app, now);
      const { server, base } = served;
      const progress = createProgressRepo(app.db);
      await timeChanges(
        served,
        (i) => progress.record({ taskNumber: 1 + ((i * 997) % 10_000), unitName: tasks[(i * 997) % 10_000].units[0].name, status: 'progress', percent: 10, text: '新进展', reporterId: 'ou_bench', via: 'command', at: instantAt('2026-11-16', '09:00', TZ) }).then(() => undefined),
        BIG_RUNS,
        row,
        'target < 1 s',
      );
      const counts = await fetch(`${base}/board/api/board`).then((r) => r.json() as Promise<{ total: number; pages: number }>);
      row('10,000 tasks', `${tasks.length} tasks`, `${counts.total} rows in ${counts.pages} pages of 100, ${reports.length} reports, ${units.length} units`);
      await timePages(
        base,
        [
          { label: '  GET /board (page 1)', path: '/board' },
          { label: `  GET /board?page=${counts.pages}`, path: `/board?page=${counts.pages}` },
          { label: '  GET /board?light=red&sort=due', path: '/board?light=red&sort=due' },
          { label: '  GET /board/task/5000', path: '/board/task/5000' },
          { label: '  GET /board/unit/单位07', path: `/board/unit/${encodeURIComponent('单位07')}` },
        ],
        BIG_RUNS,
        row,
        'unchanged data; target < 1 s for /board',
      );
      await server.close();
      await app.close();
    }
  } finally {
    tmp.cleanup();
  }
  return rows;
}
