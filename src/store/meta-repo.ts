// Small key/value state that must survive restarts.
import crypto from 'node:crypto';
import type { DbTx } from './db.ts';
import { directOf } from './direct.ts';
import { checkStamp, forgetStamp, stampStillGood, type StampCheck } from './stamps.ts';

export const META_FIRST_IMPORT = 'firstImportAt';
/** A fresh random id whenever an import changes tasks, units of tasks or milestones: keys the registry cache. */
export const META_REGISTRY_VERSION = 'registryVersion';
/** A fresh random id whenever a unit is created, renamed, rebound or re-read from the directory: keys the units cache. */
export const META_UNITS_VERSION = 'unitsVersion';

// Version stamps are read for every chat message, to check the caches: kept as stamps.ts says.
const stamps = new WeakMap<object, Map<string, { value: string | null; check: StampCheck }>>();
const stampKey = (key: string) => `meta:${key}`;

export function createMetaRepo(db: DbTx) {
  const direct = directOf(db);
  const get = async (key: string): Promise<string | null> => {
    if (direct) return (await direct.all<{ value: string }>(`SELECT "value" FROM "Meta" WHERE "key" = ?`, [key]))[0]?.value ?? null;
    return (await db.meta.findUnique({ where: { key } }))?.value ?? null;
  };
  return {
    get,
    /** A version stamp, as get() but possibly STAMP_TTL_MS old (see stamps.ts). */
    async stamp(key: string): Promise<string | null> {
      if (!direct) return get(key);
      let kept = stamps.get(direct);
      if (!kept) stamps.set(direct, (kept = new Map()));
      const hit = kept.get(key);
      if (hit && stampStillGood(stampKey(key), hit.check)) return hit.value;
      const check = checkStamp(stampKey(key));
      const value = await get(key);
      kept.set(key, { value, check });
      return value;
    },
    async set(key: string, value: string): Promise<void> {
      await db.meta.upsert({ where: { key }, create: { key, value }, update: { value } });
      forgetStamp(stampKey(key));
    },
    /** Marks a cached view as out of date (a new random version id). */
    async bump(key: string): Promise<void> {
      await this.set(key, crypto.randomUUID());
    },
  };
}
