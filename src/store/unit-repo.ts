// The unit directory as stored: names, aliases, collective members, and which chat speaks for a unit.
import type { DbTx } from './db.ts';
import { readJsonList, writeJsonList } from './json-column.ts';
import { createAuditRepo, type AuditSource } from './audit-repo.ts';
import type { UnitRecord } from '../registry/types.ts';

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

export function createUnitRepo(db: DbTx) {
  return {
    async list(): Promise<UnitRecord[]> {
      return (await db.unit.findMany({ orderBy: { id: 'asc' } })).map(toRecord);
    },
    async get(name: string): Promise<UnitRecord | null> {
      const u = await db.unit.findUnique({ where: { name } });
      return u ? toRecord(u) : null;
    },
    async byChat(chatId: string): Promise<UnitRecord[]> {
      return (await db.unit.findMany({ where: { chatId }, orderBy: { id: 'asc' } })).map(toRecord);
    },
    /** Creates the unit when it is new (e.g. the office, which no task names). */
    async ensure(name: string, opts: { aliases?: string[]; collective?: boolean; members?: string[] } = {}): Promise<UnitRecord> {
      const u = await db.unit.upsert({
        where: { name },
        create: { name, aliases: writeJsonList(opts.aliases ?? []), collective: opts.collective ?? false, members: writeJsonList(opts.members ?? []) },
        update: {},
      });
      return toRecord(u);
    },
    /** Binds a unit to a chat (one chat per unit; a chat may speak for several units). */
    async bind(name: string, chatId: string, who: { actor: string; source: AuditSource }): Promise<{ previous: string | null }> {
      const u = await db.unit.findUniqueOrThrow({ where: { name } });
      await db.unit.update({ where: { id: u.id }, data: { chatId } });
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
