// A reply that is a file (the ledger workbook): the outbox uploads it and sends a file message.
import type { Reply } from '../../chat/commands/types.ts';

export type FileReply = Extract<Reply, { kind: 'file' }>;

export function fileReply(fileName: string, data: Buffer, caption?: string): Reply {
  return { kind: 'file', fileName, data, ...(caption ? { caption } : {}) };
}

export function isFileReply(r: unknown): r is FileReply {
  return !!r && typeof r === 'object' && (r as { kind?: unknown }).kind === 'file' && Buffer.isBuffer((r as { data?: unknown }).data);
}
