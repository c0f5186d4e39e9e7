// Evidence in chat: the answer lines for what became of each file and link, and the path for a bare
// image/file sent in reply to a reminder (the reminder fixes task and unit). Progress with attachments
// (`进度 68 已完成` + a file, in a post) goes through reportProgress, which calls evidenceFor.
import { copy, type Copy } from '../copy.ts';
import { formatSize, MB } from '../../evidence/rules.ts';
import { linksIn } from '../../evidence/links.ts';
import type { EvidenceOutcome } from '../../evidence/outcome.ts';
import type { UnitRecord } from '../../registry/types.ts';
import { createRegistryRepo } from '../../store/registry-repo.ts';
import { text, type CommandContext, type Lang, type QuotedReminder, type Reply } from './types.ts';
import { isAdmin, loadWorld, roleOf, speakerUnits } from './scope.ts';
import { unknownTask } from './task.ts';

/** Does the message carry anything that is evidence (files, images, links)? */
export function hasEvidence(ctx: CommandContext, words: string): boolean {
  return !!(ctx.msg.attachments?.length || ctx.msg.links?.length || linksIn(words).length);
}

function outcomeLine(c: Copy, o: EvidenceOutcome): string {
  switch (o.kind) {
    case 'stored':
      return o.record.kind === 'link'
        ? c.evidenceLinkStored(o.record.url ?? o.record.name, o.record.taskNumber, o.record.unitName, o.record.id)
        : c.evidenceStored(o.record.name, formatSize(o.record.size ?? 0), o.record.taskNumber, o.record.unitName, o.record.id);
    case 'duplicate':
      return c.evidenceDuplicate(o.record.name, o.record.taskNumber, o.record.unitName, o.record.id);
    case 'too-large':
      return c.evidenceTooLarge(o.name ?? c.evidenceImage, o.size === null ? null : formatSize(o.size), Math.round((o.limitBytes / MB) * 10) / 10);
    case 'type':
      return c.evidenceType(o.name ?? c.evidenceImage, o.ext);
    case 'unavailable':
      return c.evidenceUnavailable(o.name ?? c.evidenceImage, o.code);
  }
}

/**
 * Collects the message's evidence for (task, unit): its attachments, its rich-text links, and the URLs in
 * `words`. Returns the answer lines (empty when there is nothing, or no collector in this context).
 * A failed download throws (the inbound retry takes the message up again).
 */
export async function evidenceFor(ctx: CommandContext, lang: Lang, taskNumber: number, unitName: string, words: string): Promise<string[]> {
  const msg = ctx.msg;
  const links = [...new Set([...(msg.links ?? []), ...linksIn(words)])];
  const attachments = msg.attachments ?? [];
  if (!ctx.evidence || (attachments.length === 0 && links.length === 0)) return [];
  const outcomes = await ctx.evidence({
    taskNumber,
    unitName,
    attachments,
    links,
    reporterId: msg.senderOpenId,
    reporterName: msg.senderName ?? null,
    chatId: msg.chatId,
    messageId: msg.messageId,
    at: ctx.now,
    source: 'chat',
  });
  const c = copy(lang);
  return outcomes.map((o) => outcomeLine(c, o));
}

/**
 * A message that is only files/images (no words): evidence for the reminder it replies to, from a chat
 * that speaks for the reminder's unit. In a group such a message carries no @mention (Lark has no
 * mentions in image/file messages), so being a reply to one of our reminder cards is what addresses it to us.
 */
export async function receiveEvidence(ctx: CommandContext, lang: Lang): Promise<Reply | null> {
  const c = copy(lang);
  const msg = ctx.msg;
  const quoted: QuotedReminder | undefined = msg.quotedReminder;
  if (!quoted) {
    if (msg.quotedReminders?.length) return text(c.evidenceWhichTask([...new Set(msg.quotedReminders.map((q) => q.taskNumber))]));
    // Group files not replying to a reminder are not addressed to us (without the group-message scope they never arrive).
    return msg.chatType === 'group' && !msg.mentionsBot ? null : text(c.evidenceNoTask);
  }
  const task = await createRegistryRepo(ctx.db).getTask(quoted.taskNumber);
  if (!task) return unknownTask(ctx, quoted.taskNumber, lang);
  const world = await loadWorld(ctx);
  const unit: UnitRecord | undefined = world.units.find((u) => u.name === quoted.unitName);
  if (!unit) return text(c.unknownUnit(quoted.unitName));
  const mine = await speakerUnits(ctx, msg);
  if (!mine.some((u) => u.name === unit.name) && !isAdmin(ctx, msg.senderOpenId)) return text(c.notYourUnit(unit.name));
  if (!roleOf(task, unit, world.units)) return text(c.notYourUnit(unit.name));
  const lines = await evidenceFor(ctx, lang, task.number, unit.name, '');
  return lines.length ? text(lines.join('\n')) : null;
}
