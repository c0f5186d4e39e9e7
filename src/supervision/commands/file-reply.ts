// A reply that is a file (the ledger workbook). Reply in chat/commands/types.ts has only text|card;
// the pipeline is to upload `data` (gateway.uploadFile) and send msgType 'file'. Until Reply gains
// this variant, commands return it cast, and isFileReply tells it apart.
import type { Reply } from '../../chat/commands/types.ts';

export type FileReply = { kind: 'file'; fileName: string; data: Buffer; caption?: string };

export function fileReply(fileName: string, data: Buffer, caption?: string): Reply {
  return { kind: 'file', fileName, data, ...(caption ? { caption } : {}) } as FileReply as unknown as Reply;
}

export function isFileReply(r: unknown): r is FileReply {
  return !!r && typeof r === 'object' && (r as { kind?: unknown }).kind === 'file' && Buffer.isBuffer((r as { data?: unknown }).data);
}
