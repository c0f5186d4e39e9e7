// 导出 [单位] / export [unit]: the ledger workbook, sent back as a file.
import { exportLedger } from '../../jobs/export-ledger.ts';
import { text, type Command, type Lang } from '../../chat/commands/types.ts';
import { fileReply } from './file-reply.ts';
import { mayUseOfficeViews, refusal, resolveUnit, supervisionDeps, type SupervisionCommandContext } from './access.ts';

export const exportLedgerCommand: Command<{ lang: Lang; unit: string | null }> = {
  name: 'export',
  match: (t) => {
    const m = /^(?:(导出)(?:台账)?|(export))(?:\s+(.+))?$/i.exec(t);
    if (!m) return null;
    return { lang: m[2] ? 'en' : 'zh', unit: m[3]?.trim() || null };
  },
  run: async (ctx: SupervisionCommandContext, { lang, unit }) => {
    if (!(await mayUseOfficeViews(ctx))) return text(refusal({ zh: '导出', en: 'export' }, ctx.officeUnit, lang));
    let unitName: string | undefined;
    if (unit) {
      const r = await resolveUnit(ctx, unit, lang, lang === 'zh' ? '导出' : 'export');
      if ('error' in r) return text(r.error);
      unitName = r.name;
    }
    const result = await exportLedger(supervisionDeps(ctx), { format: 'xlsx', unit: unitName }, ctx.now);
    const caption =
      lang === 'zh'
        ? `督办台账${unitName ? `（${unitName}）` : ''}：${result.rows} 行，另附进展记录、操作记录两张表。`
        : `Ledger${unitName ? ` (${unitName})` : ''}: ${result.rows} rows, plus the progress history and audit sheets.`;
    return fileReply(result.fileName, result.data, caption);
  },
};
