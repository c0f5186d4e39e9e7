// The store behaves the same on SQLite (embedded default) and PostgreSQL (several replicas): the same
// scenarios on each backend. PostgreSQL runs when DUBAN_TEST_POSTGRES_URL is set (.ci/run sets it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.ts';
import { importRegistry } from '../../src/jobs/import-registry.ts';
import { createRegistryRepo } from '../../src/store/registry-repo.ts';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { createOutboxRepo } from '../../src/store/outbox-repo.ts';
import { createInboundRepo } from '../../src/store/inbound-repo.ts';
import { dispatchDue } from '../../src/outbox/dispatch.ts';
import { createRateLimiter } from '../../src/outbox/rate-limiter.ts';
import { createMemoryGateway } from '../fakes/memory-gateway.ts';
import { queueReminders } from '../../src/jobs/queue-reminders.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';
import { createWorkCalendar } from '../../src/schedule/calendar.ts';
import { instantAt } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { routeMessage } from '../../src/chat/router.ts';
import { createInboundPipeline } from '../../src/jobs/handle-inbound.ts';
import { messageEnvelope } from '../integration/helpers.ts';
import { POSTGRES_URL, createPostgresDatabase } from '../support/postgres.ts';
import { REGISTRY_FILES } from '../support/test-db.ts';
import { createExtensionRepo } from '../../src/store/extension-repo.ts';
import { STAMP_TTL_MS } from '../../src/store/stamps.ts';
import pg from 'pg';

type Backend = { name: string; open(): Promise<{ db: Db; url: string; close(): Promise<void> }> };

const sqlite: Backend = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-backend-'));
    const url = 'file:' + path.join(dir, 'b.db');
    const db = await openDb(url);
    return { db, url, close: async () => { await db.$disconnect(); fs.rmSync(dir, { recursive: true, force: true }); } };
  },
};

const postgres: Backend = {
  name: 'postgresql',
  async open() {
    const pgdb = await createPostgresDatabase();
    const db = await openDb(pgdb.url);
    return { db, url: pgdb.url, close: async () => { await db.$disconnect(); await pgdb.drop(); } };
  },
};

const backends = POSTGRES_URL ? [sqlite, postgres] : [sqlite];
const NOW = new Date('2026-11-29T02:00:00Z');
const TZ = 'Asia/Shanghai';

