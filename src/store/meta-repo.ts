// Small key/value state that must survive restarts.
import type { DbTx } from './db.ts';

export const META_FIRST_IMPORT = 'firstImportAt';

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
