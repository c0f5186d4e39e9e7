// Who is speaking for which units, and each task as one unit sees it (role, open deadlines, latest
// progress, light). Deadlines and lights come from src/schedule (createStatusBoard), so the chat says what
// the reminders and the office's status say. Shared by the commands, the reply path and the card action.
import type { DbTx } from '../../store/db.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createUnitRepo } from '../../store/unit-repo.ts';
import { createProgressRepo } from '../../store/progress-repo.ts';
import { createMetaRepo, META_FIRST_IMPORT } from '../../store/meta-repo.ts';
import { createExtensionRepo } from '../../store/extension-repo.ts';
import type { ExtensionRecord } from '../../schedule/extensions.ts';
import type { ProgressRecord, TaskRecord, UnitRecord, UnitRole } from '../../registry/types.ts';
import { dayOf } from '../../clock.ts';
import { createWorkCalendar, type WorkCalendar } from '../../schedule/calendar.ts';
import { DEFAULT_POLICY, type ReminderPolicy } from '../../schedule/policy.ts';
import { roleOn, unitDirectory } from '../../schedule/recipients.ts';
import { createStatusBoard, openOccurrences, type OpenOccurrence, type StatusBoard, type UnitTaskStatus } from '../../schedule/status.ts';
import { chatLight, type Light } from '../lights.ts';
import type { ChatContext, ChatMessage } from './types.ts';

export type Report = ProgressRecord & { id: number; chatId: string | null; messageId: string | null };

/** Everything a chat answer reads, loaded once per message. */
export interface World {
  tasks: TaskRecord[];
  units: UnitRecord[];
  reports: Report[];
  /** Every extension request, in order (approved ones move deadlines). */
  extensions: ExtensionRecord[];
  today: string;
  /** Go-live day (the first import), as the scheduler uses it: occurrences due before it are not chased. */
  trackFrom?: string;
  tz: string;
  policy: ReminderPolicy;
  /** The schedule's lights at `now`, the same the reminders and the office see. */
  board: StatusBoard;
}

let defaultCalendar: WorkCalendar | undefined;

/** The configured policy and calendar, or the defaults (the package's holiday data, built once). */
export function scheduleOf(ctx: ChatContext): { policy: ReminderPolicy; calendar: WorkCalendar } {
  return { policy: ctx.policy ?? DEFAULT_POLICY, calendar: ctx.calendar ?? (defaultCalendar ??= createWorkCalendar()) };
}

export async function loadWorld(ctx: ChatContext): Promise<World> {
  const db: DbTx = ctx.db;
  const [tasks, units, reports, first, extensions] = await Promise.all([
    createRegistryRepo(db).listTasks(),
    createUnitRepo(db).list(),
    // Every unit's reports: a collective's report counts for its members (as in the planner).
    createProgressRepo(db).list(),
    createMetaRepo(db).stamp(META_FIRST_IMPORT),
    createExtensionRepo(db).list(),
  ]);
  const trackFrom = first && !Number.isNaN(Date.parse(first)) ? dayOf(new Date(first), ctx.tz) : undefined;
  const { policy, calendar } = scheduleOf(ctx);
  const board = createStatusBoard({ progress: reports, policy, calendar, now: ctx.now, tz: ctx.tz, units, trackFrom, extensions });
  return { tasks, units, reports, extensions, today: board.today, trackFrom, tz: ctx.tz, policy, board };
}

/** The units a message speaks for: a group's bound units; in a direct chat, the sender's liaison units and the units of their groups. */
export async function speakerUnits(ctx: ChatContext, msg: Pick<ChatMessage, 'chatId' | 'chatType' | 'senderOpenId'>): Promise<UnitRecord[]> {
  const repo = createUnitRepo(ctx.db);
  if (msg.chatType === 'group') return repo.byChat(msg.chatId);
  const found = new Map<string, UnitRecord>();
  for (const u of await repo.unitsOfLiaison(msg.senderOpenId)) found.set(u.name, u);
  if (ctx.groupsOf) {
    for (const chatId of await ctx.groupsOf(msg.senderOpenId)) for (const u of await repo.byChat(chatId)) found.set(u.name, u);
  }
  return [...found.values()];
}