describe.each(backends)('store on $name', (backend) => {
  let h: Awaited<ReturnType<Backend['open']>>;
  beforeEach(async () => {
    h = await backend.open();
  });
  afterEach(async () => {
    await h.close();
  });

  it('imports the plan once, re-imports as a no-op, and migrates an already-migrated database again harmlessly', async () => {
    const first = await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    expect(first.summary.tasks.created).toHaveLength(75);
    const again = await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    expect(again.summary.tasks.unchanged).toBe(75);
    const reopened = await openDb(h.url);
    expect(await createRegistryRepo(reopened).countTasks()).toBe(75);
    await reopened.$disconnect();
    const t68 = await createRegistryRepo(h.db).getTask(68);
    expect(t68?.units.slice(0, 2)).toEqual([{ name: '区委办', role: 'lead' }, { name: '区政府办', role: 'lead' }]);
  });

  it('dedupes inbound events and outbox keys, and lets exactly one of two claims win', async () => {
    const inbound = createInboundRepo(h.db);
    expect((await inbound.store({ eventId: 'e1', messageId: 'om_1', type: 'message', payload: '{}', now: NOW })).stored).toBe(true);
    expect((await inbound.store({ eventId: 'e1', messageId: 'om_1', type: 'message', payload: '{}', now: NOW })).stored).toBe(false);
    expect((await inbound.store({ eventId: 'e2', messageId: 'om_1', type: 'message', payload: '{}', now: NOW })).stored).toBe(false);

    const outbox = createOutboxRepo(h.db);
    const msg = { msgType: 'text' as const, text: 'hi' };
    const a = await Promise.all([1, 2, 3].map(() => outbox.enqueue({ key: 'k1', kind: 'reply', chatId: 'oc_1', message: msg, notBefore: NOW })));
    expect(new Set(a.map((x) => x.id)).size).toBe(1);
    const claims = await Promise.all([outbox.claim(a[0].id, NOW), outbox.claim(a[0].id, NOW)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('queues a reminder card once per step and records progress from a chat command', async () => {
    await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    await createUnitRepo(h.db).bind('区委办', 'oc_weiban', { actor: 't', source: 'cli' });
    const deps = { db: h.db, policy: DEFAULT_POLICY, calendar: createWorkCalendar(), tz: TZ, officeUnit: '依法治办', logger: silentLogger };
    const at = instantAt('2027-02-22', '09:30', TZ);
    const first = await queueReminders(deps, at);
    expect(first.cards).toBe(1);
    expect((await queueReminders(deps, at)).queued).toBe(0);
    const reply = await routeMessage(
      { db: h.db, now: at, tz: TZ, admins: [], officeUnit: '依法治办' },
      { chatId: 'oc_weiban', chatType: 'group', senderOpenId: 'ou_1', text: '进度 68 60% 已完成初稿', mentionsBot: true, messageId: 'om_p' },
    );
    expect(reply?.kind).toBe('text');
    const progress = await createProgressRepo(h.db).list({ taskNumber: 68 });
    expect(progress).toMatchObject([{ unitName: '区委办', percent: 60, status: 'progress', text: '已完成初稿', at }]);
    // Written on the direct path, read back by it (the chat's kept snapshot) and by Prisma: the same instant.
    expect((await createProgressRepo(h.db).list()).map((p) => p.at)).toEqual([at]);
    expect((await h.db.progress.findFirstOrThrow()).createdAt).toEqual(at);
    // The same message processed again records nothing new.
    await routeMessage(
      { db: h.db, now: at, tz: TZ, admins: [], officeUnit: '依法治办' },
      { chatId: 'oc_weiban', chatType: 'group', senderOpenId: 'ou_1', text: '进度 68 60% 已完成初稿', mentionsBot: true, messageId: 'om_p' },
    );
    expect(await h.db.progress.count()).toBe(1);
    // Outbox rows queued and claimed on the direct path keep their times.
    const queuedAt = instantAt('2027-02-22', '09:31', TZ);
    await createOutboxRepo(h.db).enqueue({ key: 'k-time', kind: 'reply', chatId: 'oc_weiban', message: { msgType: 'text', text: 'x' }, notBefore: queuedAt });
    const claimed = await createOutboxRepo(h.db).claimDue(instantAt('2027-02-22', '09:32', TZ), 10);
    expect(claimed.find((r) => r.key === 'k-time')?.notBefore).toEqual(queuedAt);
  });

  it('a dispatch pass sends what is due, and a claim left by a stopped process is sent after it goes stale', async () => {
    const repo = createOutboxRepo(h.db);
    const gateway = createMemoryGateway();
    let now = instantAt('2027-02-22', '09:30', TZ).getTime();
    const clock = { now: () => new Date(now) };
    const deps = { db: h.db, gateway, clock, logger: silentLogger, limiter: createRateLimiter({ now: () => now, sleep: async (ms: number) => void (now += ms), windowGuardMs: 0 }) };
    await repo.enqueue({ key: 'k-due', kind: 'reply', chatId: 'oc_a', message: { msgType: 'text', text: '收到' }, notBefore: clock.now() });
    expect((await dispatchDue(deps)).sent).toBe(1);
    expect(gateway.sent.map((m) => (m.message as { text?: string }).text)).toEqual(['收到']);
    // A row claimed by a process that stopped mid-send: requeued once its claim is stale, then sent.
    await repo.enqueue({ key: 'k-stale', kind: 'reply', chatId: 'oc_a', message: { msgType: 'text', text: '第二条' }, notBefore: clock.now() });
    expect(await repo.claimDue(clock.now(), 10)).toHaveLength(1);
    now += 11 * 60_000;
    const pass = await dispatchDue(deps);
    expect(pass).toMatchObject({ recovered: 1, sent: 1 });
    expect(gateway.sent.map((m) => (m.message as { text?: string }).text)).toEqual(['收到', '第二条']);
  });

  it('records several sends in one go, each with its own Lark id and time, and leaves a row already sent as it was', async () => {
    const repo = createOutboxRepo(h.db);
    const t0 = instantAt('2027-02-22', '09:30', TZ);
    const ids: number[] = [];
    for (const k of ['a', 'b', 'c']) ids.push((await repo.enqueue({ key: `k-${k}`, kind: 'reply', chatId: `oc_${k}`, message: { msgType: 'text', text: k }, notBefore: t0 })).id);
    expect(await repo.claimDue(t0, 10)).toHaveLength(3);
    expect(await repo.markSent(ids[2], 'om_c_first', t0)).toBe(true);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const n = await repo.markSentMany(ids.map((id, i) => ({ id, messageId: `om_${i}`, at: at(i + 1) })));
    expect(n).toBe(2);
    const rows = await h.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.status, r.larkMessageId, r.sentAt, r.claimedAt])).toEqual([
      ['sent', 'om_0', at(1), null],
      ['sent', 'om_1', at(2), null],
      ['sent', 'om_c_first', t0, null],
    ]);
  });

  it.runIf(backend.name === 'postgresql')('stores an inbound event while processing holds every connection of the main pool', async () => {
    let released = false;
    // Ten connections (pg's default pool) each busy for a second, as a burst of processing would hold them.
    const held = Promise.all(Array.from({ length: 10 }, () => h.db.$queryRawUnsafe('SELECT pg_sleep(1)::text AS slept').finally(() => (released = true))));
    await new Promise((r) => setTimeout(r, 100));
    const r = await createInboundRepo(h.db).store({ eventId: 'e_busy', messageId: 'om_busy', type: 'message', payload: '{}', now: NOW });
    expect(r.stored).toBe(true);
    expect(released).toBe(false);
    await held;
  });

  // Replicas are PostgreSQL's job; SQLite is one bot process (plus one-shot CLI runs).
  it.runIf(backend.name === 'postgresql')('two replicas on one database process a stored message once: one progress record, one reply', async () => {
    await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    await createUnitRepo(h.db).bind('区委办', 'oc_weiban', { actor: 't', source: 'cli' });
    const second = await openDb(h.url);
    try {
      const clock = { now: () => instantAt('2027-02-22', '09:30', TZ) };
      const common = { clock, logger: silentLogger, tz: TZ, admins: [], officeUnit: '依法治办', processDelayMs: 60_000 };
      const a = createInboundPipeline({ ...common, db: h.db });
      const b = createInboundPipeline({ ...common, db: second });
      const raw = messageEnvelope('进度 68 60% 已完成初稿', { chatId: 'oc_weiban' });
      await a.onMessageEvent(raw);
      await Promise.all([a.processPending(), b.processPending()]);
      expect(await createProgressRepo(h.db).list({ taskNumber: 68 })).toHaveLength(1);
      expect(await h.db.outbox.count({ where: { kind: 'reply' } })).toBe(1);
      expect(await h.db.inboundEvent.findMany({ select: { status: true } })).toEqual([{ status: 'done' }]);
    } finally {
      await second.$disconnect();
    }
  });
  it('records a report once per message with its audit line, refuses an unknown unit, and sees reports written elsewhere', async () => {
    await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    const repo = createProgressRepo(h.db);
    const report = { taskNumber: 68, unitName: '区委办', status: 'progress' as const, percent: 40, text: '起草中', reporterId: 'ou_1', via: 'command' as const, chatId: 'oc_x', dedupeKey: 'msg:om_r1', at: NOW };
    expect(await repo.list()).toEqual([]);
    const id = await repo.record(report);
    expect(await repo.record(report)).toBe(id);
    // This process's own report is in the kept list at once.
    expect((await repo.list()).map((r) => [r.id, r.text, r.at])).toEqual([[id, '起草中', NOW]]);
    const audit = await h.db.auditEvent.findMany({ where: { action: 'progress' } });
    expect(audit.map((a) => [a.subject, a.at, a.source, JSON.parse(a.detail)])).toEqual([
      ['task 68 / 区委办', NOW, 'chat', { progressId: id, status: 'progress', percent: 40, via: 'command', chatId: 'oc_x' }],
    ]);
    await expect(repo.record({ ...report, unitName: '不存在的单位', dedupeKey: 'msg:om_r2' })).rejects.toThrow('progress for task 68 / 不存在的单位: not in the registry');
    expect(await h.db.progress.count()).toBe(1);
    // Written by another process (the CLI, another replica): in the kept list once its check is STAMP_TTL_MS old.
    const other = await openDb(h.url);
    try {
      const task = await other.task.findUniqueOrThrow({ where: { number: 68 } });
      const unit = await other.unit.findUniqueOrThrow({ where: { name: '区委办' } });
      const theirs = await other.progress.create({ data: { taskId: task.id, unitId: unit.id, status: 'done', percent: 100, text: '另一进程', reporterId: 'cli', via: 'cli', createdAt: NOW } });
      await new Promise((r) => setTimeout(r, STAMP_TTL_MS + 50));
      expect((await repo.list()).map((r) => r.id)).toEqual([id, theirs.id]);
    } finally {
      await other.$disconnect();
    }
  });

  it('lists extension requests as they are made and decided, the kept list following each change', async () => {
    await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: NOW, tz: TZ, actor: 't' });
    const repo = createExtensionRepo(h.db);
    expect(await repo.list()).toEqual([]);
    const ask = (unitName: string, key: string) =>
      repo.request({ taskNumber: 68, unitName, milestoneKey: 'm1', occurrence: '2027-03-01', fromDue: '2027-03-01', newDue: '2027-03-15', reason: '等待数据', requesterId: 'ou_1', via: 'command', dedupeKey: key, at: NOW, source: 'chat' });
    await ask('区委办', 'msg:om_e1');
    const first = await repo.list();
    expect(first).toMatchObject([{ taskNumber: 68, unitName: '区委办', status: 'pending', newDue: '2027-03-15', decidedAt: null, createdAt: NOW }]);
    // Unchanged table: the same kept list.
    expect(await repo.list()).toBe(first);
    await ask('区政府办', 'msg:om_e2');
    expect((await repo.list()).map((e) => e.unitName)).toEqual(['区委办', '区政府办']);
    const decidedAt = new Date(NOW.getTime() + 3_600_000);
    await repo.decide({ id: first[0].id, status: 'approved', decidedBy: 'ou_office', comment: '同意', at: decidedAt, source: 'chat' });
    expect(await repo.list()).toMatchObject([
      { unitName: '区委办', status: 'approved', decidedBy: 'ou_office', comment: '同意', decidedAt },
      { unitName: '区政府办', status: 'pending' },
    ]);
    // The filtered (Prisma) path reads the same rows.
    expect(await repo.list({ taskNumber: 68 })).toEqual(await repo.list());
  });
});

