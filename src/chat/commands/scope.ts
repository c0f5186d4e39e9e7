// Who is speaking for which units, and each task as one unit sees it (role, open deadlines, latest
// progress, light). Shared by the commands, the reply-to-reminder path and the card action.
import type { DbTx } from '../../store/db.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createUnitRepo } from '../../store/unit-repo.ts';
import { createProgressRepo } from '../../store/progress-repo.ts';
import { createMetaRepo, META_FIRST_IMPORT } from '../../store/meta-repo.ts';
import type { ProgressRecord, TaskRecord, UnitRecord, UnitRole } from '../../registry/types.ts';
import { dayOf } from '../../clock.ts';
import { lightOf, openOccurrences, type CoverReport, type Light, type Occurrence } from '../deadlines.ts';
import type { ChatContext, ChatMessage } from './types.ts';

export type Report = ProgressRecord & { id: number; chatId: string | null };

/** Everything a chat answer reads, loaded once per message. */
export interface World {
  tasks: TaskRecord[];
  units: UnitRecord[];
  reports: Report[];
  today: string;
  /** Day of the first import: annual occurrences before it are not chased. */
  notBefore?: string;
  tz: string;
}

export async function loadWorld(ctx: ChatContext, filter: { unitNames?: string[] } = {}): Promise<World> {
  const db: DbTx = ctx.db;
  const [tasks, units, first] = await Promise.all([
    createRegistryRepo(db).listTasks(),
    createUnitRepo(db).list(),
    createMetaRepo(db).get(META_FIRST_IMPORT),
  ]);
  const progress = createProgressRepo(db);
  const reports = filter.unitNames
    ? (await Promise.all(filter.unitNames.map((u) => progress.list({ unitName: u })))).flat()
    : await progress.list();
  const notBefore = first && !Number.isNaN(Date.parse(first)) ? dayOf(new Date(first), ctx.tz) : undefined;
  return { tasks, units, reports, today: dayOf(ctx.now, ctx.tz), notBefore, tz: ctx.tz };
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
  const direct = task.units.find((u) => u.name === unit.name);
  if (direct) return direct.role;
  let role: UnitRole | null = null;
  for (const link of task.units) {
    const c = units.find((u) => u.name === link.name);
    if (c?.collective && c.members.includes(unit.name)) role = role === 'lead' || link.role === 'lead' ? 'lead' : 'other';
  }
  return role;
}

export interface UnitTaskView {
  task: TaskRecord;
  unitName: string;
  role: UnitRole;
  open: Occurrence[];
  latest?: Report;
  light: Light;
}

function coverReports(reports: Report[], taskNumber: number, unitName: string, tz: string): CoverReport[] {
  return reports
    .filter((r) => r.taskNumber === taskNumber && r.unitName === unitName)
    .map((r) => ({ status: r.status, milestoneKey: r.milestoneKey, occurrence: r.occurrence, day: dayOf(r.at, tz) }));
}

export function latestOf(reports: Report[], taskNumber: number, unitName: string): Report | undefined {
  let best: Report | undefined;
  for (const r of reports) if (r.taskNumber === taskNumber && r.unitName === unitName && (!best || r.at >= best.at)) best = r;
  return best;
}

/** Open occurrences for one unit; a collective unit is also done when every member is. */
export function openFor(world: World, task: TaskRecord, unitName: string): Occurrence[] {
  const own = openOccurrences(task.milestones, world.today, coverReports(world.reports, task.number, unitName, world.tz), { notBefore: world.notBefore });
  const unit = world.units.find((u) => u.name === unitName);
  if (!unit?.collective || unit.members.length === 0 || own.length === 0) return own;
  const memberOpen = unit.members.map((m) => openFor(world, task, m));
  return own.filter((o) => memberOpen.some((list) => list.some((x) => x.milestoneKey === o.milestoneKey && x.occurrence === o.occurrence)));
}

export function viewOf(world: World, task: TaskRecord, unitName: string, role: UnitRole): UnitTaskView {
  const open = openFor(world, task, unitName);
  const latest = latestOf(world.reports, task.number, unitName);
  const hasDates = task.milestones.some((m) => m.kind === 'annual' || (m.kind === 'once' && !m.historical));
  return { task, unitName, role, open, latest, light: lightOf(open, latest, hasDates) };
}

/** Every task of these units, nearest open deadline first (overdue first, continuous last). */
export function tasksOfUnits(world: World, units: UnitRecord[]): UnitTaskView[] {
  const views: UnitTaskView[] = [];
  for (const unit of units)
    for (const task of world.tasks) {
      const role = roleOf(task, unit, world.units);
      if (role) views.push(viewOf(world, task, unit.name, role));
    }
  return views.sort(byDeadline);
}

export function byDeadline(a: UnitTaskView, b: UnitTaskView): number {
  const da = a.open[0]?.occurrence ?? '9999-99-99';
  const db = b.open[0]?.occurrence ?? '9999-99-99';
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
