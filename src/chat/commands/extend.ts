// 延期 68 2027-03-15 原因… / extend 68 2027-03-15 reason…: a unit asks, before its deadline, to move it.
// Only the unit's own chat or its registered liaison may ask; the office's chat gets a card to decide
// (src/chat/card-action.ts). The request is history: asking again is a new request, shown in order.
import { describeMilestone } from '../../registry/describe-milestone.ts';
import type { UnitRecord } from '../../registry/types.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { createUnitRepo, matchUnit } from '../../store/unit-repo.ts';
import { createExtensionRepo } from '../../store/extension-repo.ts';
import { createOutboxRepo } from '../../store/outbox-repo.ts';
import { checkExtension, planEndFor, readDay } from '../../schedule/extensions.ts';
import { inZone } from '../../clock.ts';
import { copy, type Copy } from '../copy.ts';
import { extensionCard } from '../cards/extension-card.ts';
import { text, type ChatContext, type Command, type CommandContext, type Lang, type Reply } from './types.ts';
import { loadWorld, roleOf, viewOf } from './scope.ts';

/** The outbox key of the office's card for a request: queued once, however often the message is processed. */
export const extensionCardKey = (id: number) => `extension:${id}:ask`;

interface ExtendArgs {
  lang: Lang;
  number: number | null;
  rest: string;
}

function refusal(c: Copy, check: Exclude<ReturnType<typeof checkExtension>, { ok: true }>, n: number, newDue: string): string {
  switch (check.reason) {
    case 'deadline-passed':
      return c.extendDeadlinePassed(n, check.due);
    case 'not-later':
      return c.extendNotLater(newDue, check.due);
    case 'too-far':
      return c.extendTooFar(newDue, check.due, check.maxDays, check.latest);
    case 'after-plan-end':
      return c.extendAfterPlanEnd(newDue, check.planEnd);
  }
}

/** The units a chat or person may ask for: a group's bound units; in a direct chat, the sender's liaison units. */
export async function askingUnits(ctx: ChatContext, who: { chatId: string; chatType: 'group' | 'p2p'; openId: string }): Promise<UnitRecord[]> {
  const repo = createUnitRepo(ctx.db);
  return who.chatType === 'group' ? repo.byChat(who.chatId) : repo.unitsOfLiaison(who.openId);
}

/** A request as the command or the reminder card's form makes it. */
export interface ExtensionAsk {
  lang: Lang;
  taskNumber: number;
  /** The unit named in the words, or the one the reminder card is for. */
  unitName?: string;
  /** The occurrence the reminder (or its card) is about. */
  occurrence?: { milestoneKey: string; occurrence: string };
  /** What was typed or picked as the new deadline. */
  newDue: string;
  reason: string;
  requesterId: string;
  requesterName?: string | null;
  chatId: string;
  chatType: 'group' | 'p2p';
  messageId?: string;
  via: 'command' | 'card';
  dedupeKey: string;
  /** The units the asker speaks for (askingUnits). */
  mine: UnitRecord[];
}

