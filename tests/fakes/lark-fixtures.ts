// Loads the Lark event fixtures in tests/fixtures/lark/ (schema-2.0 envelopes, ids scrubbed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lark');

export type LarkFixtureName =
  | 'im.message.receive_v1.group-mention'
  | 'im.message.receive_v1.p2p'
  | 'im.message.receive_v1.reply'
  | 'im.message.receive_v1.post'
  | 'im.message.receive_v1.image'
  | 'im.message.receive_v1.file-reply'
  | 'im.message.receive_v1.post-attachments'
  | 'card.action.trigger.form'
  | 'im.chat.member.bot.added_v1';

export interface LarkEnvelope {
  schema: string;
  header: Record<string, string>;
  event: Record<string, unknown>;
}

/** A fresh copy each call, so a test may mutate it. */
export function loadLarkFixture(name: LarkFixtureName): LarkEnvelope {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as LarkEnvelope;
}
