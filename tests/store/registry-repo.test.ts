import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, REGISTRY_FILES, type TestDb } from '../support/test-db.ts';
import { readPlan, importRegistry, readUnitDirectory } from '../../src/jobs/import-registry.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { applyPlan, createRegistryRepo } from '../../src/store/registry-repo.ts';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import type { ParsedPlan } from '../../src/registry/types.ts';

const NOW = new Date('2026-11-29T02:00:00Z');
const opts = (now = NOW) => ({ now, tz: 'Asia/Shanghai', actor: 'test' });

let t: TestDb;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => {
  await t.close();
});

describe('registry import into the store', () => {
  it('loads the Jin\'an plan: 75 tasks with units and milestones; past dated milestones are history', async () => {
    const { summary } = await importRegistry(t.db, 'data/plan.txt', REGISTRY_FILES, opts());
    expect(summary.tasks.created).toHaveLength(75);
    const repo = createRegistryRepo(t.db);
    const t68 = await repo.getTask(68);
    expect(t68?.units.filter((u) => u.role === 'lead').map((u) => u.name)).toEqual(['区委办', '区政府办']);
    expect(t68?.milestones.filter((m) => m.kind === 'annual').map((m) => m.key)).toEqual(['annual:03-01', 'annual:04-01']);
    const t7 = await repo.getTask(7);
    const once = t7!.milestones.find((m) => m.kind === 'once')!;
    expect(once).toMatchObject({ due: '2021-12-31', historical: true });
    // A milestone still ahead of the first import is live.
    const t1 = await repo.getTask(1);
    expect(t1!.milestones.find((m) => m.kind === 'once')).toMatchObject({ due: '2024-12-31', historical: true });
    expect(t68!.milestones.every((m) => !m.historical)).toBe(true);
  });

  it('importing the same document again changes nothing', async () => {
    await importRegistry(t.db, 'data/plan.txt', REGISTRY_FILES, opts());
    const before = await t.db.milestone.count();
    const { summary } = await importRegistry(t.db, 'data/plan.txt', REGISTRY_FILES, opts(new Date('2027-01-05T02:00:00Z')));
    expect(summary.tasks).toMatchObject({ created: [], updated: [], retired: [], unchanged: 75 });
    expect(summary.milestones.created).toBe(0);
    expect(await t.db.milestone.count()).toBe(before);
    expect(summary.firstImport).toBe(false);
  });

  it('a revised plan updates tasks in place, keeps progress history and retires vanished tasks', async () => {
    const { plan } = await readPlan('data/plan.txt', REGISTRY_FILES);
    await applyPlan(t.db, plan, { today: '2026-11-29', now: NOW, source: 'v1', checksum: 'a', actor: 'test' });
    await createProgressRepo(t.db).record({
      taskNumber: 75, unitName: '区司法局', status: 'progress', percent: 30, text: '已起草', reporterId: 'ou_x', via: 'command', at: NOW,
    });
    const revised: ParsedPlan = {
      ...plan,
      tasks: plan.tasks
        .filter((x) => x.number !== 75)
        .map((x) => (x.number === 5 ? { ...x, text: x.text + '(修订)', milestones: [...x.milestones, { kind: 'once' as const, due: '2027-06-30', label: '修订新增', source: '2027年6月底前' }] } : x)),
    };
    const s = await applyPlan(t.db, revised, { today: '2026-12-10', now: NOW, source: 'v2', checksum: 'b', actor: 'test' });
    expect(s.tasks.updated).toEqual([5]);
    expect(s.tasks.retired).toEqual([75]);
    const repo = createRegistryRepo(t.db);
    expect((await repo.getTask(5))!.text.endsWith('(修订)')).toBe(true);
    expect((await repo.getTask(5))!.milestones.find((m) => m.kind === 'once' && m.due === '2027-06-30')?.historical).toBe(false);
    expect(await repo.listTasks()).toHaveLength(74);
    expect((await repo.getTask(75))!.retired).toBe(true);
    expect(await createProgressRepo(t.db).list({ taskNumber: 75 })).toHaveLength(1);
    // Back in the next revision: restored, same row, history intact.
    const s3 = await applyPlan(t.db, plan, { today: '2026-12-20', now: NOW, source: 'v3', checksum: 'c', actor: 'test' });
    expect(s3.tasks.restored).toEqual([75]);
    expect((await repo.getTask(75))!.retired).toBe(false);
  });

  it('is one transaction: a failure part-way leaves the database as it was', async () => {
    const { plan } = await readPlan('data/plan.txt', REGISTRY_FILES);
    const broken: ParsedPlan = { ...plan, tasks: [...plan.tasks.slice(0, 3), { ...plan.tasks[3], leadUnits: [], otherUnits: [undefined as unknown as string] }] };
    await expect(applyPlan(t.db, broken, { today: '2026-11-29', now: NOW, source: 'x', checksum: 'x', actor: 'test' })).rejects.toThrow();
    expect(await t.db.task.count()).toBe(0);
    expect(await t.db.unit.count()).toBe(0);
    expect(await t.db.importRun.count()).toBe(0);
  });
});

describe('the office on a database without a plan', () => {
  it('resolving DUBAN_OFFICE_UNIT before the first import names the office as the plan writes it, and the import keeps it', async () => {
    const units = createUnitRepo(t.db);
    const directory = readUnitDirectory(REGISTRY_FILES.unitsPath);
    // The bot starts (default DUBAN_OFFICE_UNIT=依法治办) and only then imports the plan.
    expect(await units.resolveOffice('依法治办', directory)).toBe('区委依法治区办');
    await importRegistry(t.db, 'data/plan.txt', REGISTRY_FILES, opts());
    expect(await units.resolveOffice('依法治办', directory)).toBe('区委依法治区办');
    const office = (await units.list()).filter((u) => u.name.includes('依法治'));
    expect(office.map((u) => u.name)).toEqual(['区委依法治区办']);
    expect(office[0].aliases).toEqual(expect.arrayContaining(['依法治办', '依法治区办']));
  });

  it('an office the directory does not know is created under the configured name', async () => {
    const units = createUnitRepo(t.db);
    expect(await units.resolveOffice('区督查室', readUnitDirectory(REGISTRY_FILES.unitsPath))).toBe('区督查室');
  });
});
