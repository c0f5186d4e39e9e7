// Small key/value state that must survive restarts.
import crypto from 'node:crypto';
import type { DbTx } from './db.ts';
import { directOf } from './direct.ts';

export const META_FIRST_IMPORT = 'firstImportAt';
/** A fresh random id whenever an import changes tasks, units of tasks or milestones: keys the registry cache. */
export const META_REGISTRY_VERSION = 'registryVersion';
/** A fresh random id whenever a unit is created, renamed, rebound or re-read from the directory: keys the units cache. */
export const META_UNITS_VERSION = 'unitsVersion';

// Version stamps are read several times for every chat message, to check the caches (registry, units,
// reports). Read again after STAMP_TTL_MS; a change made in this process is seen at once (any set
// forgets every kept stamp), one made by another process (the CLI) within STAMP_TTL_MS.
const STAMP_TTL_MS = 250;
let stampGeneration = 0;
const stamps = new WeakMap<object, Map<string, { value: string | null; at: number; generation: number }>>();

export function createMetaRepo(db: DbTx) {
  const direct = directOf(db);
  const get = async (key: string): Promise<string | null> => {
    if (direct) return (await direct.all<{ value: string }>(`SELECT "value" FROM "Meta" WHERE "key" = ?`, [key]))[0]?.value ?? null;
    return (await db.meta.findUnique({ where: { key } }))?.value ?? null;
  };
  return {
    get,
    /** A version stamp, as get() but possibly STAMP_TTL_MS old (see above). */
    async stamp(key: string): Promise<string | null> {
      if (!direct) return get(key);
      let kept = stamps.get(direct);
      if (!kept) stamps.set(direct, (kept = new Map()));
      const hit = kept.get(key);
      if (hit && hit.generation === stampGeneration && Date.now() - hit.at < STAMP_TTL_MS) return hit.value;
      const generation = stampGeneration;
      const value = await get(key);
      kept.set(key, { value, at: Date.now(), generation });
      return value;
    },
    async set(key: string, value: string): Promise<void> {
      stampGeneration++;
      await db.meta.upsert({ where: { key }, create: { key, value }, update: { value } });
      stampGeneration++;
    },
    /** Marks a cached view as out of date (a new random version id). */
    async bump(key: string): Promise<void> {
      await this.set(key, crypto.randomUUID());
    },
  };
}
