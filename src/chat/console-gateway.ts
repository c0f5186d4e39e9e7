// The embedded default's "Lark": messages are printed to the terminal instead of sent.
import type { Card, LarkGateway, OutgoingMessage } from './gateway.ts';
import { cardToText } from './cards/card-to-text.ts';

export interface ConsoleView {
  /** The chat the person at the keyboard is in: its messages are shown in full, others in one line. */
  currentChat(): string | null;
  write(text: string): void;
}

function titleOf(card: Card): string {
  const h = card.header as { title?: { content?: string } } | undefined;
  return h?.title?.content ?? '(card)';
}

export function renderOutgoing(m: OutgoingMessage): string {
  if (m.msgType === 'text') return m.text;
  if (m.msgType === 'file') return `[file ${m.fileKey}]`;
  return cardToText(m.card);
}

export function createConsoleGateway(view: ConsoleView): LarkGateway & { files: Map<string, Buffer> } {
  let seq = 0;
  const seen = new Map<string, string>();
  const files = new Map<string, Buffer>();
  const deliver = (chatId: string, m: OutgoingMessage, uuid?: string): { messageId: string } => {
    // Same uuid → same message, as Lark does: a retried send is not shown twice.
    if (uuid && seen.has(uuid)) return { messageId: seen.get(uuid)! };
    const messageId = `local_msg_${++seq}`;
    if (uuid) seen.set(uuid, messageId);
    if (chatId === view.currentChat() || m.msgType === 'text') view.write(`\n── ${chatId} ──\n${renderOutgoing(m)}\n`);
    else view.write(`📨 ${chatId}: ${m.msgType === 'interactive' ? titleOf(m.card) : renderOutgoing(m)}`);
    return { messageId };
  };
  return {
    files,
    async sendToChat(chatId, m, opts) {
      return deliver(chatId, m, opts?.uuid);
    },
    async reply(_messageId, m, opts) {
      return deliver(view.currentChat() ?? 'local', m, opts?.uuid);
    },
    async updateCard(messageId, card) {
      view.write(`(card ${messageId} updated: ${titleOf(card)})`);
    },
    async uploadFile(fileName, data) {
      const key = `local_file_${files.size + 1}_${fileName}`;
      files.set(key, data);
      return { fileKey: key };
    },
    async listChatMembers() {
      return [];
    },
  };
}
