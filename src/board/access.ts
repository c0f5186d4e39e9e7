// Who is looking, decided the way the chat decides who speaks for a unit (chat/commands/scope.ts
// speakerUnits for a direct chat): the units they registered for with 登记, and the units whose
// bound group they are in. The office's units (config.officeUnit, by name or alias) or DUBAN_ADMINS
// see everything; any other unit sees its own rows; no unit at all is a 403.
import type { DbTx } from '../store/db.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import type { UnitRecord } from '../registry/types.ts';
import { unitDirectory } from '../schedule/recipients.ts';
import type { Scope } from './scope.ts';

export interface AccessDeps {
  db: DbTx;
  admins: readonly string[];
  officeUnit: string;
  /** Bound group chats the person is a member of (Lark's member lists, cached). */
  groupsOf?: (openId: string) => Promise<string[]>;
}

/** The office's canonical unit name: config.officeUnit may be one of its aliases. */
export function officeNameOf(units: UnitRecord[], officeUnit: string): string {
  return unitDirectory(units)(officeUnit)?.name ?? officeUnit;
}

export async function scopeOf(deps: AccessDeps, openId: string): Promise<Scope | null> {
  if (deps.admins.includes(openId)) return { kind: 'all', why: 'admin' };
  const repo = createUnitRepo(deps.db);
  const names = new Set((await repo.unitsOfLiaison(openId)).map((u) => u.name));
  if (deps.groupsOf) for (const chatId of await deps.groupsOf(openId)) for (const u of await repo.byChat(chatId)) names.add(u.name);
  if (names.size === 0) return null;
  if (names.has(officeNameOf(await repo.list(), deps.officeUnit))) return { kind: 'all', why: 'office' };
  return { kind: 'units', units: names };
}
