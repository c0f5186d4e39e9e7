// The application wired once: store, schedule data, inbound pipeline, reminder pass and dispatcher.
// main.ts adds the transport (Lark or console) and the cron; tests build it with a fake Lark.
import type { Config } from './config.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import type { LarkGateway } from './chat/gateway.ts';
import { openDb, type Db } from './store/db.ts';
import { createRegistryRepo } from './store/registry-repo.ts';
import { createUnitRepo } from './store/unit-repo.ts';
import { createMetaRepo, META_UNITS_VERSION } from './store/meta-repo.ts';
import { importRegistry, describeImport, readUnitDirectory } from './jobs/import-registry.ts';
import { queueReminders, type QueueResult } from './jobs/queue-reminders.ts';
import { queueSupervision, type SupervisionResult } from './jobs/queue-supervision.ts';
import { createInboundPipeline } from './jobs/handle-inbound.ts';
import { createEvidenceCollector } from './jobs/collect-evidence.ts';
import type { EvidenceCollector } from './evidence/outcome.ts';
import { readJsonFile } from './jobs/data-files.ts';
import { ReminderPolicySchema, DEFAULT_POLICY, type ReminderPolicy } from './schedule/policy.ts';
import { HolidayOverrideSchema, EMPTY_HOLIDAY_OVERRIDE } from './schedule/holiday-override.ts';
import { createWorkCalendar, type WorkCalendar } from './schedule/calendar.ts';
import { createRateLimiter, type RateLimiter } from './outbox/rate-limiter.ts';
import { dispatchDue, type DispatchResult } from './outbox/dispatch.ts';

export interface AppDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  gateway: LarkGateway;
  /** The bot's own open_id once known (tells "@bot" apart from other mentions). */
  botOpenId?: () => string | undefined;
  groupsOf?: (openId: string) => Promise<string[]>;
  /** Display names of reporters (see chat/user-names.ts). */
  userName?: (openId: string) => Promise<string | null>;
  /** Test hook: a limiter with a stepped clock. */
  limiter?: RateLimiter;
  /** Lark transport status for /healthz. */
  larkStatus?: () => string;
}

export interface App {
  db: Db;
  /** The supervising office's canonical unit name (DUBAN_OFFICE_UNIT may name it by any alias). */
  officeUnit: string;
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  inbound: ReturnType<typeof createInboundPipeline>;
  /** Stores evidence for a task and unit (the inbound pipeline's, also given to the console chat). */
  evidence: EvidenceCollector;
  /** One scheduler pass: queue what is due at `now`, then send the outbox. */
  schedulerPass(now?: Date): Promise<{ queued: QueueResult; supervision: SupervisionResult; dispatched: DispatchResult }>;
  dispatch(): Promise<DispatchResult>;
  health(): Promise<{ ok: boolean; db: string; lark: string }>;
  close(): Promise<void>;
}

export function loadScheduleData(config: Config): { policy: ReminderPolicy; calendar: WorkCalendar } {
  const policy = readJsonFile(config.policyPath, ReminderPolicySchema, { optional: true, fallback: DEFAULT_POLICY });
  const holidays = readJsonFile(config.holidaysPath, HolidayOverrideSchema, { optional: true, fallback: EMPTY_HOLIDAY_OVERRIDE });
  return { policy, calendar: createWorkCalendar(holidays) };
}

/** On a database with no registry yet, the configured plan is imported (the embedded default). */
export async function ensureRegistry(db: Db, config: Config, clock: Clock, logger: Logger): Promise<string[] | null> {
  if ((await createRegistryRepo(db).countTasks()) > 0) return null;
  const { plan, summary } = await importRegistry(
    db,
    config.planPath,
    { unitsPath: config.unitsPath, overridesPath: config.overridesPath },
    { now: clock.now(), tz: config.tz, actor: 'startup' },
  );
  const lines = describeImport(config.planPath, plan, summary);
  logger.info('plan imported on first start', { file: config.planPath, tasks: plan.tasks.length, warnings: plan.warnings.length });
  return lines;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, clock, logger, gateway } = deps;
  const db = await openDb(config.databaseUrl, {
    backgroundCheckpoints: { onError: (e) => logger.warn('sqlite checkpoints are back on the main thread', { err: e }) },
    onConnectionLost: (e) => logger.warn('postgresql closed an idle connection; the pool opens a new one', { err: e }),
  });
  const { policy, calendar } = loadScheduleData(config);
  const officeUnit = await createUnitRepo(db).resolveOffice(config.officeUnit, readUnitDirectory(config.unitsPath));
  // Databases from before the units cache have no version stamp yet: give them one (see unit-repo).
  const meta = createMetaRepo(db);
  if (!(await meta.get(META_UNITS_VERSION))) await meta.bump(META_UNITS_VERSION);
  const limiter = deps.limiter ?? createRateLimiter({ limits: config.rateLimits });

  // One pass at a time in this process. A call while a pass runs asks for one more pass after it, so
  // a reply queued mid-pass goes out right after rather than at the next cron tick.
  let dispatching: Promise<DispatchResult> | null = null;
  let rerun = false;
  const dispatch = async (): Promise<DispatchResult> => {
    if (dispatching) {
      rerun = true;
      return dispatching;
    }
    dispatching = (async () => {
      let result: DispatchResult;
      do {
        rerun = false;
        result = await dispatchDue({ db, gateway, limiter, clock, logger });
      } while (rerun);
      return result;
    })().finally(() => (dispatching = null));
    return dispatching;
  };

  const evidence = createEvidenceCollector({
    db,
    dir: config.evidence.dir,
    maxBytes: config.evidence.maxBytes,
    download: gateway.downloadResource?.bind(gateway),
    logger,
  });
  const inbound = createInboundPipeline({
    db,
    clock,
    logger,
    tz: config.tz,
    admins: config.admins,
    officeUnit,
    botOpenId: deps.botOpenId,
    groupsOf: deps.groupsOf,
    userName: deps.userName,
    policy,
    calendar,
    boardUrl: config.board.publicUrl,
    onQueued: () => void dispatch().catch((e) => logger.error('dispatch failed', { err: e as Error })),
    processDelayMs: config.inboundDelayMs,
    evidence,
  });

  const scheduleDeps = { db, policy, calendar, tz: config.tz, officeUnit, logger, boardUrl: config.board.publicUrl };

  return {
    db,
    officeUnit,
    policy,
    calendar,
    inbound,
    evidence,
    async schedulerPass(now = clock.now()) {
      const queued = await queueReminders(scheduleDeps, now);
      const supervision = await queueSupervision(scheduleDeps, now, queued.office);
      const dispatched = await dispatch();
      return { queued, supervision, dispatched };
    },
    dispatch,
    async health() {
      let dbState = 'ok';
      try {
        await db.meta.count();
      } catch (e) {
        dbState = `error: ${(e as Error).message}`;
      }
      const lark = deps.larkStatus?.() ?? 'local';
      return { ok: dbState === 'ok', db: dbState, lark };
    },
    async close() {
      await dispatching?.catch(() => undefined);
      await db.$disconnect();
    },
  };
}
