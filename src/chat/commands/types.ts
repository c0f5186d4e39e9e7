// The chat layer's own types: what the router is given, and what commands return.
import type { Db } from '../../store/db.ts';
import type { Card } from '../gateway.ts';
import type { ReminderPolicy } from '../../schedule/policy.ts';
import type { WorkCalendar } from '../../schedule/calendar.ts';
import type { Attachment } from '../../evidence/attachment.ts';
import type { EvidenceCollector } from '../../evidence/outcome.ts';

export type Lang = 'zh' | 'en';

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'card'; card: Card }
  /** A file (the ledger workbook): uploaded by the outbox dispatcher, then sent as a file message. */
  | { kind: 'file'; fileName: string; data: Buffer; caption?: string };

/** The reminder a message replied to, resolved by the caller from parentId. */
export interface QuotedReminder {
  taskNumber: number;
  unitName: string;
  milestoneKey?: string;
  occurrence?: string;
}

export interface ChatMessage {
  chatId: string;
  chatType: 'group' | 'p2p';
  senderOpenId: string;
  senderName?: string;
  /** Mentions already stripped. */
  text: string;
  mentionsBot: boolean;
  messageId: string;
  /** The message replied to. */
  parentId?: string;
  quotedReminder?: QuotedReminder;
  /** The items of a reminder card that listed several: a reply must say which task it is about. */
  quotedReminders?: QuotedReminder[];
  /** Images and files the message carries (evidence). */
  attachments?: Attachment[];
  /** Link targets of the message's rich-text links (evidence, besides the URLs in its words). */
  links?: string[];
}

export interface ChatContext {
  db: Db;
  now: Date;
  tz: string;
  /** open_ids allowed to bind units. */
  admins: string[];
  /** The supervising office's unit name: its chats see the whole plan. */
  officeUnit: string;
  /** Group chat ids the asker is in (for "my tasks" in a direct chat). */
  groupsOf?(openId: string): Promise<string[]>;
  /** The reminder policy (its blue window is "due soon"); DEFAULT_POLICY when absent. */
  policy?: ReminderPolicy;
  /** Working days (the continuous-work window); the package's holiday data when absent. */
  calendar?: WorkCalendar;
  /** The board's public base URL: the office's answers link to it (a button that opens /board). */
  boardUrl?: string;
  /** Stores a message's evidence for a task and unit; absent where evidence is not taken (then it is not recorded). */
  evidence?: EvidenceCollector;
}

export interface CommandContext extends ChatContext {
  msg: ChatMessage;
}

export interface Command<A> {
  name: string;
  /** Pure: the (normalized) text → arguments, or null when the text is not this command. */
  match(text: string): A | null;
  run(ctx: CommandContext, args: A): Promise<Reply>;
}

export const text = (t: string): Reply => ({ kind: 'text', text: t });
export const card = (c: Card): Reply => ({ kind: 'card', card: c });
