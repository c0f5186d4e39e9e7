// The local console chat (no Lark credentials): you speak in one unit's group; the same words as in Lark.
// /unit NAME switches unit, /admin toggles admin, /now DATE moves the clock and runs a scheduler pass.
import readline from 'node:readline';
import type { Db } from '../store/db.ts';
import { createUnitRepo, matchUnit } from '../store/unit-repo.ts';
import { routeMessage } from './router.ts';
import type { EvidenceCollector } from '../evidence/outcome.ts';
import { renderOutgoing } from './console-gateway.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Reply } from './router.ts';
import { dayjs } from '../clock.ts';
import type { ReminderPolicy } from '../schedule/policy.ts';
import type { WorkCalendar } from '../schedule/calendar.ts';

export const CONSOLE_USER = 'ou_console_user';

export interface ConsoleChatDeps {
  db: Db;
  tz: string;
  officeUnit: string;
  /** The app's policy and calendar (defaults when absent), as the scheduler uses them. */
  policy?: ReminderPolicy;
  calendar?: WorkCalendar;
  /** The board's base URL (the office's answers link to it). */
  boardUrl?: string;
  now(): Date;
  setNow(t: Date): void;
  schedulerPass(now: Date): Promise<{ queued: { queued: number; cards: number; unbound: unknown[] }; supervision?: { office: string; escalations: number } }>;
  write(text: string): void;
  /** Records evidence (here: links in progress words; the console receives no files). */
  evidence?: EvidenceCollector;
}

export const localChatOf = (unit: string) => `local:${unit}`;

// Where the console puts files a command answers with (the ledger): there is no chat to upload to.
export const CONSOLE_EXPORT_DIR = path.join('data', 'exports');

function showReply(reply: Reply): string {
  switch (reply.kind) {
    case 'text':
      return renderOutgoing({ msgType: 'text', text: reply.text });
    case 'card':
      return renderOutgoing({ msgType: 'interactive', card: reply.card });
    case 'file': {
      fs.mkdirSync(CONSOLE_EXPORT_DIR, { recursive: true });
      const file = path.join(CONSOLE_EXPORT_DIR, reply.fileName);
      fs.writeFileSync(file, reply.data);
      return `${reply.caption ? reply.caption + '\n' : ''}[文件已保存 saved: ${file}]`;
    }
  }
}

