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
import { text, type Command, type CommandContext, type Lang, type Reply } from './types.ts';
import { loadWorld, roleOf, viewOf } from './scope.ts';
import { unknownTask } from './task.ts';

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

/** The units this message may ask for: a group's bound units; in a direct chat, the sender's liaison units. */
async function askingUnits(ctx: CommandContext): Promise<UnitRecord[]> {
  const repo = createUnitRepo(ctx.db);
  return ctx.msg.chatType === 'group' ? repo.byChat(ctx.msg.chatId) : repo.unitsOfLiaison(ctx.msg.senderOpenId);
}

async function requestExtension(ctx: CommandContext, { lang, number, rest }: ExtendArgs): Promise<Reply> {
  const c = copy(lang);
  const msg = ctx.msg;
  const quoted = msg.quotedReminder && (number === null || msg.quotedReminder.taskNumber === number) ? msg.quotedReminder : undefined;
  const taskNumber = number ?? quoted?.taskNumber;
  if (taskNumber === undefined) return text(c.extendUsage);
  const task = await createRegistryRepo(ctx.db).getTask(taskNumber);
  if (!task) return unknownTask(ctx, taskNumber, lang);
  if (task.retired) return text(c.retiredTask(task.number));
  const world = await loadWorld(ctx);

  // [unit] date reason…
  let tokens = rest.trim().split(/\s+/).filter(Boolean);
  let named: UnitRecord | undefined;
  if (tokens[0] && !/^\d/.test(tokens[0])) {
    const m = matchUnit(world.units, tokens[0]);
    if (m.kind === 'found') {
      named = m.unit;
      tokens = tokens.slice(1);
    }
  }
  if (tokens.length === 0) return text(c.extendUsage);
  const newDue = readDay(tokens[0]!);
  if (!newDue) return text(c.extendBadDate(tokens[0]!));
  const reason = tokens.slice(1).join(' ').trim().slice(0, 1000);
  if (!reason) return text(c.extendNoReason(task.number, newDue));

  const mine = await askingUnits(ctx);
  let unit: UnitRecord | undefined;
  const wanted = named?.name ?? quoted?.unitName;
  if (wanted) {
    unit = mine.find((u) => u.name === wanted);
    if (!unit) return text(c.extendNotYours(wanted));
  } else {
    if (mine.length === 0) return text(msg.chatType === 'group' ? c.noUnitGroup : c.noUnitP2p);
    const onTask = mine.filter((u) => roleOf(task, u, world.units));
    if (onTask.length > 1) return text(c.whichUnit(task.number, onTask.map((u) => u.name)).replace(/进度|progress/, lang === 'en' ? 'extend' : '延期'));
    unit = onTask[0];
  }
  const view = unit && viewOf(world, task, unit.name);
  if (!unit || !view) {
    const lead = task.units.filter((u) => u.role === 'lead').map((u) => u.name);
    const other = task.units.filter((u) => u.role === 'other').map((u) => u.name);
    return text(c.notAssigned(task.number, unit ? [unit.name] : mine.map((u) => u.name), lead, other));
  }
  // The reminder replied to names the occurrence; otherwise the unit's nearest one still ahead (an
  // overdue one cannot be extended, and must not stand in the way of the next), else the overdue one.
  const open =
    (quoted && view.open.find((o) => o.milestone.key === quoted.milestoneKey && o.due === quoted.occurrence)) ??
    view.open.find((o) => (o.extendedTo ?? o.due) >= world.today) ??
    view.open[0];
  if (!open) return text(c.extendNothingOpen(task.number, unit.name));
  const due = open.extendedTo ?? open.due;
  const check = checkExtension({ today: world.today, due, newDue, maxDays: world.policy.extension.maxDays, planEnd: planEndFor(world.tasks, open.due) });
  if (!check.ok) return text(refusal(c, check, task.number, newDue));

  const { extension } = await createExtensionRepo(ctx.db).request({
    taskNumber: task.number,
    unitName: unit.name,
    milestoneKey: open.milestone.key,
    occurrence: open.due,
    fromDue: due,
    newDue,
    reason,
    requesterId: msg.senderOpenId,
    requesterName: msg.senderName ?? null,
    chatId: msg.chatId,
    messageId: msg.messageId,
    via: 'command',
    dedupeKey: `msg:${msg.messageId}`,
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
  return text(c.extendAsked(extension.id, task.number, unit.name, extension.fromDue, extension.newDue, office?.name ?? ctx.officeUnit, !!office?.chatId));
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
