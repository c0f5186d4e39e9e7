// What every CLI command gets: configuration, a clock, output, and the database opened on demand.
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../store/db.ts';
import { openDb } from '../store/db.ts';
import type { CliIo } from './io.ts';
import type { Logger } from '../log.ts';

export interface CliContext {
  config: Config;
  clock: Clock;
  io: CliIo;
  logger: Logger;
  db(): Promise<Db>;
  close(): Promise<void>;
}

export function createCliContext(config: Config, clock: Clock, io: CliIo, logger: Logger): CliContext {
  let db: Db | null = null;
  return {
    config,
    clock,
    io,
    logger,
    async db() {
      db ??= await openDb(config.databaseUrl);
      return db;
    },
    async close() {
      await db?.$disconnect();
      db = null;
    },
  };
}
