// Who hears about a task: each of its units, with collective units (各乡镇(街道)) reaching their
// own chat when bound, else each member's chat (an unbound member gets chatId null).
import type { TaskRecord, UnitRecord, UnitRole } from '../registry/types.ts';

export interface Recipient {
  unitName: string;
  chatId: string | null;
  role: UnitRole;
  /** Units whose progress reports count for this recipient (itself, plus the collective it came through). */
  reporters: string[];
}

export type UnitDirectory = (name: string) => UnitRecord | undefined;

// The chat asks these for every task on every message, over the same kept units and tasks (the stores
// hand out one array until something changes): a directory per units array, and each task's recipients
// per directory, are worked out once. Both are read-only (frozen).
const directories = new WeakMap<readonly UnitRecord[], UnitDirectory>();
const recipientsByDirectory = new WeakMap<UnitDirectory, WeakMap<TaskRecord, Recipient[]>>();

export function unitDirectory(units: UnitRecord[]): UnitDirectory {
  const kept = directories.get(units);
  if (kept) return kept;
  const byName = new Map<string, UnitRecord>();
  for (const u of units) for (const n of u.aliases) if (!byName.has(n)) byName.set(n, u);
  for (const u of units) byName.set(u.name, u); // a real name beats someone else's alias
  const dir: UnitDirectory = (name) => byName.get(name);
  directories.set(units, dir);
  return dir;
}

export function recipientsOf(task: TaskRecord, dir: UnitDirectory): Recipient[] {
  let byTask = recipientsByDirectory.get(dir);
  if (!byTask) recipientsByDirectory.set(dir, (byTask = new WeakMap()));
  const kept = byTask.get(task);
  if (kept) return kept;
  const rows = Object.freeze(computeRecipients(task, dir).map((r) => Object.freeze({ ...r, reporters: Object.freeze(r.reporters) as string[] }))) as Recipient[];
  byTask.set(task, rows);
  return rows;
}

function computeRecipients(task: TaskRecord, dir: UnitDirectory): Recipient[] {
  const out = new Map<string, Recipient>();
  const add = (r: Recipient) => {
    const seen = out.get(r.unitName);
    if (!seen) return void out.set(r.unitName, r);
    // Listed twice (directly and through a collective): lead wins, both reporters count.
    if (r.role === 'lead') seen.role = 'lead';
    for (const n of r.reporters) if (!seen.reporters.includes(n)) seen.reporters.push(n);
  };
  for (const { name, role } of task.units) {
    const unit = dir(name);
    const canonical = unit?.name ?? name;
    if (unit?.collective && !unit.chatId && unit.members.length > 0) {
      for (const m of unit.members) {
        const member = dir(m);
        const memberName = member?.name ?? m;
        add({ unitName: memberName, chatId: member?.chatId ?? null, role, reporters: [memberName, canonical] });
      }
    } else {
      add({ unitName: canonical, chatId: unit?.chatId ?? null, role, reporters: [canonical] });
    }
  }
  return [...out.values()];
}

/** A member of a collective the task names, when the collective has a chat of its own (so recipientsOf does not expand it). */
export function memberOfBoundCollective(task: TaskRecord, name: string, dir: UnitDirectory): Recipient | undefined {
  let found: Recipient | undefined;
  for (const link of task.units) {
    const c = dir(link.name);
    if (!c?.collective || !c.members.some((m) => (dir(m)?.name ?? m) === name)) continue;
    found ??= { unitName: name, chatId: dir(name)?.chatId ?? null, role: link.role, reporters: [name] };
    if (link.role === 'lead') found.role = 'lead';
    if (!found.reporters.includes(c.name)) found.reporters.push(c.name);
  }
  return found;
}

/** The role a unit has on a task: as a recipient, as a member of a collective, or as a collective the task names; null when none. */
export function roleOn(task: TaskRecord, unitName: string, dir: UnitDirectory): UnitRole | null {
  const name = dir(unitName)?.name ?? unitName;
  const rows = recipientsOf(task, dir);
  const own = rows.find((r) => r.unitName === name) ?? memberOfBoundCollective(task, name, dir);
  if (own) return own.role;
  const members = rows.filter((r) => r.reporters.length > 1 && r.reporters.includes(name));
  return members.length === 0 ? null : members.some((r) => r.role === 'lead') ? 'lead' : 'other';
}
