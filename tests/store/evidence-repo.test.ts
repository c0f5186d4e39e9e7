// The evidence repository on SQLite and PostgreSQL (when DUBAN_TEST_POSTGRES_URL is set): rows with their
// audit line, the dedupe on (task, unit, sha256) and on (message, resource), links, listing by task/unit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.ts';
import { importRegistry } from '../../src/jobs/import-registry.ts';
import { createEvidenceRepo, type NewEvidence } from '../../src/store/evidence-repo.ts';
import { POSTGRES_URL, createPostgresDatabase } from '../support/postgres.ts';
import { REGISTRY_FILES } from '../support/test-db.ts';

type Handle = { db: Db; close(): Promise<void> };
const backends: Array<{ name: string; open(): Promise<Handle> }> = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-evidence-repo-'));
      const db = await openDb('file:' + path.join(dir, 'e.db'));
      return { db, close: async () => (await db.$disconnect(), fs.rmSync(dir, { recursive: true, force: true })) };
    },
  },
  ...(POSTGRES_URL
    ? [
        {
          name: 'postgresql',
          async open() {
            const pg = await createPostgresDatabase();
            const db = await openDb(pg.url);
            return { db, close: async () => (await db.$disconnect(), await pg.drop()) };
          },
        },
      ]
    : []),
];

const NOW = new Date('2027-02-22T02:00:00Z');
const file = (o: Partial<NewEvidence> = {}): NewEvidence => ({
  taskNumber: 68,
  unitName: '区委办',
  kind: 'file',
  name: '报告.pdf',
  size: 2048,
  contentType: 'application/pdf',
  sha256: 'a'.repeat(64),
  storagePath: `${'a'.repeat(64)}.pdf`,
  reporterId: 'ou_u1',
  reporterName: '王晓明',
  chatId: 'oc_qwb',
  messageId: 'om_1',
  fileKey: 'file_v3_1',
  at: NOW,
  source: 'chat',
  ...o,
});

describe.each(backends)('evidence repo on $name', (backend) => {
  let h: Handle;
  beforeEach(async () => {
    h = await backend.open();
    await importRegistry(h.db, 'data/plan.txt', REGISTRY_FILES, { now: new Date('2026-11-29T02:00:00Z'), tz: 'Asia/Shanghai', actor: 'test' });
  }, 60_000);
  afterEach(async () => {
    await h.close();
  });

  it('records a file with its audit line; the same bytes for the same task and unit once; another unit apart', async () => {
    const repo = createEvidenceRepo(h.db);
    const a = await repo.add(file());
    expect(a).toMatchObject({ outcome: 'created', record: { taskNumber: 68, unitName: '区委办', name: '报告.pdf', size: 2048, at: NOW } });
    const again = await repo.add(file({ messageId: 'om_2', fileKey: 'file_v3_2', name: '报告（副本）.pdf' }));
    expect(again).toEqual({ outcome: 'duplicate', record: a.record });
    const other = await repo.add(file({ unitName: '区政府办', messageId: 'om_3', fileKey: 'file_v3_3' }));
    expect(other.outcome).toBe('created');
    expect(await repo.ofMessage('om_1', { fileKey: 'file_v3_1' })).toEqual(a.record);
    expect(await repo.ofMessage('om_2', { fileKey: 'file_v3_2' })).toBeNull();
    expect((await repo.list({ taskNumber: 68, unitName: '区委办' })).map((e) => e.id)).toEqual([a.record.id]);
    expect((await repo.list({ taskNumber: 68 })).map((e) => e.unitName)).toEqual(['区委办', '区政府办']);
    const audit = await h.db.auditEvent.findMany({ where: { action: 'evidence' }, orderBy: { id: 'asc' } });
    expect(audit.map((x) => [x.subject, JSON.parse(x.detail).evidenceId])).toEqual([
      ['task 68 / 区委办', a.record.id],
      ['task 68 / 区政府办', other.record.id],
    ]);
  });

  it('links: recorded once per task and unit, found again by message and url', async () => {
    const repo = createEvidenceRepo(h.db);
    const link = (messageId: string) => ({ ...file({ kind: 'link', name: 'https://x.cn/r', url: 'https://x.cn/r', messageId }), size: null, sha256: null, storagePath: null, fileKey: null, contentType: null });
    const a = await repo.add(link('om_9'));
    expect(a.outcome).toBe('created');
    expect((await repo.add(link('om_10'))).outcome).toBe('duplicate');
    expect(await repo.ofMessage('om_9', { url: 'https://x.cn/r' })).toEqual(a.record);
    expect(await repo.get(a.record.id)).toEqual(a.record);
    expect(await repo.get(999_999)).toBeNull();
  });

  it('the database refuses a second row for the same message resource (two workers at once)', async () => {
    await createEvidenceRepo(h.db).add(file());
    const task = await h.db.task.findUniqueOrThrow({ where: { number: 68 } });
    const unit = await h.db.unit.findUniqueOrThrow({ where: { name: '区政府办' } });
    await expect(
      h.db.evidence.create({ data: { taskId: task.id, unitId: unit.id, kind: 'file', name: 'x', reporterId: 'ou', messageId: 'om_1', fileKey: 'file_v3_1', sha256: 'b'.repeat(64) } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });
});