describe.runIf(POSTGRES_URL)('PostgreSQL connections the server closes', () => {
  it('a terminated idle connection is reported, the bot keeps running, and the next event is stored on a new one', async () => {
    const pgdb = await createPostgresDatabase();
    const lost: Error[] = [];
    const db = await openDb(pgdb.url, { onConnectionLost: (e) => lost.push(e) });
    try {
      const inbound = createInboundRepo(db);
      // Both pools hold an idle connection: the ingress one (the insert) and the main one (the count).
      expect(await inbound.store({ eventId: 'ev_before', messageId: 'om_before', type: 'message', payload: '{}', now: NOW })).toMatchObject({ stored: true });
      expect(await db.inboundEvent.count()).toBe(1);
      // What a server restart or an operator's pg_terminate_backend does to them.
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        new URL(pgdb.url).pathname.slice(1),
      ]);
      await admin.end();
      expect(rowCount).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < 50 && lost.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost.length).toBeGreaterThanOrEqual(2);
      expect(lost[0].message).toMatch(/terminat/);
      expect(await inbound.store({ eventId: 'ev_after', messageId: 'om_after', type: 'message', payload: '{}', now: NOW })).toMatchObject({ stored: true });
      expect(await db.inboundEvent.count()).toBe(2);
    } finally {
      await db.$disconnect();
      await pgdb.drop();
    }
  });
});
