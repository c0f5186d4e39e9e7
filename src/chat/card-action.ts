// The reminder card's "done" button and progress form (card.action.trigger): validate what the card
// sent back, record progress (via 'card'), and answer with a toast plus the card redrawn to show the
// report was received. Lark waits at most 3 s for this answer: a few indexed queries, no Lark calls.
import { z } from 'zod';
import type { ProgressStatus } from '../registry/types.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { createProgressRepo } from '../store/progress-repo.ts';
import { describeMilestone } from '../registry/describe-milestone.ts';
import { periodLabelOf } from '../schedule/occurrences.ts';
import { daysBetween, inZone } from '../clock.ts';
import type { Card } from './gateway.ts';
import { copy } from './copy.ts';
import type { ChatContext } from './commands/types.ts';
import { isAdmin, loadWorld, roleOf, tasksOfUnits } from './commands/scope.ts';
import { decideExtension } from './extension-decision.ts';
import { submitExtension } from './commands/extend.ts';
import { reminderCard, receiptKey, type ReminderItem, type Receipt } from './cards/reminder-card.ts';

export interface CardAction {
  /** Lark's event id of the click: a click processed twice records its report once. */
  eventId?: string;
  openId: string;
  /** Shown as the reporter when Lark's callback carries it (it usually does not). */
  name?: string;
  chatId: string;
  messageId: string;
  value: Record<string, unknown>;
  formValue: Record<string, unknown>;
}

export type ToastType = 'success' | 'error' | 'warning' | 'info';