export function createConsoleChat(deps: ConsoleChatDeps) {
  // Message ids unique across console sessions: a report is recorded once per message (msg:<id>).
  const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const state = { unit: '', chatId: '', admin: true, seq: 0 };
  const units = createUnitRepo(deps.db);

  /** In the console every unit speaks in a local chat of its own, bound on first use. */
  async function enter(unitName: string): Promise<string> {
    const m = matchUnit(await units.list(), unitName);
    if (m.kind === 'none') return `没有单位「${unitName}」。发送 /units 查看全部单位。`;
    if (m.kind === 'ambiguous') return `「${unitName}」可指：${m.candidates.join('、')}，请写全称。`;
    if (!m.unit.chatId) await units.bind(m.unit.name, localChatOf(m.unit.name), { actor: CONSOLE_USER, source: 'console' });
    state.unit = m.unit.name;
    state.chatId = m.unit.chatId ?? localChatOf(m.unit.name);
    return `你现在在「${m.unit.name}」的群里 (chat ${state.chatId})。`;
  }

  async function bindAllLocal(): Promise<number> {
    let n = 0;
    for (const u of await units.list()) {
      if (!u.chatId) {
        await units.bind(u.name, localChatOf(u.name), { actor: CONSOLE_USER, source: 'console' });
        n++;
      }
    }
    return n;
  }

  async function handleLine(line: string): Promise<string | null> {
    const text = line.trim();
    if (!text) return null;
    if (text.startsWith('/')) {
      const [cmd, ...rest] = text.slice(1).split(/\s+/);
      const arg = rest.join(' ');
      switch (cmd) {
        case 'unit':
          return arg ? enter(arg) : `当前单位：${state.unit}。用法：/unit 区司法局`;
        case 'admin':
          state.admin = !state.admin;
          return state.admin ? '你现在是管理员 (admin on)。' : '你现在不是管理员 (admin off)。';
        case 'units':
          return (await units.list()).map((u) => `${u.name}${u.collective ? ' (集体)' : ''}`).join('、');
        case 'now': {
          if (!arg) return `现在是 ${dayjs(deps.now()).tz(deps.tz).format('YYYY-MM-DD HH:mm')} (${deps.tz})`;
          const t = /^\d{4}-\d{2}-\d{2}$/.test(arg) ? dayjs.tz(`${arg} 09:30`, deps.tz) : dayjs.tz(arg, deps.tz);
          if (!t.isValid()) return `「${arg}」不是日期。用法：/now 2027-02-25 或 /now "2027-02-25 10:00"`;
          deps.setNow(t.toDate());
          const r = await deps.schedulerPass(t.toDate());
          const office = r.supervision?.office === 'queued' ? 1 : 0;
          return `时钟已调到 ${t.format('YYYY-MM-DD HH:mm')}：本次排程 ${r.queued.queued} 条提醒，${r.queued.cards + office} 张卡片${office ? '（含督办日报）' : ''}${r.queued.unbound.length ? `，${r.queued.unbound.length} 条因单位未绑定群未发` : ''}。`;
        }
        case 'help':
          return '/unit 单位名 切换单位 · /admin 切换管理员 · /now 日期 调整时钟并运行一次排程 · /units 单位列表 · /quit 退出；其余输入与飞书中相同，例如「我的任务」「任务 68」「进度 68 60% 已完成初稿」「帮助」';
        default:
          return `未知的控制命令 /${cmd}，发送 /help 查看。`;
      }
    }
    const chatId = state.chatId;
    const reply = await routeMessage(
      {
        db: deps.db,
        now: deps.now(),
        tz: deps.tz,
        admins: state.admin ? [CONSOLE_USER] : [],
        officeUnit: deps.officeUnit,
        policy: deps.policy,
        calendar: deps.calendar,
        boardUrl: deps.boardUrl,
        evidence: deps.evidence && ((req) => deps.evidence!({ ...req, source: 'console' })),
      },
      {
        chatId,
        chatType: 'group',
        senderOpenId: CONSOLE_USER,
        senderName: '控制台用户',
        text,
        mentionsBot: true,
        messageId: `local_in_${session}_${++state.seq}`,
      },
    );
    return reply ? showReply(reply) : null;
  }

  return {
    state,
    /** The chat of the unit you speak for now. */
    currentChat: () => state.chatId || null,
    enter,
    bindAllLocal,
    handleLine,
    /**
     * Reads lines until end of input and answers each, in order, one at a time: a line typed while a
     * scheduler pass (or the previous answer) is still running waits its turn and is never dropped.
     * Resolves only when every line has been answered and `drain` (the outbox) has printed what was
     * queued, so piped input ends with everything on screen.
     */
    run(input: NodeJS.ReadableStream, prompt: boolean, drain: () => Promise<void> = async () => undefined): Promise<void> {
      const rl = readline.createInterface({ input, terminal: false });
      let chain = Promise.resolve();
      let quit = false;
      let ignored = 0;
      const answer = async (line: string) => {
        if (quit) {
          ignored++;
          return;
        }
        if (line.trim() === '/quit') {
          quit = true;
          rl.close();
          return;
        }
        try {
          const out = await handleLine(line);
          if (out) deps.write(out + '\n');
        } catch (e) {
          deps.write(`出错了：${(e as Error).message}\n`);
        }
        if (prompt) deps.write(`[${state.unit}] > `);
      };
      if (prompt) deps.write(`[${state.unit}] > `);
      // 'line' for the last line without a newline still comes before 'close'.
      rl.on('line', (line) => {
        chain = chain.then(() => answer(line));
      });
      return new Promise((resolve, reject) => {
        rl.on('close', () => {
          chain
            .then(drain)
            .then(() => {
              if (ignored) deps.write(`(/quit 之后的 ${ignored} 行未处理 ignored after /quit)\n`);
            })
            .then(resolve, reject);
        });
      });
    },
  };
}
