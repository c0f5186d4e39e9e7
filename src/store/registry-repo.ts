// Tasks, their units and milestones in the database: the registry as the rest of Duban reads it,
// and the one-transaction import of a parsed plan.
import crypto from 'node:crypto';
import type { Db, DbTx } from './db.ts';
import { readJsonList, writeJsonList } from './json-column.ts';
import {
  milestoneKey,
  type MilestoneDraft,
  type MilestoneRecord,
  type ParsedPlan,
  type TaskDraft,
  type TaskRecord,
  type UnitDraft,
  type UnitRecord,
  type UnitRole,
} from '../registry/types.ts';
import { createMetaRepo, META_FIRST_IMPORT, META_REGISTRY_VERSION, META_UNITS_VERSION } from './meta-repo.ts';
import { createAuditRepo } from './audit-repo.ts';

export interface ImportSummary {
  tasks: { created: number[]; updated: number[]; unchanged: number; retired: number[]; restored: number[] };
  units: { created: string[] };
  milestones: { created: number; historical: number; retired: number };
  warnings: number;
  firstImport: boolean;
}

function hashTask(t: TaskDraft): string {
  const canonical = JSON.stringify([t.chapter, t.section, t.text, t.schedule, t.leadUnits, t.otherUnits, t.milestones]);
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function milestoneDue(m: MilestoneDraft): string | null {
  return m.kind === 'once' ? m.due : null;
}

type UnitRow = { id: number; name: string; aliases: string; collective: boolean; members: string; chatId: string | null };

function toUnitRecord(u: UnitRow): UnitRecord {
  return { name: u.name, aliases: readJsonList(u.aliases), collective: u.collective, members: readJsonList(u.members), chatId: u.chatId };
}

/** Units named in the plan: the directory entry wins for aliases and members; the chat binding is never touched. */
async function upsertUnits(tx: DbTx, units: UnitDraft[], names: Set<string>): Promise<{ ids: Map<string, number>; created: string[]; renamed: number }> {
  const drafts = new Map(units.map((u) => [u.name, u]));
  for (const name of names) if (!drafts.has(name)) drafts.set(name, { name, aliases: [] });
  const existing = new Map((await tx.unit.findMany()).map((u) => [u.name, u]));
  const ids = new Map<string, number>();
  let renamed = 0;
  const fresh: { name: string; aliases: string; collective: boolean; members: string }[] = [];
  for (const u of drafts.values()) {
    let old = existing.get(u.name);
    // A unit stored under what the directory now calls an alias (the office created as 依法治办 before the
    // plan named it 区委依法治区办, or an older directory's canonical name) is renamed, keeping its chat,
    // progress and history, rather than left beside a new twin.
    const stale = old ? undefined : u.aliases.map((a) => existing.get(a)).find((x) => x && !drafts.has(x.name));
    if (stale) {
      old = { ...stale, name: u.name, aliases: writeJsonList([...new Set([...readJsonList(stale.aliases), stale.name])]) };
      await tx.unit.update({ where: { id: stale.id }, data: { name: old.name, aliases: old.aliases } });
      renamed++;
      existing.delete(stale.name);
      existing.set(u.name, old);
    }
    const data = {
      aliases: writeJsonList([...new Set([...(old ? readJsonList(old.aliases) : []), ...u.aliases])]),
      collective: u.collective ?? old?.collective ?? false,
      members: writeJsonList(u.members ?? (old ? readJsonList(old.members) : [])),
    };
    if (!old) {
      fresh.push({ name: u.name, ...data });
      continue;
    }
    ids.set(u.name, old.id);
    if (old.aliases !== data.aliases || old.collective !== data.collective || old.members !== data.members) {
      await tx.unit.update({ where: { id: old.id }, data });
    }
  }
  if (fresh.length) for (const row of await tx.unit.createManyAndReturn({ data: fresh, select: { id: true, name: true } })) ids.set(row.name, row.id);
  return { ids, created: fresh.map((u) => u.name), renamed };
}

function milestoneData(m: MilestoneDraft) {
  return {
    kind: m.kind,
    due: milestoneDue(m),
    month: m.kind === 'annual' ? m.month : null,
    day: m.kind === 'annual' ? m.day : null,
    label: m.label,
    source: m.source,
    repair: m.repair ?? null,
  };
}

function uniqueMilestones(draft: TaskDraft): Map<string, MilestoneDraft> {
  const wanted = new Map<string, MilestoneDraft>();
  for (const m of draft.milestones) if (!wanted.has(milestoneKey(m))) wanted.set(milestoneKey(m), m);
  return wanted;
}

/** Lead wins when a unit is listed twice. */
function rolesOf(draft: TaskDraft): Map<string, UnitRole> {
  const roles = new Map<string, UnitRole>();
  for (const n of draft.otherUnits) if (!roles.has(n)) roles.set(n, 'other');
  for (const n of draft.leadUnits) roles.set(n, 'lead');
  return roles;
}

/**
 * Loads a parsed plan in one transaction: same document again changes nothing; a revised plan updates
 * tasks in place, keeps progress, retires (never deletes) what disappeared. Milestones already past when
 * first seen are historical, so a new deployment does not flood chats with years-old deadlines.
 * New rows are inserted in batches: a plan of thousands of tasks loads in a few statements.
 */
export async function applyPlan(
  db: Db,
  plan: ParsedPlan,
  opts: { today: string; now: Date; source: string; checksum: string; actor: string },
): Promise<ImportSummary> {
  return db.$transaction(
    async (tx) => {
      const meta = createMetaRepo(tx);
      const firstImport = (await meta.get(META_FIRST_IMPORT)) === null;
      if (firstImport) await meta.set(META_FIRST_IMPORT, opts.now.toISOString());

      const summary: ImportSummary = {
        tasks: { created: [], updated: [], unchanged: 0, retired: [], restored: [] },
        units: { created: [] },
        milestones: { created: 0, historical: 0, retired: 0 },
        warnings: plan.warnings.length,
        firstImport,
      };

      const named = new Set(plan.tasks.flatMap((t) => [...t.leadUnits, ...t.otherUnits]));
      const { ids: unitIds, created, renamed } = await upsertUnits(tx, plan.units, named);
      summary.units.created = created;

      const stored = new Map(
        (await tx.task.findMany({ include: { units: true, milestones: true } })).map((t) => [t.number, t]),
      );
      const historicalIf = (m: MilestoneDraft) => m.kind === 'once' && m.due < opts.today;

      // New tasks: one batch for the tasks, one for their units, one for their milestones.
      const newDrafts = plan.tasks.filter((d) => !stored.has(d.number));
      const newRows = newDrafts.length
        ? await tx.task.createManyAndReturn({
            data: newDrafts.map((d) => ({
              number: d.number, chapter: d.chapter, section: d.section, text: d.text, schedule: d.schedule, contentHash: hashTask(d),
            })),
            select: { id: true, number: true },
          })
        : [];
      const newIds = new Map(newRows.map((r) => [r.number, r.id]));
      const links = [];
      const milestones = [];
      for (const d of newDrafts) {
        const taskId = newIds.get(d.number)!;
        for (const [name, role] of rolesOf(d)) links.push({ taskId, unitId: unitIds.get(name)!, role });
        for (const [key, m] of uniqueMilestones(d)) {
          const historical = historicalIf(m);
          milestones.push({ taskId, key, ...milestoneData(m), historical });
          summary.milestones.created++;
          if (historical) summary.milestones.historical++;
        }
        summary.tasks.created.push(d.number);
      }
      if (links.length) await tx.taskUnit.createMany({ data: links });
      if (milestones.length) await tx.milestone.createMany({ data: milestones });

      // Known tasks: untouched when their content is the same, else updated in place.
      for (const draft of plan.tasks) {
        const existing = stored.get(draft.number);
        if (!existing) continue;
        const contentHash = hashTask(draft);
        if (existing.contentHash === contentHash && !existing.retired) {
          summary.tasks.unchanged++;
          continue;
        }
        await tx.task.update({
          where: { id: existing.id },
          data: { chapter: draft.chapter, section: draft.section, text: draft.text, schedule: draft.schedule, contentHash, retired: false, retiredAt: null },
        });
        if (existing.retired) summary.tasks.restored.push(draft.number);
        else summary.tasks.updated.push(draft.number);

        const roles = rolesOf(draft);
        for (const [name, role] of roles) {
          const unitId = unitIds.get(name)!;
          const link = existing.units.find((l) => l.unitId === unitId);
          if (!link) await tx.taskUnit.create({ data: { taskId: existing.id, unitId, role } });
          else if (link.role !== role || link.retired) await tx.taskUnit.update({ where: { id: link.id }, data: { role, retired: false } });
        }
        const keep = new Set([...roles.keys()].map((n) => unitIds.get(n)));
        for (const l of existing.units) if (!keep.has(l.unitId) && !l.retired) await tx.taskUnit.update({ where: { id: l.id }, data: { retired: true } });

        const wanted = uniqueMilestones(draft);
        for (const [key, m] of wanted) {
          const row = existing.milestones.find((x) => x.key === key);
          if (row) {
            await tx.milestone.update({ where: { id: row.id }, data: { ...milestoneData(m), retired: false } });
          } else {
            const historical = historicalIf(m);
            await tx.milestone.create({ data: { taskId: existing.id, key, ...milestoneData(m), historical } });
            summary.milestones.created++;
            if (historical) summary.milestones.historical++;
          }
        }
        for (const x of existing.milestones) {
          if (!wanted.has(x.key) && !x.retired) {
            await tx.milestone.update({ where: { id: x.id }, data: { retired: true } });
            summary.milestones.retired++;
          }
        }
      }

      const seen = new Set(plan.tasks.map((t) => t.number));
      const vanished = [...stored.values()].filter((t) => !t.retired && !seen.has(t.number));
      if (vanished.length) {
        await tx.task.updateMany({ where: { id: { in: vanished.map((t) => t.id) } }, data: { retired: true, retiredAt: opts.now } });
        summary.tasks.retired.push(...vanished.map((t) => t.number));
      }

      const t = summary.tasks;
      // Task snapshots carry unit names, so a renamed unit changes them too.
      if (t.created.length || t.updated.length || t.retired.length || t.restored.length || renamed) {
        await meta.set(META_REGISTRY_VERSION, crypto.randomUUID());
      }
      await meta.bump(META_UNITS_VERSION);
      await tx.importRun.create({ data: { source: opts.source, checksum: opts.checksum, summary: JSON.stringify(summary) } });
      await createAuditRepo(tx).record({
        actor: opts.actor,
        action: 'import',
        subject: opts.source,
        detail: { checksum: opts.checksum, created: summary.tasks.created.length, updated: summary.tasks.updated, retired: summary.tasks.retired },
        source: 'import',
        at: opts.now,
      });
      return summary;
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}

const taskInclude = {
  units: { where: { retired: false }, include: { unit: true } },
  milestones: { where: { retired: false }, orderBy: { id: 'asc' as const } },
};

type TaskRow = Awaited<ReturnType<DbTx['task']['findMany']>>[number] & {
  units: { id: number; role: string; unit: UnitRow }[];
  milestones: { key: string; kind: string; due: string | null; month: number | null; day: number | null; label: string; source: string; repair: string | null; historical: boolean }[];
};

function toMilestoneRecord(m: TaskRow['milestones'][number]): MilestoneRecord {
  const base = { label: m.label, source: m.source, key: m.key, historical: m.historical, ...(m.repair ? { repair: m.repair } : {}) };
  if (m.kind === 'once') return { kind: 'once', due: m.due!, ...base };
  if (m.kind === 'annual') return { kind: 'annual', month: m.month!, day: m.day!, ...base };
  return { kind: 'continuous', ...base };
}

function toTaskRecord(t: TaskRow): TaskRecord {
  const units = [...t.units]
    .sort((a, b) => (a.role === b.role ? a.id - b.id : a.role === 'lead' ? -1 : 1)) // plan order within each role
    .map((u) => ({ name: u.unit.name, role: u.role as UnitRole }));
  return {
    number: t.number,
    chapter: t.chapter,
    section: t.section,
    text: t.text,
    schedule: t.schedule,
    retired: t.retired,
    units,
    milestones: t.milestones.map(toMilestoneRecord),
  };
}

// The live registry only changes on import, yet every chat command reads all of it (the largest part
// of a command's time). Snapshots are kept by registry version: a random id per changing import, so
// two databases in one process never share one. Frozen, because every caller shares them.
const SNAPSHOTS_KEPT = 8;
const snapshots = new Map<string, readonly TaskRecord[]>();

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export function createRegistryRepo(db: DbTx) {
  const load = async (includeRetired: boolean): Promise<TaskRecord[]> => {
    const rows = await db.task.findMany({ where: includeRetired ? {} : { retired: false }, include: taskInclude, orderBy: { number: 'asc' } });
    return (rows as TaskRow[]).map(toTaskRecord);
  };
  /** The live tasks of this registry version, loaded once per version; null before the first import. */
  const snapshot = async (): Promise<readonly TaskRecord[] | null> => {
    const version = await createMetaRepo(db).stamp(META_REGISTRY_VERSION);
    if (!version) return null;
    let tasks = snapshots.get(version);
    if (!tasks) {
      tasks = deepFreeze(await load(false));
      snapshots.set(version, tasks);
      if (snapshots.size > SNAPSHOTS_KEPT) snapshots.delete(snapshots.keys().next().value!);
    }
    return tasks;
  };
  return {
    async listTasks(opts: { includeRetired?: boolean } = {}): Promise<TaskRecord[]> {
      if (opts.includeRetired) return load(true);
      return ((await snapshot()) as TaskRecord[] | null) ?? load(false);
    },
    async getTask(number: number): Promise<TaskRecord | null> {
      // A live task is in the snapshot; a retired one (or no snapshot yet) is read from the store.
      const live = (await snapshot())?.find((t) => t.number === number);
      if (live) return live;
      const row = await db.task.findUnique({ where: { number }, include: taskInclude });
      return row ? toTaskRecord(row as TaskRow) : null;
    },
    async listUnits(): Promise<UnitRecord[]> {
      const rows = await db.unit.findMany({ orderBy: { id: 'asc' } });
      return rows.map(toUnitRecord);
    },
    async countTasks(): Promise<number> {
      return db.task.count({ where: { retired: false } });
    },
  };
}