export interface CardActionResult {
  toast: { type: ToastType; content: string };
  card?: Card;
  /** Messages were queued in the outbox (the dispatcher may send them now). */
  queued?: boolean;
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

// Values come back as we sent them, but numbers may arrive as strings from older clients.
export const ReminderActionValueSchema = z.object({
  op: z.enum(['progress', 'done', 'extend']),
  task: z.coerce.number().int().positive(),
  unit: z.string().min(1).max(100),
  mk: z.string().min(1).max(60),
  occ: Day,
  day: Day,
  slot: z.coerce.number().int().min(0).max(500).default(0),
  keep: z.boolean().optional(),
});

const FormText = z.union([z.string(), z.number()]).transform(String).optional();
const StatusSchema = z.enum(['progress', 'done', 'blocked']).optional();

/** The form's fields, named per slot (`status_0`) because names must be unique within a card. */
function readForm(form: Record<string, unknown>, slot: number) {
  const pick = (name: string) => form[`${name}_${slot}`] ?? form[name];
  return {
    status: StatusSchema.safeParse(pick('status')),
    percent: FormText.safeParse(pick('percent')),
    note: FormText.safeParse(pick('note')),
  };
}

/** The reminder card's "apply for extension" form: the same checks and record as `延期 N 日期 原因`. */
async function extendFromCard(ctx: ChatContext, action: CardAction, v: z.infer<typeof ReminderActionValueSchema>): Promise<CardActionResult> {
  const form = action.formValue ?? {};
  const field = (name: string) => FormText.safeParse(form[`${name}_${v.slot}`] ?? form[name]);
  const newDue = field('newdue');
  const reason = field('reason');
  if (!newDue.success || !reason.success) return { toast: { type: 'error', content: copy('zh').toastBad } };
  const units = createUnitRepo(ctx.db);
  // Whoever sees the unit's group card speaks for it; elsewhere its liaisons.
  const mine = [...(await units.byChat(action.chatId)), ...(await units.unitsOfLiaison(action.openId))];
  const r = await submitExtension(ctx, {
    lang: 'zh',
    taskNumber: v.task,
    unitName: v.unit,
    occurrence: { milestoneKey: v.mk, occurrence: v.occ },
    newDue: (newDue.data ?? '').trim(),
    reason: reason.data ?? '',
    requesterId: action.openId,
    requesterName: action.name ?? null,
    chatId: action.chatId,
    chatType: 'group',
    messageId: action.messageId,
    via: 'card',
    dedupeKey: action.eventId ? `card:${action.eventId}` : `card:${action.messageId}:${v.slot}:${ctx.now.getTime()}`,
    mine,
  });
  return { toast: { type: r.ok ? 'success' : 'error', content: r.text }, queued: r.ok };
}

export async function handleCardAction(ctx: ChatContext, action: CardAction): Promise<CardActionResult> {
  if (action.value.op === 'extension') return decideExtension(ctx, action);
  const c = copy('zh');
  const parsed = ReminderActionValueSchema.safeParse(action.value);
  if (!parsed.success) return { toast: { type: 'error', content: c.toastBad } };
  const v = parsed.data;

  const units = createUnitRepo(ctx.db);
  const unit = await units.get(v.unit);
  const task = await createRegistryRepo(ctx.db).getTask(v.task);
  if (!unit) return { toast: { type: 'error', content: c.unknownUnit(v.unit) } };
  if (!task || task.retired) return { toast: { type: 'error', content: c.toastBad } };
  // Whoever can see the unit's group card speaks for it; elsewhere only its liaisons and admins.
  const speaks =
    unit.chatId === action.chatId ||
    (await units.unitsOfLiaison(action.openId)).some((u) => u.name === unit.name) ||
    isAdmin(ctx, action.openId);
  if (!speaks) return { toast: { type: 'error', content: c.notYourUnit(unit.name) } };
  if (v.op === 'extend') return extendFromCard(ctx, action, v);

  let status: ProgressStatus = 'done';
  let percent: number | null = 100;
  let note = '';
  if (v.op === 'progress') {
    const f = readForm(action.formValue ?? {}, v.slot);
    if (!f.status.success || !f.percent.success || !f.note.success) return { toast: { type: 'error', content: c.toastBad } };
    status = f.status.data ?? 'progress';
    note = (f.note.data ?? '').trim().slice(0, 2000);
    const raw = (f.percent.data ?? '').normalize('NFKC').trim();
    if (raw === '') percent = status === 'done' ? 100 : null;
    else {
      const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(raw);
      const n = m ? Number(m[1]) : NaN;
      if (!(n >= 0 && n <= 100)) return { toast: { type: 'error', content: c.toastPercent(raw) } };
      percent = Math.round(n);
    }
    if (status === 'done' && percent !== 100) return { toast: { type: 'error', content: c.doneWithPercent(percent ?? 0) } };
    if (status === 'progress' && percent === 100) status = 'done';
    if (status === 'progress' && !note && percent === null) return { toast: { type: 'warning', content: c.toastEmpty } };
  }

  const role = roleOf(task, unit, await units.list());
  if (!role) return { toast: { type: 'error', content: c.notAssigned(task.number, [unit.name], [], []) } };

  await createProgressRepo(ctx.db).record({
    taskNumber: task.number,
    unitName: unit.name,
    status,
    percent,
    text: note,
    reporterId: action.openId,
    reporterName: action.name ?? null,
    chatId: action.chatId,
    via: 'card',
    messageId: action.messageId,
    dedupeKey: action.eventId ? `card:${action.eventId}` : null,
    milestoneKey: v.mk,
    occurrence: v.occ,
    at: ctx.now,
  });

  // The office's daily card also lists overdue items and the digest: the toast says it, the card stays.
  if (v.keep) return { toast: { type: 'success', content: c.toastRecorded(task.number, unit.name) } };
  // Redraw: what is still due for the unit within the blue window (or overdue), plus the item just reported.
  const world = await loadWorld(ctx);
  const items: ReminderItem[] = [];
  for (const view of tasksOfUnits(world, [unit]))
    for (const o of view.open)
      if (o.daysLeft <= world.policy.blueWindowDays && !(view.task.number === task.number && o.milestone.key === v.mk && o.due === v.occ))
        items.push({
          taskNumber: view.task.number,
          taskText: view.task.text,
          role: view.role,
          unitName: unit.name,
          label: o.milestone.label || describeMilestone(o.milestone),
          milestoneKey: o.milestone.key,
          occurrence: o.due,
          ...(o.extendedTo ? { extendedTo: o.extendedTo } : {}),
          step: 'update',
          daysLeft: o.daysLeft,
          ...(o.periodLabel ? { periodLabel: o.periodLabel } : {}),
        });
  const m = task.milestones.find((x) => x.key === v.mk);
  items.push({
    taskNumber: task.number,
    taskText: task.text,
    role,
    unitName: unit.name,
    label: m ? m.label || describeMilestone(m) : task.text,
    milestoneKey: v.mk,
    occurrence: v.occ,
    step: 'received',
    daysLeft: daysBetween(world.today, v.occ),
    ...(m?.kind === 'annual' ? { periodLabel: periodLabelOf(m, Number(v.occ.slice(0, 4))) } : {}),
  });
  const receipt: Receipt = { who: action.name ?? unit.name, status, percent, when: inZone(ctx.now, ctx.tz).format('MM-DD HH:mm') };
  const receipts = new Map([[receiptKey(task.number, v.mk, v.occ), receipt]]);
  return {
    toast: { type: 'success', content: c.toastRecorded(task.number, unit.name) },
    card: reminderCard(items, unit.name, v.day, { receipts }),
  };
}
