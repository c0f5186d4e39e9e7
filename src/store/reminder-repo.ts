// Reminder steps as recorded by the planner, each with what became of its outbox message: the audit of
// reminders sent (registry show, the board's task page).
import type { DbTx } from './db.ts';

export interface ReminderRecord {
  id: number;
  unitName: string;
  kind: string;
  step: string;
  milestoneKey: string;
  occurrence: string;
  sendOn: string;
  chatId: string;
  /** The outbox row's status when the step was queued (pending | sending | sent | failed), else the step's own (skipped | cancelled | queued). */
  status: string;
  outboxId: number | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
}

export function createReminderRepo(db: DbTx) {
  return {
    async ofTask(taskNumber: number): Promise<ReminderRecord[]> {
      const task = await db.task.findUnique({ where: { number: taskNumber }, select: { id: true } });
      if (!task) return [];
      const rows = await db.reminder.findMany({ where: { taskId: task.id }, orderBy: { id: 'asc' } });
      const unitIds = [...new Set(rows.map((r) => r.unitId))];
      const outboxIds = [...new Set(rows.map((r) => r.outboxId).filter((x): x is number => x !== null))];
      const units = new Map((await db.unit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
      const outbox = new Map<number, { status: string; attempts: number; lastError: string | null; sentAt: Date | null }>();
      // SQLite caps bound parameters per statement; chunk the id list.
      for (let i = 0; i < outboxIds.length; i += 500) {
        const chunk = await db.outbox.findMany({
          where: { id: { in: outboxIds.slice(i, i + 500) } },
          select: { id: true, status: true, attempts: true, lastError: true, sentAt: true },
        });
        for (const o of chunk) outbox.set(o.id, o);
      }
      return rows.map((r) => {
        const o = r.outboxId !== null ? outbox.get(r.outboxId) : undefined;
        return {
          id: r.id,
          unitName: units.get(r.unitId) ?? String(r.unitId),
          kind: r.kind,
          step: r.step,
          milestoneKey: r.milestoneKey,
          occurrence: r.occurrence,
          sendOn: r.sendOn,
          chatId: r.chatId,
          status: o?.status ?? r.status,
          outboxId: r.outboxId,
          attempts: o?.attempts ?? 0,
          lastError: o?.lastError ?? null,
          sentAt: o?.sentAt ?? null,
        };
      });
    },
  };
}
