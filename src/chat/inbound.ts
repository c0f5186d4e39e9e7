// The boundary for what Lark pushes: zod schemas for the SDK-flattened events (the handler gets
// `{schema, ...header, ...event}`, notes §1.8) and their translation into our own types.
// No SDK import here: these are plain JSON shapes.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Attachment } from '../evidence/attachment.ts';

export interface InboundMessage {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  senderOpenId: string;
  /** Plain text with every mention placeholder removed, whitespace (incl. full-width) collapsed and trimmed. */
  text: string;
  mentionsBot: boolean;
  /** Other people mentioned in the message (the bot excluded). */
  mentions: Array<{ openId?: string; name: string }>;
  /** Set when the user used "reply": the message replied to (e.g. a reminder card). */
  parentId?: string;
  rootId?: string;
  /** ms since epoch. */
  createTime: number;
  /** Images and files the message carries (image/file/media messages, a post's img/media/file elements); absent when none. */
  attachments?: Attachment[];
  /** Link targets of a post's `a` elements (their text may differ from the URL); absent when none. */
  links?: string[];
}

export interface CardAction {
  eventId: string;
  openId: string;
  chatId: string;
  messageId: string;
  value: Record<string, unknown>;
  formValue: Record<string, unknown>;
  /** The callback token, usable for a delayed card update (notes §1.9). */
  token: string;
  actionName?: string;
  actionTag?: string;
}

export interface BotAdded {
  eventId: string;
  chatId: string;
  operatorOpenId?: string;
  name?: string;
}

const UserIdSchema = z.object({ open_id: z.string().optional(), union_id: z.string().optional(), user_id: z.string().optional() }).loose();

const MentionSchema = z
  .object({
    key: z.string(),
    id: UserIdSchema.optional(),
    name: z.string().default(''),
  })
  .loose();

export const MessageReceiveSchema = z
  .object({
    event_id: z.string().min(1),
    create_time: z.string().optional(),
    sender: z
      .object({
        sender_id: UserIdSchema.optional(),
        sender_type: z.string(),
      })
      .loose(),
    message: z
      .object({
        message_id: z.string().min(1),
        root_id: z.string().optional(),
        parent_id: z.string().optional(),
        create_time: z.string().optional(),
        chat_id: z.string().min(1),
        // 'topic_group' exists for topic chats; it is a group for our purposes.
        chat_type: z.enum(['group', 'p2p', 'topic_group']),
        message_type: z.string(),
        content: z.string(),
        mentions: z.array(MentionSchema).optional(),
      })
      .loose(),
  })
  .loose();
export type MessageReceiveEvent = z.infer<typeof MessageReceiveSchema>;

const RecordSchema = z.record(z.string(), z.unknown());

export const CardActionSchema = z
  .object({
    event_id: z.string().optional(),
    // Legacy (v1) card callbacks carry operator fields at the top level (notes §1.9).
    open_id: z.string().optional(),
    open_message_id: z.string().optional(),
    open_chat_id: z.string().optional(),
    operator: z.object({ open_id: z.string().optional() }).loose().optional(),
    token: z.string().optional(),
    action: z
      .object({
        // value must be an object for the SDKs; legacy cards may send a JSON string.
        value: z.union([RecordSchema, z.string()]).optional().nullable(),
        form_value: RecordSchema.optional().nullable(),
        name: z.string().optional(),
        tag: z.string().optional(),
      })
      .loose(),
    context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).loose().optional(),
  })
  .loose();

export const BotAddedSchema = z
  .object({
    event_id: z.string().min(1),
    chat_id: z.string().min(1),
    operator_id: UserIdSchema.optional(),
    name: z.string().optional(),
  })
  .loose();

/** Accept both the SDK-flattened object and a raw schema-2.0 envelope `{schema, header, event}`. */
export function flattenIfEnvelope(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'header' in raw && 'event' in raw) {
    const { header, event, ...rest } = raw as { header: unknown; event: unknown };
    if (header && typeof header === 'object' && event && typeof event === 'object') return { ...rest, ...header, ...event };
  }
  return raw;
}

const SPACES = /[\s\u3000\u00a0\u200b]+/g;
const PLACEHOLDER = /@_(user_\d+|all)\b/g;

function clean(text: string): string {
  return text.replace(PLACEHOLDER, ' ').replace(SPACES, ' ').trim();
}

