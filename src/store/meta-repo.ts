// Small key/value state that must survive restarts.
import type { DbTx } from './db.ts';

export const META_FIRST_IMPORT = 'firstImportAt';
/** A fresh random id whenever an import changes tasks, units of tasks or milestones: keys the registry cache. */
export const META_REGISTRY_VERSION = 'registryVersion';

export function createMetaRepo(db: DbTx) {
  return {
    async get(key: string): Promise<string | null> {
      return (await db.meta.findUnique({ where: { key } }))?.value ?? null;
    },
    async set(key: string, value: string): Promise<void> {
      await db.meta.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
  };
}
