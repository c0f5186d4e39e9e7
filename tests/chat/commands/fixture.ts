// A small hand-built plan in a real throwaway SQLite database, and a transcript helper for the router.
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { openDb, type Db } from '../../../src/store/db.ts';
import { applyPlan } from '../../../src/store/registry-repo.ts';
import { createUnitRepo } from '../../../src/store/unit-repo.ts';
import type { ParsedPlan, TaskDraft } from '../../../src/registry/types.ts';
import { routeMessage, type ChatContext, type ChatMessage, type Reply } from '../../../src/chat/router.ts';
import { cardToText } from '../../../src/chat/cards/card-to-text.ts';

export const TZ = 'Asia/Shanghai';
export const OFFICE = '区委依法治区办';
export const ADMIN = 'ou_admin';
/** 2026-03-05 10:00 in Shanghai: 68's 03-01 deadline is 4 days overdue, task 5 (03-10) is due this week. */
export const NOW = new Date('2026-03-05T02:00:00Z');

const task = (t: Partial<TaskDraft> & Pick<TaskDraft, 'number' | 'text' | 'leadUnits' | 'otherUnits' | 'milestones'>): TaskDraft => ({
  chapter: '十、强化法治政府建设推进机制',
  section: '(三十)强化法治政府建设推进机制',
  schedule: '',
  line: 1,
  ...t,
});

export const PLAN: ParsedPlan = {
  tasks: [
    task({
      number: 5,
      text: '制定区政府重大行政决策事项目录,按时向社会公布。',
      leadUnits: ['区司法局'],
      otherUnits: [],
      schedule: '2026年3月10日前',
      milestones: [{ kind: 'once', due: '2026-03-10', label: '公布重大行政决策事项目录', source: '2026年3月10日前' }],
    }),
    task({
      number: 12,
      text: '建立行政规范性文件合法性审核机制,实现审核全覆盖。',
      leadUnits: ['区司法局'],
      otherUnits: ['区财政局'],
      schedule: '2027年6月底前完成',
      milestones: [{ kind: 'once', due: '2027-06-30', label: '实现合法性审核全覆盖', source: '2027年6月底前' }],
    }),
    task({
      number: 30,
      text: '深化财政预算公开,持续推进。',
      leadUnits: ['区财政局'],
      otherUnits: ['区司法局'],
      schedule: '持续推进',
      milestones: [{ kind: 'continuous', label: '持续推进', source: '持续推进' }],
    }),
    task({
      number: 68,
      text: '严格执行法治政府建设年度报告制度,各级各部门每年3月1日前完成上一年度法治政府建设情况报告,并于4月1日前将报告通过报刊、政府网站等向社会公开。',
      leadUnits: ['区委办', '区政府办'],
      otherUnits: ['区司法局', '各乡镇(街道)'],
      schedule: '持续推进,每年形成工作报告,并按时向社会公开',
      milestones: [
        { kind: 'annual', month: 3, day: 1, label: '完成上一年度法治政府建设情况报告', source: '每年3月1日前' },
        { kind: 'annual', month: 4, day: 1, label: '向社会公开年度报告', source: '4月1日前' },
      ],
    }),
  ],
  units: [
    { name: '区司法局', aliases: ['司法局'] },
    { name: '区财政局', aliases: ['财政局'] },
    { name: '区委办', aliases: [] },
    { name: '区政府办', aliases: [] },
    { name: '各乡镇(街道)', aliases: ['乡镇(街道)'], collective: true, members: ['城关镇', '城南街道'] },
    { name: '城关镇', aliases: [] },
    { name: '城南街道', aliases: [] },
  ],
  warnings: [],
};

export interface Fixture {
  db: Db;
  /** The database's URL (for the CLI against the same store). */
  url: string;
  ctx: ChatContext;
  say(text: string, opts?: Partial<ChatMessage> & { now?: Date }): Promise<Reply | null>;
  close(): Promise<void>;
}

let seq = 0;

export async function makeFixture(opts: { plan?: ParsedPlan; groups?: Record<string, string[]> } = {}): Promise<Fixture> {
  const url = 'file:' + path.join(os.tmpdir(), `duban-chat-${process.pid}-${crypto.randomUUID()}.db`);
  const db = await openDb(url);
  await applyPlan(db, opts.plan ?? PLAN, { today: '2026-01-01', now: new Date('2026-01-01T00:00:00Z'), source: 'fixture', checksum: 'x', actor: 'test' });
  const units = createUnitRepo(db);
  await units.ensure(OFFICE);
  const who = { actor: 'cli', source: 'cli' as const };
  await units.bind('区司法局', 'oc_sfj', who);
  await units.bind('区财政局', 'oc_czj', who);
  await units.bind(OFFICE, 'oc_office', who);
  await units.bind('城关镇', 'oc_towns', who);
  await units.bind('城南街道', 'oc_towns', who);
  const groups = opts.groups ?? {};
  const ctx: ChatContext = {
    db,
    now: NOW,
    tz: TZ,
    admins: [ADMIN],
    officeUnit: OFFICE,
    groupsOf: async (openId) => groups[openId] ?? [],
  };
  return {
    db,
    url,
    ctx,
    say: (text, o = {}) => {
      const { now, ...rest } = o;
      return routeMessage(
        { ...ctx, now: now ?? NOW },
        { chatId: 'oc_sfj', chatType: 'group', senderOpenId: 'ou_zhang', senderName: '张三', mentionsBot: true, messageId: `om_${++seq}`, text, ...rest },
      );
    },
    close: () => db.$disconnect(),
  };
}

/** What the user sees: the text, or the card rendered as text. */
export function shown(r: Reply | null): string {
  if (!r) return '';
  if (r.kind === 'file') return `[file ${r.fileName}]${r.caption ? ` ${r.caption}` : ''}`;
  return r.kind === 'text' ? r.text : cardToText(r.card);
}
