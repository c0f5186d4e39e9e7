// `npm run cli -- …` / `npx duban …`
import { loadConfig, readDotEnv } from '../config.ts';
import { processClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import { AppError } from '../errors.ts';
import { createCliContext } from './context.ts';
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

readDotEnv();
try {
  const config = loadConfig();
  const ctx = createCliContext(config, processClock(config.startAt), processIo, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  process.exitCode = await runCli(process.argv.slice(2), ctx);
} catch (e) {
  process.stderr.write(`duban: ${e instanceof AppError ? e.message : (e as Error).stack}\n`);
  process.exitCode = 1;
}
