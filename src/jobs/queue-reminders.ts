// One planning pass: registry + progress + policy + now → reminder steps not yet queued → one card per
// chat and day in the outbox. The Reminder table's unique key makes each step go out at most once;
// the outbox makes each card go out exactly once.
import type { Db } from '../store/db.ts';
import { daysBetween, dayOf } from '../clock.ts';
import type { Logger } from '../log.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createProgressRepo } from '../store/progress-repo.ts';
import { createMetaRepo, META_FIRST_IMPORT } from '../store/meta-repo.ts';
import { createOutboxRepo } from '../store/outbox-repo.ts';
import { planPass, type PlanInput } from '../schedule/plan-reminders.ts';
import type { PlannedReminder } from '../schedule/types.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar, CalendarWarning } from '../schedule/calendar.ts';
import { reminderCard, type ReminderItem } from '../chat/cards/reminder-card.ts';
import { officeOverdueCard } from '../supervision/office-overdue-card.ts';
import type { TaskRecord } from '../registry/types.ts';

export interface ScheduleDeps {
  db: Db;
  policy: ReminderPolicy;
  calendar: WorkCalendar;
  tz: string;
  officeUnit: string;
  logger: Logger;
  /** The board's public base URL: the weekly digest links to it. */
  boardUrl?: string;
}

/** Everything the planner needs, read from the store. */
export async function loadPlanInput(deps: ScheduleDeps, now: Date): Promise<PlanInput> {
  const registry = createRegistryRepo(deps.db);
  const [tasks, units, progress, firstImport] = await Promise.all([
    registry.listTasks(),
    registry.listUnits(),
    createProgressRepo(deps.db).list(),
    createMetaRepo(deps.db).get(META_FIRST_IMPORT),
  ]);
  return {
    tasks,
    units,
    progress,
    policy: deps.policy,
    calendar: deps.calendar,
    now,
    tz: deps.tz,
    officeUnit: deps.officeUnit,
    trackFrom: firstImport ? dayOf(new Date(firstImport), deps.tz) : undefined,
  };
}

export function toReminderItem(r: PlannedReminder, tasks: Map<number, TaskRecord>, today: string): ReminderItem {
  return {
    taskNumber: r.taskNumber,
    taskText: tasks.get(r.taskNumber)?.text ?? '',
    role: r.role,
    unitName: r.aboutUnit ?? r.unitName,
    label: r.label,
    milestoneKey: r.milestoneKey,
    occurrence: r.occurrence,
    step: r.step,
    daysLeft: r.kind === 'idle' ? 0 : daysBetween(today, r.occurrence),
    periodLabel: r.periodLabel,
  };
}

// A year without holiday data is said once per process, not on every five-minute pass.
const warned = new WeakMap<WorkCalendar, Set<number>>();
function warnOnce(deps: ScheduleDeps, warnings: CalendarWarning[]): void {
  const seen = warned.get(deps.calendar) ?? new Set<number>();
  warned.set(deps.calendar, seen);
  for (const w of warnings) {
    if (seen.has(w.year)) continue;
    seen.add(w.year);
    deps.logger.warn('holiday data missing', { year: w.year, message: w.message });
  }
}

export interface QueueResult {
  planned: number;
  queued: number;
  cards: number;
  unbound: PlannedReminder[];
  warnings: CalendarWarning[];
}

export async function queueReminders(deps: ScheduleDeps, now: Date): Promise<QueueResult> {
  const input = await loadPlanInput(deps, now);
  const { reminders, warnings } = planPass(input);
  warnOnce(deps, warnings);
  const today = dayOf(now, deps.tz);
  const unbound = reminders.filter((r) => r.chatId === null);
  const bound = reminders.filter((r) => r.chatId !== null);
  if (bound.length === 0) return { planned: reminders.length, queued: 0, cards: 0, unbound, warnings };

  const known = new Set(
    (await deps.db.reminder.findMany({ where: { key: { in: bound.map((r) => r.key) } }, select: { key: true } })).map((r) => r.key),
  );
  const fresh = bound.filter((r) => !known.has(r.key));
  if (fresh.length === 0) return { planned: reminders.length, queued: 0, cards: 0, unbound, warnings };

  const tasks = new Map(input.tasks.map((t) => [t.number, t]));
  // One card per chat: the office's overdue list apart from the unit reminders of the same chat.
  const groups = new Map<string, PlannedReminder[]>();
  for (const r of fresh) {
    const g = `${r.kind === 'office-overdue' ? 'office' : 'unit'}|${r.chatId}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }

  let cards = 0;
  for (const [group, items] of groups) {
    const [kind, chatId] = [group.slice(0, group.indexOf('|')), group.slice(group.indexOf('|') + 1)];
    const unitNames = [...new Set(items.map((r) => r.unitName))];
    const card =
      kind === 'office'
        ? officeOverdueCard(items, deps.officeUnit, today)
        : reminderCard(items.map((r) => toReminderItem(r, tasks, today)), unitNames.join('、'), today);
    try {
      await deps.db.$transaction(async (tx) => {
        const ids: number[] = [];
        for (const r of items) {
          const row = await tx.reminder.create({
            data: {
              key: r.key,
              kind: r.kind,
              unitId: (await tx.unit.findUniqueOrThrow({ where: { name: r.aboutUnit ?? r.unitName } })).id,
              taskId: (await tx.task.findUniqueOrThrow({ where: { number: r.taskNumber } })).id,
              milestoneKey: r.milestoneKey,
              occurrence: r.occurrence,
              step: r.step,
              sendOn: r.sendOn,
              chatId,
              status: 'queued',
            },
          });
          ids.push(row.id);
        }
        const { id: outboxId } = await createOutboxRepo(tx).enqueue({
          key: `${kind === 'office' ? 'office-overdue' : 'reminders'}:${chatId}:${today}:${Math.min(...ids)}`,
          kind: kind === 'office' ? 'office-overdue' : 'reminders',
          chatId,
          message: { msgType: 'interactive', card },
          notBefore: now,
        });
        await tx.reminder.updateMany({ where: { id: { in: ids } }, data: { outboxId } });
      });
      cards++;
    } catch (e) {
      // Another process queued some of these steps first (unique key): the next pass re-plans the rest.
      if ((e as { code?: string }).code !== 'P2002') throw e;
      deps.logger.warn('reminder steps queued concurrently; retrying next pass', { chat: chatId });
    }
  }
  deps.logger.info('reminders queued', { planned: reminders.length, queued: fresh.length, cards, unbound: unbound.length });
  return { planned: reminders.length, queued: fresh.length, cards, unbound, warnings };
}

/** What a reminder card message carried: lets a reply to that card be read as progress on it. */
export async function remindersOfMessage(
  db: Db,
  larkMessageId: string,
): Promise<{ taskNumber: number; unitName: string; milestoneKey: string; occurrence: string }[]> {
  const outbox = await db.outbox.findFirst({ where: { larkMessageId } });
  if (!outbox) return [];
  const rows = await db.reminder.findMany({ where: { outboxId: outbox.id, kind: { notIn: ['office-overdue', 'escalation'] } }, orderBy: { id: 'asc' } });
  const out = [];
  for (const r of rows) {
    const [task, unit] = await Promise.all([db.task.findUnique({ where: { id: r.taskId } }), db.unit.findUnique({ where: { id: r.unitId } })]);
    if (task && unit) out.push({ taskNumber: task.number, unitName: unit.name, milestoneKey: r.milestoneKey, occurrence: r.occurrence });
  }
  return out;
}
