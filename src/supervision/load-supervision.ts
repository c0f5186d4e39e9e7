// What the office's views read from the store: registry, progress, the status lights at `now`, and
// which unit reminders actually reached a chat. Shared by the digest job, 汇总 and the ledger export.
import { dayOf } from '../clock.ts';
import type { Db, DbTx } from '../store/db.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createExtensionRepo } from '../store/extension-repo.ts';
import { createProgressRepo } from '../store/progress-repo.ts';
import { createMetaRepo, META_FIRST_IMPORT } from '../store/meta-repo.ts';
import type { ProgressRecord, TaskRecord, UnitRecord } from '../registry/types.ts';
import { statusOf, type TaskStatus } from '../schedule/status.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';
import type { SentReminder } from './digest.ts';
import type { ExtensionRecord } from '../schedule/extensions.ts';

/** Reminder kinds addressed to the unit itself (not the office's lists about it). */
export const UNIT_REMINDER_KINDS = ['reminder', 'overdue', 'quarterly', 'idle'] as const;

export interface SupervisionDeps {
  db: Db | DbTx;
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  tz: string;
  officeUnit: string;
}

export type StoredProgress = ProgressRecord & { id: number; chatId: string | null };

export interface SupervisionData {
  tasks: TaskRecord[];
  units: UnitRecord[];
  progress: StoredProgress[];
  statuses: TaskStatus[];
  sent: SentReminder[];
  trackFrom?: string;
  /** Extension requests known at `now`, in order. */
  extensions: ExtensionRecord[];
}

/** Unit reminders whose card was sent, with the time it was sent (outbox sentAt). */
export async function loadSentReminders(db: Db | DbTx, now: Date): Promise<SentReminder[]> {
  const rows = await db.reminder.findMany({ where: { kind: { in: [...UNIT_REMINDER_KINDS] }, outboxId: { not: null } }, orderBy: { id: 'asc' } });
  if (rows.length === 0) return [];
  const outboxIds = [...new Set(rows.map((r) => r.outboxId!))];
  const sentAt = new Map<number, Date>();
  // SQLite caps bound parameters per statement; chunk the id list.
  for (let i = 0; i < outboxIds.length; i += 500) {
    const chunk = await db.outbox.findMany({ where: { id: { in: outboxIds.slice(i, i + 500) }, status: 'sent' }, select: { id: true, sentAt: true } });
    for (const o of chunk) if (o.sentAt && o.sentAt <= now) sentAt.set(o.id, o.sentAt);
  }
  const [units, tasks] = await Promise.all([db.unit.findMany({ select: { id: true, name: true } }), db.task.findMany({ select: { id: true, number: true } })]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const taskNumber = new Map(tasks.map((t) => [t.id, t.number]));
  const out: SentReminder[] = [];
  for (const r of rows) {
    const at = sentAt.get(r.outboxId!);
    const u = unitName.get(r.unitId);
    const t = taskNumber.get(r.taskId);
    if (!at || u === undefined || t === undefined) continue;
    out.push({ unitName: u, taskNumber: t, milestoneKey: r.milestoneKey, occurrence: r.occurrence, kind: r.kind, messageId: r.outboxId!, sentAt: at });
  }
  return out;
}

export async function loadSupervisionData(deps: SupervisionDeps, now: Date): Promise<SupervisionData> {
  const registry = createRegistryRepo(deps.db);
  const [tasks, units, progress, firstImport, sent, allExtensions] = await Promise.all([
    registry.listTasks(),
    registry.listUnits(),
    createProgressRepo(deps.db).list(),
    createMetaRepo(deps.db).get(META_FIRST_IMPORT),
    loadSentReminders(deps.db, now),
    createExtensionRepo(deps.db).list(),
  ]);
  const trackFrom = firstImport && !Number.isNaN(Date.parse(firstImport)) ? dayOf(new Date(firstImport), deps.tz) : undefined;
  // Reports stamped after `now` (a test stepping back, a clock skew) are not known yet.
  const known = progress.filter((p) => p.at <= now);
  // Requests made after `now` are not known yet either; a decision after `now` has not been taken yet.
  const extensions = allExtensions
    .filter((e) => e.createdAt <= now)
    .map((e) => (e.decidedAt && e.decidedAt > now ? { ...e, status: 'pending' as const, decidedAt: null, decidedBy: null, decidedByName: null, comment: null } : e));
  const statuses = statusOf({ tasks, progress: known, policy: deps.policy, calendar: deps.calendar, now, tz: deps.tz, units, trackFrom, extensions });
  return { tasks, units, progress: known, statuses, sent, trackFrom, extensions };
}