/** Checks a request, records it and queues the office's card; the sentence for the asker either way. */
export async function submitExtension(ctx: ChatContext, ask: ExtensionAsk): Promise<{ ok: boolean; text: string }> {
  const c = copy(ask.lang);
  const no = (t: string) => ({ ok: false, text: t });
  const task = await createRegistryRepo(ctx.db).getTask(ask.taskNumber);
  if (!task) return no(c.unknownTask(ask.taskNumber, await createRegistryRepo(ctx.db).countTasks()));
  if (task.retired) return no(c.retiredTask(task.number));
  const newDue = readDay(ask.newDue);
  if (!newDue) return no(c.extendBadDate(ask.newDue));
  const reason = ask.reason.trim().slice(0, 1000);
  if (!reason) return no(c.extendNoReason(task.number, newDue));
  const world = await loadWorld(ctx);

  let unit: UnitRecord | undefined;
  if (ask.unitName) {
    unit = ask.mine.find((u) => u.name === ask.unitName);
    if (!unit) return no(c.extendNotYours(ask.unitName));
  } else {
    if (ask.mine.length === 0) return no(ask.chatType === 'group' ? c.noUnitGroup : c.noUnitP2p);
    const onTask = ask.mine.filter((u) => roleOf(task, u, world.units));
    if (onTask.length > 1) return no(c.extendWhichUnit(task.number, onTask.map((u) => u.name)));
    unit = onTask[0];
  }
  const view = unit && viewOf(world, task, unit.name);
  if (!unit || !view) {
    const lead = task.units.filter((u) => u.role === 'lead').map((u) => u.name);
    const other = task.units.filter((u) => u.role === 'other').map((u) => u.name);
    return no(c.notAssigned(task.number, unit ? [unit.name] : ask.mine.map((u) => u.name), lead, other));
  }
  // The reminder replied to names the occurrence; otherwise the unit's nearest one still ahead (an
  // overdue one cannot be extended, and must not stand in the way of the next), else the overdue one.
  const wanted = ask.occurrence;
  const open =
    (wanted && view.open.find((o) => o.milestone.key === wanted.milestoneKey && o.due === wanted.occurrence)) ??
    (wanted ? undefined : (view.open.find((o) => (o.extendedTo ?? o.due) >= world.today) ?? view.open[0]));
  if (!open) return no(c.extendNothingOpen(task.number, unit.name));
  const due = open.extendedTo ?? open.due;
  const check = checkExtension({ today: world.today, due, newDue, maxDays: world.policy.extension.maxDays, planEnd: planEndFor(world.tasks, open.due) });
  if (!check.ok) return no(refusal(c, check, task.number, newDue));

  const { extension } = await createExtensionRepo(ctx.db).request({
    taskNumber: task.number,
    unitName: unit.name,
    milestoneKey: open.milestone.key,
    occurrence: open.due,
    fromDue: due,
    newDue,
    reason,
    requesterId: ask.requesterId,
    requesterName: ask.requesterName ?? null,
    chatId: ask.chatId,
    messageId: ask.messageId ?? null,
    via: ask.via,
    dedupeKey: ask.dedupeKey,
    at: ctx.now,
    source: 'chat',
  });
  const office = await createUnitRepo(ctx.db).get(ctx.officeUnit);
  if (office?.chatId) {
    const card = extensionCard({
      extension,
      taskText: task.text,
      label: open.milestone.label || describeMilestone(open.milestone),
      askedAt: inZone(extension.createdAt, ctx.tz).format('YYYY-MM-DD HH:mm'),
    });
    await createOutboxRepo(ctx.db).enqueue({ key: extensionCardKey(extension.id), kind: 'extension', chatId: office.chatId, message: { msgType: 'interactive', card }, notBefore: ctx.now });
  }
  return { ok: true, text: c.extendAsked(extension.id, task.number, unit.name, extension.fromDue, extension.newDue, office?.name ?? ctx.officeUnit, !!office?.chatId) };
}

async function requestExtension(ctx: CommandContext, { lang, number, rest }: ExtendArgs): Promise<Reply> {
  const c = copy(lang);
  const msg = ctx.msg;
  const quoted = msg.quotedReminder && (number === null || msg.quotedReminder.taskNumber === number) ? msg.quotedReminder : undefined;
  const taskNumber = number ?? quoted?.taskNumber;
  if (taskNumber === undefined) return text(c.extendUsage);

  // [unit] date reason…
  let tokens = rest.trim().split(/\s+/).filter(Boolean);
  let named: UnitRecord | undefined;
  if (tokens[0] && !/^\d/.test(tokens[0])) {
    const m = matchUnit(await createUnitRepo(ctx.db).list(), tokens[0]);
    if (m.kind === 'found') {
      named = m.unit;
      tokens = tokens.slice(1);
    }
  }
  if (tokens.length === 0) return text(c.extendUsage);
  const r = await submitExtension(ctx, {
    lang,
    taskNumber,
    unitName: named?.name ?? quoted?.unitName,
    ...(quoted?.milestoneKey && quoted.occurrence ? { occurrence: { milestoneKey: quoted.milestoneKey, occurrence: quoted.occurrence } } : {}),
    newDue: tokens[0]!,
    reason: tokens.slice(1).join(' '),
    requesterId: msg.senderOpenId,
    requesterName: msg.senderName ?? null,
    chatId: msg.chatId,
    chatType: msg.chatType,
    messageId: msg.messageId,
    via: 'command',
    // A message processed again (after a crash) asks once.
    dedupeKey: `msg:${msg.messageId}`,
    mine: await askingUnits(ctx, { chatId: msg.chatId, chatType: msg.chatType, openId: msg.senderOpenId }),
  });
  return text(r.text);
}

export const extendCommand: Command<ExtendArgs> = {
  name: 'extend',
  match: (t) => {
    const m = /^(?:(延期申请|申请延期|延期)|(extension|extend))(?=$|[\s#\d:,：，])[\s:,：，]*(.*)$/i.exec(t);
    if (!m) return null;
    const lang = m[2] ? 'en' : 'zh';
    const n = /^(?:#|第)?(\d{1,9})(?:号|项)?(?=$|\s)\s*(.*)$/.exec(m[3]);
    // "延期 2027-03-15 原因" in reply to a reminder: a date, not a task number.
    if (n && !/^[-/.年]/.test(n[2])) return { lang, number: Number(n[1]), rest: n[2] };
    return { lang, number: null, rest: m[3] };
  },
  run: requestExtension,
};
