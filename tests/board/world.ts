// The Jin'an plan (imported 2026-11-29, tests/integration/helpers.ts) at a pinned day when task 68's
// annual report of 2027-03-01 is overdue, with a few units bound and a few reports: the board's data.
import { createApp, type App } from '../../src/app.ts';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { createProgressRepo, type NewProgress } from '../../src/store/progress-repo.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { officeNameOf } from '../../src/board/access.ts';
import { loadSupervisionData } from '../../src/supervision/load-supervision.ts';
import { createMemoryGateway } from '../fakes/memory-gateway.ts';
import { bindUnits, freshPlanDb, makeTempDir, TZ } from '../integration/helpers.ts';

export { TZ };
/** Task 68's 2027-03-01 report is 4 days overdue; its publication is due 04-01. */
export const NOW = instantAt('2027-03-05', '10:00', TZ);
export const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">&amp;';

export interface BoardWorld {
  app: App;
  /** DUBAN_OFFICE_UNIT as configured, and the office's canonical name it resolves to in the unit directory. */
  officeUnit: string;
  officeName: string;
  clock: ReturnType<typeof fixedClock>;
  databaseUrl: string;
  report(p: Partial<NewProgress> & Pick<NewProgress, 'taskNumber' | 'unitName'>): Promise<void>;
  data(): ReturnType<typeof loadSupervisionData>;
  close(): Promise<void>;
}

export const BINDINGS = { 区委办: 'oc_board_qwb', 区政府办: 'oc_board_zfb', 区司法局: 'oc_board_sfj' };
export const OFFICE_CHAT = 'oc_board_office';

export async function makeBoardWorld(env: Record<string, string> = {}): Promise<BoardWorld> {
  const tmp = makeTempDir('duban-board-');
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, BINDINGS);
  const config = loadConfig({ DATABASE_URL: databaseUrl, DUBAN_TZ: TZ, LOG_LEVEL: 'silent', ...env });
  const clock = fixedClock(NOW);
  const app = await createApp({ config, clock, logger: silentLogger, gateway: createMemoryGateway() });
  const progress = createProgressRepo(app.db);
  const units = createUnitRepo(app.db);
  const officeName = officeNameOf(await units.list(), config.officeUnit);
  await units.bind(officeName, OFFICE_CHAT, { actor: 'test', source: 'cli' });
  return {
    app,
    officeUnit: config.officeUnit,
    officeName,
    clock,
    databaseUrl,
    async report(p) {
      await progress.record({
        status: 'progress',
        percent: null,
        text: '推进中',
        reporterId: `ou_${p.unitName}`,
        reporterName: `${p.unitName}联络员`,
        via: 'command',
        at: instantAt('2027-03-02', '15:00', TZ),
        ...p,
      });
    },
    data: () => loadSupervisionData({ db: app.db, policy: app.policy, calendar: app.calendar, tz: TZ, officeUnit: config.officeUnit }, clock.now()),
    async close() {
      await app.close();
      tmp.remove();
    },
  };
}
