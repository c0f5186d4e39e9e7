// Who may ask for the office's views (汇总, 导出): a chat bound to the office unit, or an admin anywhere.
// Also where the schedule data comes from when the chat context does not carry it.
import type { CommandContext, Lang } from '../../chat/commands/types.ts';
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { DEFAULT_POLICY, type ReminderPolicy } from '../../schedule/policy.ts';
import { createWorkCalendar, type WorkCalendar } from '../../schedule/calendar.ts';
import type { SupervisionDeps } from '../load-supervision.ts';

/** The chat context, optionally carrying the configured policy and calendar (defaults otherwise). */
export type SupervisionCommandContext = CommandContext & { policy?: ReminderPolicy; calendar?: WorkCalendar };

export async function mayUseOfficeViews(ctx: CommandContext): Promise<boolean> {
  if (ctx.admins.includes(ctx.msg.senderOpenId)) return true;
  if (ctx.msg.chatType !== 'group') return false;
  return (await createUnitRepo(ctx.db).byChat(ctx.msg.chatId)).some((u) => u.name === ctx.officeUnit);
}

export function refusal(what: { zh: string; en: string }, office: string, lang: Lang): string {
  return lang === 'zh'
    ? `「${what.zh}」只在${office}的群里使用，或由管理员使用。请在${office}的群里 @我 发送「${what.zh}」。`
    : `"${what.en}" works in the ${office} group or for an admin. Ask there: @bot ${what.en}.`;
}

let defaultCalendar: WorkCalendar | undefined;

export function supervisionDeps(ctx: SupervisionCommandContext): SupervisionDeps {
  // The package's holiday data is the fallback: building it once per process is enough.
  defaultCalendar ??= createWorkCalendar();
  return { db: ctx.db, policy: ctx.policy ?? DEFAULT_POLICY, calendar: ctx.calendar ?? defaultCalendar, tz: ctx.tz, officeUnit: ctx.officeUnit };
}

/** A unit named in a command: found, or the sentence that says why not. */
export async function resolveUnit(ctx: CommandContext, query: string, lang: Lang, again: string): Promise<{ name: string } | { error: string }> {
  const m = matchUnit(await createUnitRepo(ctx.db).list(), query);
  if (m.kind === 'found') return { name: m.unit.name };
  if (m.kind === 'ambiguous') {
    return { error: lang === 'zh' ? `「${query}」可能是 ${m.candidates.join('、')}，请写全单位名称。` : `"${query}" could be ${m.candidates.join(', ')}: give the full unit name.` };
  }
  return {
    error: lang === 'zh' ? `没有名为「${query}」的单位。发送「${again}」查看全部单位。` : `There is no unit called "${query}". Send "${again}" for all units.`,
  };
}
