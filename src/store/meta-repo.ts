// Small key/value state that must survive restarts.
import crypto from 'node:crypto';
import type { DbTx } from './db.ts';
import { directOf } from './direct.ts';

export const META_FIRST_IMPORT = 'firstImportAt';
/** A fresh random id whenever an import changes tasks, units of tasks or milestones: keys the registry cache. */
export const META_REGISTRY_VERSION = 'registryVersion';
/** A fresh random id whenever a unit is created, renamed, rebound or re-read from the directory: keys the units cache. */
export const META_UNITS_VERSION = 'unitsVersion';

export function createMetaRepo(db: DbTx) {
  const direct = directOf(db);
  return {
    async get(key: string): Promise<string | null> {
      // Read on every chat message (the caches' version stamps): the direct path when there is one.
      if (direct) return (await direct.all<{ value: string }>(`SELECT "value" FROM "Meta" WHERE "key" = ?`, [key]))[0]?.value ?? null;
      return (await db.meta.findUnique({ where: { key } }))?.value ?? null;
    },
    async set(key: string, value: string): Promise<void> {
      await db.meta.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
    /** Marks a cached view as out of date (a new random version id). */
    async bump(key: string): Promise<void> {
      await this.set(key, crypto.randomUUID());
    },
  };
}