/** Text of a post (rich text) message; `at` elements carry the mentioned user's id (notes §2.2). */
function postText(
  content: unknown,
  isBot: (id: string | undefined) => boolean,
): { text: string; botMentioned: boolean; attachments: Attachment[]; links: string[] } {
  const body = content as { title?: unknown; content?: unknown };
  // Received posts are `{title, content}`; some clients send the localized `{zh_cn: {title, content}}`.
  const post =
    Array.isArray(body?.content) || typeof body?.title === 'string'
      ? body
      : (Object.values((content as Record<string, unknown>) ?? {}).find((v) => v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content)) as
          | { title?: unknown; content?: unknown }
          | undefined);
  if (!post) return { text: '', botMentioned: false, attachments: [], links: [] };
  let botMentioned = false;
  const attachments: Attachment[] = [];
  const links: string[] = [];
  const lines: string[] = [];
  if (typeof post.title === 'string' && post.title.trim()) lines.push(post.title);
  for (const para of Array.isArray(post.content) ? post.content : []) {
    if (!Array.isArray(para)) continue;
    const parts: string[] = [];
    for (const el of para as Array<Record<string, unknown>>) {
      const tag = el?.tag;
      if ((tag === 'text' || tag === 'a' || tag === 'md' || tag === 'code_block') && typeof el.text === 'string') parts.push(el.text);
      if (tag === 'a' && typeof el.href === 'string' && el.href) links.push(el.href);
      const a = postAttachment(el);
      if (a) attachments.push(a);
      else if (tag === 'at') {
        const id = typeof el.user_id === 'string' ? el.user_id : typeof el.open_id === 'string' ? el.open_id : undefined;
        if (isBot(id)) botMentioned = true;
      }
    }
    lines.push(parts.join(''));
  }
  return { text: lines.join('\n'), botMentioned, attachments, links };
}

const Key = z.string().min(1).max(200);
const ImageContentSchema = z.object({ image_key: Key }).loose();
// file and media messages: {"file_key","file_name"} (media also carries its cover's image_key).
const FileContentSchema = z.object({ file_key: Key, file_name: z.string().max(500).optional() }).loose();

/** A post element that is a resource: `img` → image, `media` (video) and `file` → file (as the SDK's LarkChannel reads them). */
function postAttachment(el: Record<string, unknown>): Attachment | undefined {
  if (el?.tag === 'img') {
    const p = ImageContentSchema.safeParse(el);
    return p.success ? { kind: 'image', key: p.data.image_key } : undefined;
  }
  if (el?.tag === 'media' || el?.tag === 'file') {
    const p = FileContentSchema.safeParse(el);
    return p.success ? { kind: 'file', key: p.data.file_key, ...(p.data.file_name ? { name: p.data.file_name } : {}) } : undefined;
  }
  return undefined;
}

/**
 * Normalize an `im.message.receive_v1` event. Returns `{ignored: reason}` for anything we do not
 * act on: messages from apps/bots (including ourselves), non-text types, malformed events.
 * Without botOpenId, any mention in a group counts as @bot: without the im:message.group_msg
 * scope Lark only delivers group messages that @mention the bot (notes §3.6).
 */
