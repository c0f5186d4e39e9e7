// What a chat message carries as evidence: Lark resources (an image or a file, fetched later through
// the message-resource API with this type) and links. Plain data, produced by chat/inbound.ts.

/** A resource of a message: `image` for image_key (image messages, post `img`), `file` for file_key (file/media messages, post `media`/`file`). */
export interface Attachment {
  kind: 'image' | 'file';
  /** image_key or file_key: with the message id, what GET /im/v1/messages/:id/resources/:key takes. */
  key: string;
  /** The file's name when Lark tells it (file and media messages); images have none. */
  name?: string;
}

export type EvidenceKind = 'image' | 'file' | 'link';
