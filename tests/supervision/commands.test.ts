// 汇总 / summary and 导出 / export as the office (or an admin) sees them, and the refusal everyone else gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { summaryCommand } from '../../src/supervision/commands/summary.ts';
import { exportLedgerCommand } from '../../src/supervision/commands/export.ts';
import { isFileReply } from '../../src/supervision/commands/file-reply.ts';
import type { CommandContext, Reply } from '../../src/chat/commands/types.ts';
import type { Command } from '../../src/chat/commands/types.ts';
import { shown } from '../chat/commands/fixture.ts';
import { makeLedgerWorld, LEDGER_NOW } from './ledger-world.ts';
import { OFFICE, OFFICE_CHAT, TZ, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await makeLedgerWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const ADMIN = 'ou_admin';

async function say<A>(command: Command<A>, words: string, where: { chatId?: string; chatType?: 'group' | 'p2p'; sender?: string } = {}): Promise<Reply> {
  const args = command.match(words);
  if (args === null) throw new Error(`${command.name} does not match "${words}"`);
  const ctx: CommandContext = {
    db: w.app.db,
    now: LEDGER_NOW,
    tz: TZ,
    admins: [ADMIN],
    officeUnit: OFFICE,
    msg: { chatId: where.chatId ?? OFFICE_CHAT, chatType: where.chatType ?? 'group', senderOpenId: where.sender ?? 'ou_staff', text: words, mentionsBot: true, messageId: 'om_1' },
  };
  return command.run(ctx, args);
}

describe('汇总 / summary', () => {
  it('matches its words only', () => {
    expect(summaryCommand.match('汇总')).toEqual({ lang: 'zh', unit: null });
    expect(summaryCommand.match('summary 司法局')).toEqual({ lang: 'en', unit: '司法局' });
    expect(summaryCommand.match('汇总一下')).toBeNull();
  });

  it('answers the office chat with the digest card for all units', async () => {
    const text = shown(await say(summaryCommand, '汇总'));
    expect(text).toContain(`【${OFFICE} · 汇总 2026-W10】 截至 2026-03-05`);
    expect(text).toContain('[图表 各单位事项状态]');
    expect(text).toContain('任务 68 · 区政府办（牵头）\n完成上一年度法治政府建设情况报告 · 截止 2026-03-01 · 逾期 4 天');
  });

  it('narrows to one unit, by any spelling', async () => {
    const text = shown(await say(summaryCommand, '汇总 司法局'));
    expect(text).toContain('【汇总 · 区司法局】');
    expect(text).not.toContain('区政府办');
  });

  it('lets an admin ask from anywhere, and refuses a unit group', async () => {
    expect(shown(await say(summaryCommand, 'summary', { chatId: 'oc_dm', chatType: 'p2p', sender: ADMIN }))).toContain('[图表');
    expect(shown(await say(summaryCommand, '汇总', { chatId: 'oc_sfj' }))).toBe(
      `「汇总」只在${OFFICE}的群里使用，或由管理员使用。请在${OFFICE}的群里 @我 发送「汇总」。`,
    );
    expect(shown(await say(summaryCommand, 'summary', { chatId: 'oc_sfj' }))).toBe(`"summary" works in the ${OFFICE} group or for an admin. Ask there: @bot summary.`);
  });

  it('says which unit it does not know', async () => {
    expect(shown(await say(summaryCommand, '汇总 不存在局'))).toBe('没有名为「不存在局」的单位。发送「汇总」查看全部单位。');
  });
});

describe('导出 / export', () => {
  it('answers with the workbook as a file', async () => {
    const reply: unknown = await say(exportLedgerCommand, '导出');
    expect(isFileReply(reply)).toBe(true);
    if (!isFileReply(reply)) return;
    expect(reply.fileName).toBe('督办台账-2026-03-05.xlsx');
    expect(reply.caption).toBe('督办台账：20 行，另附进展记录、操作记录两张表。');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reply.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['台账', '进展记录', '操作记录', '佐证材料']);
  });

  it('refuses outside the office chat', async () => {
    expect(shown(await say(exportLedgerCommand, 'export', { chatId: 'oc_czj' }))).toBe(`"export" works in the ${OFFICE} group or for an admin. Ask there: @bot export.`);
  });
});
