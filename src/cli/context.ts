// What every CLI command gets: configuration, a clock, output, and the database opened on demand.
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../store/db.ts';
import { openDb } from '../store/db.ts';
import type { CliIo } from './io.ts';
import type { Logger } from '../log.ts';
import { AppError } from '../errors.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { readUnitDirectory } from '../jobs/import-registry.ts';

export interface CliContext {
  config: Config;
  clock: Clock;
  io: CliIo;
  logger: Logger;
  db(): Promise<Db>;
  /** The database, for commands that read the plan: fails with one line when no plan was imported yet. */
  planDb(): Promise<Db>;
  /** The office's canonical unit name (DUBAN_OFFICE_UNIT may be an alias). */
  officeUnit(): Promise<string>;
  close(): Promise<void>;
}

export const NO_PLAN_MESSAGE = 'no plan imported yet: run registry import [FILE] or npm start';

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
    async planDb() {
      const d = await this.db();
      if ((await createRegistryRepo(d).countTasks()) === 0) throw new AppError('no-plan', NO_PLAN_MESSAGE);
      return d;
    },
    async officeUnit() {
      return createUnitRepo(await this.db()).resolveOffice(config.officeUnit, readUnitDirectory(config.unitsPath));
    },
    async close() {
      await db?.$disconnect();
      db = null;
    },
  };
}
