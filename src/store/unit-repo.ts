// The unit directory as stored: names, aliases, collective members, and which chat speaks for a unit.
import type { DbTx } from './db.ts';
import { createMetaRepo, META_UNITS_VERSION } from './meta-repo.ts';
import { readJsonList, writeJsonList } from './json-column.ts';
import { createAuditRepo, type AuditSource } from './audit-repo.ts';
import type { UnitRecord } from '../registry/types.ts';
import { resolveUnit, type UnitDirectory } from '../registry/unit-directory.ts';

export type UnitMatch = { kind: 'found'; unit: UnitRecord } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

/** Folds the spellings people type: full-width brackets and spaces. */
export function foldUnitName(s: string): string {
  return s.replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, '').trim();
}

export function matchUnit(units: UnitRecord[], query: string): UnitMatch {
  const q = foldUnitName(query);
  if (!q) return { kind: 'none' };
  const exact = units.filter((u) => foldUnitName(u.name) === q || u.aliases.some((a) => foldUnitName(a) === q));
  if (exact.length === 1) return { kind: 'found', unit: exact[0] };
  if (exact.length > 1) return { kind: 'ambiguous', candidates: exact.map((u) => u.name) };
  // Fuzzy: the query is part of a name or alias ("司法" → 区司法局), or the name with 区 added.
  const partial = units.filter(
    (u) => foldUnitName(u.name).includes(q) || u.aliases.some((a) => foldUnitName(a).includes(q)) || foldUnitName(u.name) === `区${q}`,
  );
  if (partial.length === 1) return { kind: 'found', unit: partial[0] };
  if (partial.length > 1) return { kind: 'ambiguous', candidates: partial.map((u) => u.name) };
  return { kind: 'none' };
}

function toRecord(u: { name: string; aliases: string; collective: boolean; members: string; chatId: string | null }): UnitRecord {
  return { name: u.name, aliases: readJsonList(u.aliases), collective: u.collective, members: readJsonList(u.members), chatId: u.chatId };
}

// Every chat message reads the unit list (who speaks for which chat); it changes only on import, on
// a binding or when a unit is created. Lists are kept by units version (a random id per change), as the
// registry's task snapshots are; frozen, because every caller shares them.
const CACHED_VERSIONS = 8;
const cached = new Map<string, readonly UnitRecord[]>();

export function createUnitRepo(db: DbTx) {
  const meta = createMetaRepo(db);
  const load = async (): Promise<UnitRecord[]> => (await db.unit.findMany({ orderBy: { id: 'asc' } })).map(toRecord);
  const list = async (): Promise<UnitRecord[]> => {
    const version = await meta.stamp(META_UNITS_VERSION);
    if (!version) return load();
    let units = cached.get(version);
    if (!units) {
      units = Object.freeze((await load()).map((u) => Object.freeze({ ...u, aliases: Object.freeze(u.aliases), members: Object.freeze(u.members) }))) as readonly UnitRecord[];
      cached.set(version, units);
      if (cached.size > CACHED_VERSIONS) cached.delete(cached.keys().next().value!);
    }
    return units as UnitRecord[];
  };
  const ensure = async (name: string, opts: { aliases?: string[]; collective?: boolean; members?: string[] } = {}): Promise<UnitRecord> => {
    const existing = await db.unit.findUnique({ where: { name } });
    if (existing) return toRecord(existing);
    const u = await db.unit.upsert({
      where: { name },
      create: { name, aliases: writeJsonList(opts.aliases ?? []), collective: opts.collective ?? false, members: writeJsonList(opts.members ?? []) },
      update: {},
    });
    await meta.bump(META_UNITS_VERSION);
    return toRecord(u);
  };
  const resolve = async (name: string): Promise<UnitRecord | null> => {
    const q = foldUnitName(name);
    const all = await list();
    return all.find((u) => foldUnitName(u.name) === q) ?? all.find((u) => u.aliases.some((a) => foldUnitName(a) === q)) ?? null;
  };
  return {
    list,
    async get(name: string): Promise<UnitRecord | null> {
      return (await list()).find((u) => u.name === name) ?? null;
    },
    async byChat(chatId: string): Promise<UnitRecord[]> {
      return (await list()).filter((u) => u.chatId === chatId);
    },
    /** The unit a name or alias stands for, exactly as written (width and spaces folded); null when none. */
    resolve,
    /**
     * The supervising office's canonical name for DUBAN_OFFICE_UNIT, which may be any of its names
     * (依法治办, 依法治区办, 区委依法治区办): the unit that has it as name or alias, created when none does.
     */
    async resolveOffice(configured: string, directory?: UnitDirectory): Promise<string> {
      const stored = await resolve(configured);
      if (stored) return stored.name;
      // Before the first import the store is empty: take the office's canonical name and aliases from the
      // unit directory, so that the import finds the unit under the name the plan writes, not an alias.
      const canonical = directory ? directory.units.find((u) => u.name === resolveUnit(directory, configured)) : undefined;
      if (canonical) return (await ensure(canonical.name, { aliases: [...canonical.aliases] })).name;
      return (await ensure(configured)).name;
    },
    /** Creates the unit when it is new (e.g. the office, which no task names). */
    ensure,
    /** Binds a unit to a chat (one chat per unit; a chat may speak for several units). */
    async bind(name: string, chatId: string, who: { actor: string; source: AuditSource }): Promise<{ previous: string | null }> {
      const u = await db.unit.findUniqueOrThrow({ where: { name } });
      await db.unit.update({ where: { id: u.id }, data: { chatId } });
      await meta.bump(META_UNITS_VERSION);
      await createAuditRepo(db).record({ actor: who.actor, action: 'bind', subject: name, detail: { chatId, previous: u.chatId }, source: who.source });
      return { previous: u.chatId };
    },
    async unitsOfLiaison(openId: string): Promise<UnitRecord[]> {
      const rows = await db.liaison.findMany({ where: { openId }, include: { unit: true } });
      return rows.map((r) => toRecord(r.unit));
    },
    async addLiaison(openId: string, unitName: string, who: { actor: string; source: AuditSource }): Promise<void> {
      const u = await db.unit.findUniqueOrThrow({ where: { name: unitName } });
      await db.liaison.upsert({ where: { openId_unitId: { openId, unitId: u.id } }, create: { openId, unitId: u.id }, update: {} });
      await createAuditRepo(db).record({ actor: who.actor, action: 'liaison', subject: unitName, detail: { openId }, source: who.source });
    },
  };
}
