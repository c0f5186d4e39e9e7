// One planning pass: registry + progress + policy + now → reminder steps not yet queued → one card per
// chat and day in the outbox. The Reminder table's unique key makes each step go out at most once;
// the outbox makes each card go out exactly once.
import type { Db, DbTx } from '../store/db.ts';
import { daysBetween, dayOf } from '../clock.ts';
import type { Logger } from '../log.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createProgressRepo } from '../store/progress-repo.ts';
import { createMetaRepo, META_FIRST_IMPORT } from '../store/meta-repo.ts';
import { createOutboxRepo, type OutboxMessage } from '../store/outbox-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { createExtensionRepo } from '../store/extension-repo.ts';
import { planPass, type PlanInput } from '../schedule/plan-reminders.ts';
import type { PlannedReminder } from '../schedule/types.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar, CalendarWarning } from '../schedule/calendar.ts';
import { reminderCard, type ReminderItem } from '../chat/cards/reminder-card.ts';
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
  const [tasks, units, progress, firstImport, extensions] = await Promise.all([
    registry.listTasks(),
    registry.listUnits(),
    createProgressRepo(deps.db).list(),
    createMetaRepo(deps.db).get(META_FIRST_IMPORT),
    createExtensionRepo(deps.db).list(),
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
    extensions,
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
    ...(r.extendedTo ? { extendedTo: r.extendedTo } : {}),
    step: r.step,
    daysLeft: r.kind === 'idle' ? 0 : daysBetween(today, r.extendedTo ?? r.occurrence),
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
  /**
   * Fresh items for the office's chat (its own tasks and the daily overdue list), not queued here:
   * the office gets one card a day that also carries escalations and the digest (queue-supervision.ts).
   */
  office: { chatId: string; items: PlannedReminder[] } | null;
}

/** One step as the Reminder table keeps it. */
export interface ReminderStep {
  key: string;
  kind: string;
  unitName: string;
  taskNumber: number;
  milestoneKey: string;
  occurrence: string;
  step: string;
  sendOn: string;
}

/** A chat's card for one day: the outbox key that makes it one card per chat and day. */
export const dailyCardKey = (kind: string, chatId: string, day: string) => `${kind}:${chatId}:${day}`;

/**
 * Queues a chat's card of the day and records the steps it carries, in one transaction. When the chat
 * already had its card today (another pass or process queued it), nothing is recorded: the steps are
 * planned again and go out with the chat's next card. Returns whether this call queued the card.
 */
export async function queueDailyCard(
  deps: Pick<ScheduleDeps, 'db' | 'logger'>,
  card: { kind: string; chatId: string; day: string; message: OutboxMessage; now: Date },
  steps: ReminderStep[],
  /** More to record with the card, in its transaction (the office's digest-sent mark). */
  withCard?: (tx: DbTx) => Promise<void>,
): Promise<boolean> {
  const key = dailyCardKey(card.kind, card.chatId, card.day);
  if (await deps.db.outbox.findUnique({ where: { key }, select: { id: true } })) return false;
  try {
    return await deps.db.$transaction(async (tx) => {
      const { id: outboxId, created } = await createOutboxRepo(tx).enqueue({ key, kind: card.kind, chatId: card.chatId, message: card.message, notBefore: card.now });
      if (!created) return false;
      const unitIds = new Map((await tx.unit.findMany({ where: { name: { in: [...new Set(steps.map((r) => r.unitName))] } }, select: { id: true, name: true } })).map((u) => [u.name, u.id]));
      const taskIds = new Map(
        (await tx.task.findMany({ where: { number: { in: [...new Set(steps.map((r) => r.taskNumber))] } }, select: { id: true, number: true } })).map((t) => [t.number, t.id]),
      );
      await tx.reminder.createMany({
        data: steps.map((r) => {
          const unitId = unitIds.get(r.unitName);
          const taskId = taskIds.get(r.taskNumber);
          if (unitId === undefined || taskId === undefined) throw new Error(`reminder step ${r.key}: unit or task not in the registry`);
          return { key: r.key, kind: r.kind, unitId, taskId, milestoneKey: r.milestoneKey, occurrence: r.occurrence, step: r.step, sendOn: r.sendOn, chatId: card.chatId, status: 'queued', outboxId };
        }),
      });
      await withCard?.(tx);
      return true;
    });
  } catch (e) {
    // Another process recorded some of these steps first (unique key): the next pass re-plans the rest.
    if ((e as { code?: string }).code !== 'P2002') throw e;
    deps.logger.warn('reminder steps queued concurrently; retrying next pass', { chat: card.chatId, key });
    return false;
  }
}

/** Steps of the Reminder table that are not recorded yet. */
export async function freshSteps<T extends { key: string }>(db: ScheduleDeps['db'], steps: T[]): Promise<T[]> {
  if (steps.length === 0) return [];
  const known = new Set<string>();
  // SQLite caps bound parameters per statement; chunk the key list.
  for (let i = 0; i < steps.length; i += 500) {
    const rows = await db.reminder.findMany({ where: { key: { in: steps.slice(i, i + 500).map((r) => r.key) } }, select: { key: true } });
    for (const r of rows) known.add(r.key);
  }
  return steps.filter((r) => !known.has(r.key));
}

export const stepOf = (r: PlannedReminder): ReminderStep => ({
  key: r.key,
  kind: r.kind,
  unitName: r.aboutUnit ?? r.unitName,
  taskNumber: r.taskNumber,
  milestoneKey: r.milestoneKey,
  occurrence: r.occurrence,
  step: r.step,
  sendOn: r.sendOn,
});

export async function queueReminders(deps: ScheduleDeps, now: Date): Promise<QueueResult> {
  const input = await loadPlanInput(deps, now);
  const { reminders, warnings } = planPass(input);
  warnOnce(deps, warnings);
  const today = dayOf(now, deps.tz);
  const officeChat = (await createUnitRepo(deps.db).get(deps.officeUnit))?.chatId ?? null;
  const unbound = reminders.filter((r) => r.chatId === null);
  const fresh = await freshSteps(
    deps.db,
    reminders.filter((r) => r.chatId !== null),
  );
  const office = officeChat ? { chatId: officeChat, items: fresh.filter((r) => r.chatId === officeChat) } : null;
  const result = { planned: reminders.length, queued: 0, cards: 0, unbound, warnings, office };

  const tasks = new Map(input.tasks.map((t) => [t.number, t]));
  const groups = new Map<string, PlannedReminder[]>();
  for (const r of fresh) if (r.chatId !== officeChat) groups.set(r.chatId!, [...(groups.get(r.chatId!) ?? []), r]);
  for (const [chatId, items] of groups) {
    const unitNames = [...new Set(items.map((r) => r.unitName))];
    const card = reminderCard(items.map((r) => toReminderItem(r, tasks, today)), unitNames.join('、'), today);
    const queued = await queueDailyCard(deps, { kind: 'reminders', chatId, day: today, message: { msgType: 'interactive', card }, now }, items.map(stepOf));
    if (queued) {
      result.cards++;
      result.queued += items.length;
    } else deps.logger.debug('chat already had its card today; these steps go with its next one', { chat: chatId, steps: items.length });
  }
  if (result.cards > 0) deps.logger.info('reminders queued', { planned: reminders.length, queued: result.queued, cards: result.cards, unbound: unbound.length });
  return result;
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
