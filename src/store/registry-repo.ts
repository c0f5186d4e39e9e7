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
import { createMetaRepo, META_FIRST_IMPORT } from './meta-repo.ts';
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
async function upsertUnits(tx: DbTx, units: UnitDraft[], names: Set<string>): Promise<{ ids: Map<string, number>; created: string[] }> {
  const ids = new Map<string, number>();
  const created: string[] = [];
  const drafts = new Map(units.map((u) => [u.name, u]));
  for (const name of names) if (!drafts.has(name)) drafts.set(name, { name, aliases: [] });
  for (const u of drafts.values()) {
    const existing = await tx.unit.findUnique({ where: { name: u.name } });
    const data = {
      aliases: writeJsonList([...new Set([...(existing ? readJsonList(existing.aliases) : []), ...u.aliases])]),
      collective: u.collective ?? existing?.collective ?? false,
      members: writeJsonList(u.members ?? (existing ? readJsonList(existing.members) : [])),
    };
    if (existing) {
      const changed = existing.aliases !== data.aliases || existing.collective !== data.collective || existing.members !== data.members;
      if (changed) await tx.unit.update({ where: { id: existing.id }, data });
      ids.set(u.name, existing.id);
    } else {
      const row = await tx.unit.create({ data: { name: u.name, ...data } });
      ids.set(u.name, row.id);
      created.push(u.name);
    }
  }
  return { ids, created };
}

/**
 * Loads a parsed plan in one transaction: same document again changes nothing; a revised plan updates
 * tasks in place, keeps progress, retires (never deletes) what disappeared. Milestones already past when
 * first seen are historical, so a new deployment does not flood chats with years-old deadlines.
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
      const { ids: unitIds, created } = await upsertUnits(tx, plan.units, named);
      summary.units.created = created;

      const seen = new Set<number>();
      for (const draft of plan.tasks) {
        seen.add(draft.number);
        const contentHash = hashTask(draft);
        const existing = await tx.task.findUnique({ where: { number: draft.number } });
        if (existing && existing.contentHash === contentHash && !existing.retired) {
          summary.tasks.unchanged++;
          continue;
        }
        const fields = { chapter: draft.chapter, section: draft.section, text: draft.text, schedule: draft.schedule, contentHash };
        const task = existing
          ? await tx.task.update({ where: { id: existing.id }, data: { ...fields, retired: false, retiredAt: null } })
          : await tx.task.create({ data: { number: draft.number, ...fields } });
        if (!existing) summary.tasks.created.push(draft.number);
        else if (existing.retired) summary.tasks.restored.push(draft.number);
        else summary.tasks.updated.push(draft.number);

        // Units: lead wins when a unit is listed twice.
        const roles = new Map<string, UnitRole>();
        for (const n of draft.otherUnits) roles.set(n, 'other');
        for (const n of draft.leadUnits) roles.set(n, 'lead');
        const links = await tx.taskUnit.findMany({ where: { taskId: task.id } });
        for (const [name, role] of roles) {
          const unitId = unitIds.get(name)!;
          const link = links.find((l) => l.unitId === unitId);
          if (!link) await tx.taskUnit.create({ data: { taskId: task.id, unitId, role } });
          else if (link.role !== role || link.retired) await tx.taskUnit.update({ where: { id: link.id }, data: { role, retired: false } });
        }
        const keepIds = new Set([...roles.keys()].map((n) => unitIds.get(n)));
        for (const l of links) if (!keepIds.has(l.unitId) && !l.retired) await tx.taskUnit.update({ where: { id: l.id }, data: { retired: true } });

        // Milestones by stable key.
        const stored = await tx.milestone.findMany({ where: { taskId: task.id } });
        const wanted = new Map<string, MilestoneDraft>();
        for (const m of draft.milestones) if (!wanted.has(milestoneKey(m))) wanted.set(milestoneKey(m), m);
        for (const [key, m] of wanted) {
          const data = {
            kind: m.kind,
            due: milestoneDue(m),
            month: m.kind === 'annual' ? m.month : null,
            day: m.kind === 'annual' ? m.day : null,
            label: m.label,
            source: m.source,
            repair: m.repair ?? null,
          };
          const row = stored.find((s) => s.key === key);
          if (row) {
            await tx.milestone.update({ where: { id: row.id }, data: { ...data, retired: false } });
          } else {
            const historical = m.kind === 'once' && m.due < opts.today;
            await tx.milestone.create({ data: { taskId: task.id, key, ...data, historical } });
            summary.milestones.created++;
            if (historical) summary.milestones.historical++;
          }
        }
        for (const s of stored) {
          if (!wanted.has(s.key) && !s.retired) {
            await tx.milestone.update({ where: { id: s.id }, data: { retired: true } });
            summary.milestones.retired++;
          }
        }
      }

      const vanished = await tx.task.findMany({ where: { retired: false, number: { notIn: [...seen] } } });
      for (const t of vanished) {
        await tx.task.update({ where: { id: t.id }, data: { retired: true, retiredAt: opts.now } });
        summary.tasks.retired.push(t.number);
      }

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
    { timeout: 120_000, maxWait: 30_000 },
  );
}

const taskInclude = {
  units: { where: { retired: false }, include: { unit: true } },
  milestones: { where: { retired: false }, orderBy: { id: 'asc' as const } },
};

type TaskRow = Awaited<ReturnType<DbTx['task']['findMany']>>[number] & {
  units: { role: string; unit: UnitRow }[];
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
    .sort((a, b) => (a.role === b.role ? a.unit.id - b.unit.id : a.role === 'lead' ? -1 : 1))
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

export function createRegistryRepo(db: DbTx) {
  return {
    async listTasks(opts: { includeRetired?: boolean } = {}): Promise<TaskRecord[]> {
      const rows = await db.task.findMany({
        where: opts.includeRetired ? {} : { retired: false },
        include: taskInclude,
        orderBy: { number: 'asc' },
      });
      return (rows as TaskRow[]).map(toTaskRecord);
    },
    async getTask(number: number): Promise<TaskRecord | null> {
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