/** The role a unit has on a task: named directly, or as a member of a collective unit the task names. */
export function roleOf(task: TaskRecord, unit: UnitRecord, units: UnitRecord[]): UnitRole | null {
  return roleOn(task, unit.name, unitDirectory(units));
}

export interface UnitTaskView {
  task: TaskRecord;
  unitName: string;
  role: UnitRole;
  status: UnitTaskStatus;
  /** Dated occurrences not closed yet, nearest (overdue) first. */
  open: OpenOccurrence[];
  latest?: Report;
  light: Light;
}

// Reports by task, built once per reports array (the store hands out one until a report is added).
const byTask = new WeakMap<readonly Report[], Map<number, Report[]>>();
function reportsOfTask(reports: Report[], taskNumber: number): Report[] {
  let index = byTask.get(reports);
  if (!index) {
    index = new Map();
    for (const r of reports) {
      const list = index.get(r.taskNumber);
      if (list) list.push(r);
      else index.set(r.taskNumber, [r]);
    }
    byTask.set(reports, index);
  }
  return index.get(taskNumber) ?? [];
}

export function latestOf(reports: Report[], taskNumber: number, unitNames: string[]): Report | undefined {
  let best: Report | undefined;
  for (const r of reportsOfTask(reports, taskNumber)) if (unitNames.includes(r.unitName) && (!best || r.at >= best.at)) best = r;
  return best;
}

function toView(world: World, task: TaskRecord, status: UnitTaskStatus): UnitTaskView {
  // The reports that count for the unit: its own and those of the collective it is reached through.
  const reporters = world.board.recipients(task).find((r) => r.unitName === status.unitName)?.reporters ?? [status.unitName];
  return {
    task,
    unitName: status.unitName,
    role: status.role,
    status,
    open: openOccurrences(task, status),
    latest: latestOf(world.reports, task.number, reporters),
    light: chatLight(task, status),
  };
}

/** The task as one unit sees it; undefined when the task does not involve the unit. */
export function viewOf(world: World, task: TaskRecord, unitName: string): UnitTaskView | undefined {
  const status = world.board.ofUnit(task, unitName);
  return status && toView(world, task, status);
}

/** A unit that reported on a task it is not (or no longer) named by: its own reports only. */
export function outsiderView(world: World, task: TaskRecord, unitName: string): UnitTaskView {
  return toView(world, task, world.board.ofRecipient(task, { unitName, chatId: null, role: 'other', reporters: [unitName] }));
}

/** Every task of these units, nearest open deadline first (overdue first, continuous last). */
export function tasksOfUnits(world: World, units: UnitRecord[]): UnitTaskView[] {
  const views: UnitTaskView[] = [];
  for (const unit of units)
    for (const task of world.tasks) {
      const v = viewOf(world, task, unit.name);
      if (v) views.push(v);
    }
  return views.sort(byDeadline);
}

export function byDeadline(a: UnitTaskView, b: UnitTaskView): number {
  const da = a.open[0] ? (a.open[0].extendedTo ?? a.open[0].due) : '9999-99-99';
  const db = b.open[0] ? (b.open[0].extendedTo ?? b.open[0].due) : '9999-99-99';
  if (da !== db) return da < db ? -1 : 1;
  if (a.task.number !== b.task.number) return a.task.number - b.task.number;
  return a.unitName < b.unitName ? -1 : a.unitName > b.unitName ? 1 : 0;
}

export function isAdmin(ctx: ChatContext, openId: string): boolean {
  return ctx.admins.includes(openId);
}

/** Overdue / this week cover the whole plan in the office's chats and where no unit is known. */
export function seesWholePlan(ctx: ChatContext, units: UnitRecord[]): boolean {
  return units.length === 0 || units.some((u) => u.name === ctx.officeUnit);
}

export function reporterName(r: Pick<ProgressRecord, 'reporterName' | 'reporterId'>): string {
  return r.reporterName || r.reporterId;
}
