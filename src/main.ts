// Composition root: config → app → transport (Lark or the local console) → cron.
import cron, { type ScheduledTask } from 'node-cron';
import { loadConfig, readDotEnv, type Config } from './config.ts';
import { processClock, type Clock } from './clock.ts';
import { createLogger, type Logger } from './log.ts';
import { AppError } from './errors.ts';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from './app.ts';
import { createRegistryRepo } from './store/registry-repo.ts';
import { openDb } from './store/db.ts';
import { createConsoleGateway } from './chat/console-gateway.ts';
import { createConsoleChat } from './chat/console-chat.ts';
import type { LarkReceiver } from './chat/lark-receiver.ts';
import { createUnitRepo } from './store/unit-repo.ts';
import { createGroupsOf } from './chat/lark-membership.ts';
import { createUserNames } from './chat/user-names.ts';
import { createBoardHandler, type Board, type BoardAuth } from './board/routes.ts';
import { startLocalServer, type LocalServer } from './board/local-server.ts';

/**
 * On a database with no plan yet, the configured plan is imported first: by the CLI in a child
 * process, so that the import's memory (the parser, Prisma's compiled queries) leaves with it and the
 * bot itself starts small. The child has the same configuration (environment) and prints the same lines.
 */
async function bootRegistry(config: Config): Promise<void> {
  const db = await openDb(config.databaseUrl);
  try {
    if ((await createRegistryRepo(db).countTasks()) > 0) return;
  } finally {
    await db.$disconnect();
  }
  const self = fileURLToPath(import.meta.url);
  const cli = path.join(path.dirname(self), 'cli', `main${path.extname(self)}`);
  const r = spawnSync(process.execPath, [...process.execArgv, cli, 'registry', 'import', config.planPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new AppError('import', `the plan ${config.planPath} could not be imported on first start (the reason is above)`);
}

function startCron(config: Config, app: App, logger: Logger, now: () => Date, board?: Board): ScheduledTask {
  return cron.schedule(
    config.schedulerCron,
    async () => {
      // Messages whose processing failed earlier are tried again on each tick (until parked as failed).
      await app.inbound.processPending().catch((e) => logger.error('inbound retry pass failed', { err: e as Error }));
      await app.schedulerPass(now()).catch((e) => logger.error('scheduler pass failed', { err: e as Error }));
      await board?.warm();
    },
    { timezone: config.tz, noOverlap: true },
  );
}

function boardOf(app: App, config: Config, clock: Clock, logger: Logger, auth: BoardAuth) {
  return createBoardHandler({ db: app.db, policy: app.policy, calendar: app.calendar, tz: config.tz, officeUnit: app.officeUnit, clock, logger, auth });
}

async function runLocal(config: Config, clock: ReturnType<typeof processClock>, logger: Logger): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const write = (t: string) => process.stdout.write(t.endsWith('\n') || t.endsWith('> ') ? t : t + '\n');
  // The console shows the chat you are in in full, other chats' messages in one line each.
  let chat: ReturnType<typeof createConsoleChat> | undefined;
  const gateway = createConsoleGateway({ currentChat: () => chat?.currentChat() ?? null, write });
  const app = await createApp({ config, clock, logger, gateway });
  chat = createConsoleChat({
    db: app.db,
    tz: config.tz,
    officeUnit: app.officeUnit,
    policy: app.policy,
    calendar: app.calendar,
    now: () => clock.now(),
    setNow: (t) => clock.setNow(t),
    schedulerPass: (now) => app.schedulerPass(now),
    boardUrl: config.board.publicUrl,
    write,
    evidence: app.evidence,
  });
  const bound = await chat.bindAllLocal();
  const units = await createUnitRepo(app.db).list();
  const first = units.find((u) => u.name === '区司法局') ?? units[0];
  write(await chat.enter(first.name));
  // The board, on this machine only and without login (the console has no Lark to log in with).
  let server: LocalServer | null = null;
  const board = boardOf(app, config, clock, logger, { mode: 'local' });
  try {
    server = await startLocalServer({ port: config.port, board, health: () => app.health(), logger });
  } catch (e) {
    process.stderr.write(`duban: the board is not served: port ${config.port} is busy or not allowed (${(e as Error).message}); set PORT to another port\n`);
  }
  write(
    `督办 Duban — local console (no LARK_APP_ID). ${bound ? `${bound} units got a local chat. ` : ''}` +
      `Type 帮助 / help for commands, /help for console controls, /now 2027-02-25 to move the clock.` +
      (server ? `\n督办看板 board: http://localhost:${server.port}/board` : ''),
  );
  await app.schedulerPass(clock.now());
  if (server) void board.warm();
  const task = interactive ? startCron(config, app, logger, () => clock.now(), server ? board : undefined) : null;
  // Piped input ends only when every line is answered and every queued message is printed.
  await chat.run(process.stdin, interactive, async () => void (await app.dispatch()));
  await task?.stop();
  await server?.close();
  await app.close();
}

const BOT_IDENTITY_RETRY_MS = 60_000;

async function runLark(config: Config, clock: Clock, logger: Logger): Promise<void> {
  if (config.lark.mode === 'local') return;
  const lark = config.lark;
  // The SDK is loaded only when Lark is configured: it alone adds ~110 MB to the resident set.
  const { createLarkGateway } = await import('./chat/lark-gateway.ts');
  const { startLarkReceiver } = await import('./chat/lark-receiver.ts');
  const { createLarkLogin } = await import('./board/lark-login.ts');
  const gateway = createLarkGateway(lark, logger);
  let botOpenId: string | undefined;
  let receiver: LarkReceiver | null = null;
  const app = await createApp({
    config,
    clock,
    logger,
    gateway,
    botOpenId: () => botOpenId,
    larkStatus: () => receiver?.status() ?? 'starting',
    groupsOf: (openId) => groupsOf(openId),
    userName: createUserNames(gateway),
  });
  const groupsOf = createGroupsOf(gateway, () => createUnitRepo(app.db).list());
  // Until the bot knows its own open_id, any @mention in a group counts as @bot; keep asking.
  const readIdentity = async (): Promise<void> => {
    try {
      botOpenId = (await gateway.getBotInfo()).openId;
      logger.info('bot identity read', { botOpenId });
    } catch (e) {
      logger.warn('could not read the bot identity; any @mention in a group counts as @bot until it can', { err: e as Error });
      setTimeout(() => void readIdentity(), BOT_IDENTITY_RETRY_MS).unref();
    }
  };
  await readIdentity();
  const board = boardOf(app, config, clock, logger, {
    mode: 'lark',
    login: createLarkLogin(lark, logger),
    groupsOf: (openId) => groupsOf(openId),
    admins: config.admins,
    ...config.board,
  });
  receiver = await startLarkReceiver({
    lark,
    port: config.port,
    logger,
    onMessageEvent: (raw) => app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => app.inbound.onCardAction(raw),
    health: () => app.health(),
    httpHandler: board,
  });
  logger.info('duban started', { mode: lark.mode, port: receiver.port, board: `${config.board.publicUrl}/board` });
  // Messages stored before a crash or restart are processed now; then one scheduler pass.
  await app.inbound.processPending();
  await app.schedulerPass();
  void board.warm();
  const task = startCron(config, app, logger, () => clock.now(), board);
  const stop = async () => {
    await task.stop();
    await receiver?.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.lark.mode === 'local' && config.logLevel === 'info' ? 'warn' : config.logLevel);
  const clock = processClock(config.startAt);
  await bootRegistry(config);
  if (config.lark.mode === 'local') await runLocal(config, clock, logger);
  else await runLark(config, clock, logger);
}

main().catch((e) => {
  process.stderr.write(`duban: ${e instanceof AppError ? e.message : (e as Error).stack}\n`);
  process.exit(1);
});
