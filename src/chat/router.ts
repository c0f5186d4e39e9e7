// A chat message → the reply, or null for group chatter not addressed to the bot. Commands are tried
// in order; a reply to a reminder that is no command is progress on that reminder; anything else
// addressed to the bot gets a short hint. Exceptions (database down) propagate to the caller's
// per-event boundary, which logs them with the message id.
import { commands } from './commands/index.ts';
import { reportProgress } from './commands/progress.ts';
import { receiveEvidence } from './commands/evidence.ts';
import { copy, langOf } from './copy.ts';
import { text, type ChatContext, type ChatMessage, type Reply } from './commands/types.ts';

export type { ChatContext, ChatMessage, Reply, QuotedReminder } from './commands/types.ts';

// Chinese punctuation people type on purpose (，：；！？（）) is kept, so their words are stored as written.
const KEEP_FULL_WIDTH = new Set(['，', '：', '；', '！', '？', '（', '）']);

/** Full-width digits, letters, ％ and ideographic spaces as people type them → the forms commands match. */
export function normalizeText(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (ch) => (KEEP_FULL_WIDTH.has(ch) ? ch : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
    .replace(/\s+/g, ' ')
    .trim();
}

export async function routeMessage(ctx: ChatContext, msg: ChatMessage): Promise<Reply | null> {
  // Files and images without words: evidence for the reminder they reply to (they carry no @mention).
  if (msg.attachments?.length && !normalizeText(msg.text)) return receiveEvidence({ ...ctx, msg }, 'zh');
  if (msg.chatType === 'group' && !msg.mentionsBot) return null;
  const t = normalizeText(msg.text);
  const cctx = { ...ctx, msg };
  for (const command of commands) {
    const args = command.match(t);
    if (args !== null) return command.run(cctx, args);
  }
  const lang = langOf(t);
  if (msg.quotedReminder) {
    const q = msg.quotedReminder;
    return reportProgress(cctx, { taskNumber: q.taskNumber, words: t, via: 'reply', lang, quoted: q });
  }
  if (msg.quotedReminders?.length) {
    // A reply to a card with several items: "68 60% 初稿" names the item; otherwise ask which.
    const m = /^(\d{1,4})(?:\s+|$)(.*)$/.exec(t);
    const hit = m ? msg.quotedReminders.find((q) => q.taskNumber === Number(m[1])) : undefined;
    if (hit && m) return reportProgress(cctx, { taskNumber: hit.taskNumber, words: m[2], via: 'reply', lang, quoted: hit });
    return text(copy(lang).whichTask([...new Set(msg.quotedReminders.map((q) => q.taskNumber))]));
  }
  return text(t ? copy(lang).hint(t) : copy(lang).emptyHint);
}
