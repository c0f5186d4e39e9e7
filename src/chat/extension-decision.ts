// The office's approve / refuse click on an extension card (card.action.trigger). Only the office's
// chat, its liaisons and DUBAN_ADMINS decide; the first decision stands (a second click, or a replayed
// callback, changes nothing). The asking chat is told through the outbox; the card is redrawn.
import { z } from 'zod';
import { describeMilestone } from '../registry/describe-milestone.ts';
import { createRegistryRepo } from '../store/registry-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { createExtensionRepo } from '../store/extension-repo.ts';
import { createOutboxRepo } from '../store/outbox-repo.ts';
import { inZone } from '../clock.ts';
import type { ExtensionRecord } from '../schedule/extensions.ts';
import { copy } from './copy.ts';
import { extensionCard } from './cards/extension-card.ts';
import type { Card } from './gateway.ts';
import type { ChatContext } from './commands/types.ts';
import { isAdmin } from './commands/scope.ts';
import type { CardAction, CardActionResult } from './card-action.ts';

export const ExtensionActionValueSchema = z.object({
  op: z.literal('extension'),
  id: z.coerce.number().int().positive(),
  decision: z.enum(['approve', 'refuse']),
});

const CommentSchema = z.union([z.string(), z.number()]).transform(String).optional();

/** The outbox key of the decision's notice to the asking chat: sent once per request. */
export const decisionNoticeKey = (id: number) => `extension:${id}:decision`;

/** The request's card as the office sees it now (pending with buttons, or decided). */
export async function extensionCardOf(ctx: Pick<ChatContext, 'db' | 'tz'>, e: ExtensionRecord): Promise<Card> {
  const task = await createRegistryRepo(ctx.db).getTask(e.taskNumber);
  const m = task?.milestones.find((x) => x.key === e.milestoneKey);
  return extensionCard({
    extension: e,
    taskText: task?.text ?? '',
    label: m ? m.label || describeMilestone(m) : '',
    askedAt: inZone(e.createdAt, ctx.tz).format('YYYY-MM-DD HH:mm'),
    ...(e.decidedAt ? { decidedAt: inZone(e.decidedAt, ctx.tz).format('YYYY-MM-DD HH:mm') } : {}),
  });
}

export async function decideExtension(ctx: ChatContext, action: CardAction): Promise<CardActionResult> {
  const c = copy('zh');
  const parsed = ExtensionActionValueSchema.safeParse(action.value);
  const comment = CommentSchema.safeParse(action.formValue?.comment);
  if (!parsed.success || !comment.success) return { toast: { type: 'error', content: c.toastBad } };
  const { id, decision } = parsed.data;

  const units = createUnitRepo(ctx.db);
  const office = await units.get(ctx.officeUnit);
  const officeName = office?.name ?? ctx.officeUnit;
  const member =
    (!!office?.chatId && office.chatId === action.chatId) ||
    (office ? (await units.unitsOfLiaison(action.openId)).some((u) => u.name === office.name) : false) ||
    isAdmin(ctx, action.openId);
  if (!member) return { toast: { type: 'error', content: c.decisionNotOffice(officeName) } };

  const repo = createExtensionRepo(ctx.db);
  const result = await repo.decide({
    id,
    status: decision === 'approve' ? 'approved' : 'refused',
    decidedBy: action.openId,
    decidedByName: action.name ?? null,
    comment: (comment.data ?? '').trim().slice(0, 300) || null,
    at: ctx.now,
    source: 'chat',
  });
  if (result.outcome === 'unknown') return { toast: { type: 'error', content: c.extensionUnknown(id) } };
  const e = result.extension;
  // Queued on a repeated click too (a no-op when it was queued): a crash between the decision and
  // the notice must not leave the asking chat uninformed.
  const queued = await queueDecisionNotice(ctx, e, officeName);
  if (result.outcome === 'already') {
    return {
      toast: { type: 'info', content: c.decisionAlready(id, e.status === 'approved', e.decidedByName ?? e.decidedBy ?? '') },
      card: await extensionCardOf(ctx, e),
    };
  }
  return { toast: { type: 'success', content: c.decisionRecorded(id, e.status === 'approved') }, card: await extensionCardOf(ctx, e), queued };
}

/** Tells the asking chat, in reply to the request, once per request. */
async function queueDecisionNotice(ctx: ChatContext, e: ExtensionRecord, officeName: string): Promise<boolean> {
  if (!e.chatId || e.status === 'pending') return false;
  const notice = copy('zh').extendDecidedNotice(e.id, e.taskNumber, e.unitName, e.status === 'approved', e.fromDue, e.newDue, e.decidedByName ?? officeName, e.comment);
  const { created } = await createOutboxRepo(ctx.db).enqueue({
    key: decisionNoticeKey(e.id),
    kind: 'reply',
    chatId: e.chatId,
    message: { msgType: 'text', text: notice },
    notBefore: ctx.now,
    ...(e.messageId ? { replyTo: e.messageId } : {}),
  });
  return created;
}