export function toInboundMessage(raw: unknown, botOpenId?: string): InboundMessage | { ignored: string } {
  const parsed = MessageReceiveSchema.safeParse(flattenIfEnvelope(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ignored: `invalid im.message.receive_v1: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}` };
  }
  const { sender, message } = parsed.data;
  const senderOpenId = sender.sender_id?.open_id;
  if (sender.sender_type !== 'user') return { ignored: `sender is ${sender.sender_type}, not a user` };
  if (!senderOpenId) return { ignored: 'sender has no open_id' };
  if (botOpenId && senderOpenId === botOpenId) return { ignored: 'message from the bot itself' };

  const mentions = message.mentions ?? [];
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  const isBotId = (id: string | undefined) => !!id && !!botOpenId && id === botOpenId;
  const botKeys = new Set(mentions.filter((m) => isBotId(m.id?.open_id)).map((m) => m.key));
  const isBot = (id: string | undefined) => isBotId(id) || (!!id && botKeys.has(id));

  let content: unknown;
  try {
    content = JSON.parse(message.content);
  } catch {
    return { ignored: 'message content is not JSON' };
  }

  let text: string;
  let botMentioned = botKeys.size > 0;
  let attachments: Attachment[] = [];
  let links: string[] = [];
  if (message.message_type === 'text') {
    const t = (content as { text?: unknown })?.text;
    if (typeof t !== 'string') return { ignored: 'text message without text' };
    text = t;
    // Longest key first, so '@_user_1' does not eat the start of '@_user_10'.
    for (const m of [...mentions].sort((a, b) => b.key.length - a.key.length)) text = text.split(m.key).join(' ');
  } else if (message.message_type === 'post') {
    const p = postText(content, isBot);
    text = p.text;
    botMentioned ||= p.botMentioned;
    attachments = p.attachments;
    links = p.links;
  } else if (message.message_type === 'image') {
    // An image message carries no text and no mention (the router decides whether it is addressed to us).
    const p = ImageContentSchema.safeParse(content);
    if (!p.success) return { ignored: 'image message without image_key' };
    text = '';
    attachments = [{ kind: 'image', key: p.data.image_key }];
  } else if (message.message_type === 'file' || message.message_type === 'media') {
    const p = FileContentSchema.safeParse(content);
    if (!p.success) return { ignored: `${message.message_type} message without file_key` };
    text = '';
    attachments = [{ kind: 'file', key: p.data.file_key, ...(p.data.file_name ? { name: p.data.file_name } : {}) }];
  } else {
    return { ignored: `unsupported message type: ${message.message_type}` };
  }
  if (!botOpenId && chatType === 'group' && mentions.length > 0) botMentioned = true;

  const createTime = Number(message.create_time ?? parsed.data.create_time);
  return {
    eventId: parsed.data.event_id,
    messageId: message.message_id,
    chatId: message.chat_id,
    chatType,
    senderOpenId,
    text: clean(text),
    mentionsBot: botMentioned,
    mentions: mentions.filter((m) => !botKeys.has(m.key) && m.key !== '@_all').map((m) => ({ openId: m.id?.open_id || undefined, name: m.name })),
    ...(message.parent_id ? { parentId: message.parent_id } : {}),
    ...(message.root_id ? { rootId: message.root_id } : {}),
    createTime: Number.isFinite(createTime) ? createTime : 0,
    ...(attachments.length ? { attachments } : {}),
    ...(links.length ? { links: [...new Set(links)] } : {}),
  };
}

function objectValue(v: unknown): Record<string, unknown> {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  if (typeof v === 'string' && v) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // a plain string value
    }
    return { value: v };
  }
  return {};
}

/** Normalize a `card.action.trigger` callback (or a legacy card callback). Throws AppError when ids are missing. */
export function toCardAction(raw: unknown): CardAction {
  const parsed = CardActionSchema.safeParse(flattenIfEnvelope(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('lark-card-action', `invalid card action: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`);
  }
  const d = parsed.data;
  const openId = d.operator?.open_id ?? d.open_id;
  const messageId = d.context?.open_message_id ?? d.open_message_id;
  const chatId = d.context?.open_chat_id ?? d.open_chat_id;
  if (!openId || !messageId || !chatId) {
    throw new AppError('lark-card-action', 'card action without operator, message or chat id', { openId, messageId, chatId });
  }
  const token = d.token ?? '';
  return {
    // Legacy callbacks have no event id; their token is unique per click.
    eventId: d.event_id ?? token,
    openId,
    chatId,
    messageId,
    value: objectValue(d.action.value),
    formValue: objectValue(d.action.form_value),
    token,
    ...(d.action.name ? { actionName: d.action.name } : {}),
    ...(d.action.tag ? { actionTag: d.action.tag } : {}),
  };
}

/** Normalize `im.chat.member.bot.added_v1`; undefined when malformed. */
export function toBotAdded(raw: unknown): BotAdded | undefined {
  const parsed = BotAddedSchema.safeParse(flattenIfEnvelope(raw));
  if (!parsed.success) return undefined;
  return {
    eventId: parsed.data.event_id,
    chatId: parsed.data.chat_id,
    ...(parsed.data.operator_id?.open_id ? { operatorOpenId: parsed.data.operator_id.open_id } : {}),
    ...(parsed.data.name ? { name: parsed.data.name } : {}),
  };
}
