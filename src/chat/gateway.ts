// The few verbs Duban needs from Lark. The real one (lark-gateway.ts) is the only SDK user;
// the console gateway prints; tests use the real one against a fake Lark server.
import type { Readable } from 'node:stream';

/** A card is Lark card JSON 2.0 ({ schema: '2.0', header, body: { elements } }). */
export type Card = Record<string, unknown>;

export type OutgoingMessage = { msgType: 'interactive'; card: Card } | { msgType: 'text'; text: string } | { msgType: 'file'; fileKey: string };

export interface SendOptions {
  /** Lark drops a second send with the same uuid within an hour: we pass one derived from the outbox row. */
  uuid?: string;
}

/** A message's resource as Lark streams it (GET /im/v1/messages/:id/resources/:key). */
export interface DownloadedResource {
  stream: Readable;
  /** content-type as Lark sent it. */
  contentType?: string;
  /** content-length, when Lark sent one: the stream must deliver exactly this many bytes. */
  contentLength?: number;
  /** The file name from content-disposition, when present. */
  fileName?: string;
}

export interface LarkGateway {
  sendToChat(chatId: string, message: OutgoingMessage, opts?: SendOptions): Promise<{ messageId: string }>;
  reply(messageId: string, message: OutgoingMessage, opts?: SendOptions): Promise<{ messageId: string }>;
  /** Replace an already-sent card (PATCH; cards only, within 14 days). */
  updateCard(messageId: string, card: Card): Promise<void>;
  /** Upload a file (e.g. the ledger workbook) for sending with msgType 'file'. */
  uploadFile(fileName: string, data: Buffer): Promise<{ fileKey: string }>;
  /** open_ids of the members of a group chat (for "my tasks" in a direct chat). */
  listChatMembers(chatId: string): Promise<string[]>;
  /** A person's display name (contact API; needs a contact scope), for the ledger's "who reported". */
  getUserName?(openId: string): Promise<string | null>;
  /** A resource (image or file) of a received message, for evidence. Absent where nothing can be received (the console). */
  downloadResource?(messageId: string, fileKey: string, type: 'image' | 'file'): Promise<DownloadedResource>;
}
