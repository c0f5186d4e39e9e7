// A small plan (tests/chat/commands/fixture.ts) in a throwaway SQLite database behind the real app
// (createApp with the memory gateway and a stepped clock), for stepping through a year.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { applyPlan } from '../../src/store/registry-repo.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import { createRateLimiter } from '../../src/outbox/rate-limiter.ts';
import type { ProgressStatus } from '../../src/registry/types.ts';
import type { ScheduleDeps } from '../../src/jobs/queue-reminders.ts';
import { PLAN, OFFICE, TZ } from '../chat/commands/fixture.ts';
import { createMemoryGateway, type MemoryGateway } from '../fakes/memory-gateway.ts';

export { OFFICE, TZ };
export const OFFICE_CHAT = 'oc_office';

/** Chats of the fixture's units. 区政府办, 区财政局 and 城南街道 will stay silent in the year below. */
export const CHATS: Record<string, string> = {
  区司法局: 'oc_sfj',
  区财政局: 'oc_czj',
  区委办: 'oc_qwb',
  区政府办: 'oc_zfb',
  城关镇: 'oc_cg',
  城南街道: 'oc_cn',
};

export interface World {
  app: App;
  gateway: MemoryGateway;
  clock: ReturnType<typeof fixedClock>;
  deps: ScheduleDeps;
  dir: string;
  report(unit: string, task: number, status: ProgressStatus, day: string, extra?: { percent?: number; text?: string; milestoneKey?: string; occurrence?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function makeWorld(opts: { bindOffice?: boolean; start?: string } = {}): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-supervision-'));
  const config = loadConfig({
    DATABASE_URL: 'file:' + path.join(dir, 'test.db'),
    DUBAN_OFFICE_UNIT: OFFICE,
    DUBAN_TZ: TZ,
    // Defaults for policy and holidays (the package's calendar), whatever data/ holds.
    DUBAN_POLICY: path.join(dir, 'no-policy.json'),
    DUBAN_HOLIDAYS: path.join(dir, 'no-holidays.json'),
    LOG_LEVEL: 'silent',
  });
  const clock = fixedClock(instantAt(opts.start ?? '2026-01-01', '08:00', TZ));
  const gateway = createMemoryGateway({ now: () => clock.now().getTime() });
  const limiter = createRateLimiter({ now: () => clock.now().getTime(), sleep: async (ms) => clock.advance(ms) });
  const app = await createApp({ config, clock, logger: silentLogger, gateway, limiter });
  await applyPlan(app.db, PLAN, { today: '2026-01-01', now: clock.now(), source: 'fixture', checksum: 'x', actor: 'test' });
  const units = createUnitRepo(app.db);
  const who = { actor: 'ou_admin', source: 'cli' as const };
  for (const [unit, chat] of Object.entries(CHATS)) await units.bind(unit, chat, who);
  if (opts.bindOffice !== false) await units.bind(OFFICE, OFFICE_CHAT, who);
  const deps: ScheduleDeps = { db: app.db, policy: app.policy, calendar: app.calendar, tz: TZ, officeUnit: OFFICE, logger: silentLogger };
  return {
    app,
    gateway,
    clock,
    deps,
    dir,
    async report(unit, task, status, day, extra = {}) {
      await createProgressRepo(app.db).record({
        taskNumber: task,
        unitName: unit,
        status,
        percent: extra.percent ?? (status === 'done' ? 100 : null),
        text: extra.text ?? (status === 'done' ? '已完成' : '推进中'),
        reporterId: `ou_${unit}`,
        reporterName: `${unit}联络员`,
        chatId: CHATS[unit] ?? null,
        via: 'command',
        milestoneKey: extra.milestoneKey ?? null,
        occurrence: extra.occurrence ?? null,
        at: instantAt(day, '15:00', TZ),
      });
    },
    async close() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
