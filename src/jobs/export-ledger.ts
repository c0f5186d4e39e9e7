// The ledger export: store → statuses at `now` → filtered rows → xlsx (three sheets) or csv.
// Used by the CLI (`export --format … --out FILE`) and by 导出 in the office's chat.
import { z } from 'zod';
import { dayOf } from '../clock.ts';
import { AppError } from '../errors.ts';
import { matchUnit } from '../store/unit-repo.ts';
import { STATUS_ORDER } from '../schedule/status.ts';
import { extensionHistoryRows, ledgerRows } from '../supervision/ledger.ts';
import { ledgerXlsx } from '../supervision/export-xlsx.ts';
import { ledgerCsv } from '../supervision/export-csv.ts';
import type { AuditRow, HistoryRow } from '../supervision/ledger-columns.ts';
import { loadSupervisionData, type SupervisionDeps } from '../supervision/load-supervision.ts';
import { createEvidenceRepo, type EvidenceRecord } from '../store/evidence-repo.ts';

/** Evidence recorded up to `now` (the 佐证材料 sheet and the count column). */
export async function loadEvidence(deps: SupervisionDeps, now: Date): Promise<EvidenceRecord[]> {
  return (await createEvidenceRepo(deps.db).list()).filter((e) => e.at <= now);
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2027-02-22');

export const LedgerExportOptionsSchema = z.object({
  format: z.enum(['xlsx', 'csv']),
  /** A unit name, alias or unambiguous part of one. */
  unit: z.string().min(1).optional(),
  from: Day.optional(),
  to: Day.optional(),
  status: z.enum(STATUS_ORDER).optional(),
});
export type LedgerExportOptions = z.infer<typeof LedgerExportOptionsSchema>;

export interface LedgerExport {
  data: Buffer;
  fileName: string;
  /** Ledger rows written (the 台账 sheet / csv lines after the header). */
  rows: number;
  /** The unit the export was narrowed to (canonical name). */
  unit?: string;
}

const ACTION_WORD: Record<string, string> = {
  bind: '绑定群聊',
  import: '导入方案',
  progress: '报送进展',
  liaison: '登记联络人',
  admin: '管理操作',
  evidence: '提交佐证材料',
};
const SENT_WORD: Record<string, string> = {
  reminders: '发送提醒',
  office: '发送督办日报',
  // Kinds of databases from before the office's cards were merged into one a day.
  'office-overdue': '发送逾期清单',
  digest: '发送督办周报',
  escalation: '发送红灯升级',
  reply: '回复消息',
};

export async function exportLedger(deps: SupervisionDeps, options: LedgerExportOptions, now: Date): Promise<LedgerExport> {
  const opts = LedgerExportOptionsSchema.parse(options);
  if (opts.from && opts.to && opts.to < opts.from) throw new AppError('usage', `export: --to ${opts.to} is before --from ${opts.from}`);
  const [data, evidence] = await Promise.all([loadSupervisionData(deps, now), loadEvidence(deps, now)]);
  let unit: string | undefined;
  if (opts.unit) {
    const m = matchUnit(data.units, opts.unit);
    if (m.kind === 'none') throw new AppError('unknown-unit', `export: no unit matches "${opts.unit}" (see: units list)`);
    if (m.kind === 'ambiguous') throw new AppError('ambiguous-unit', `export: "${opts.unit}" matches ${m.candidates.join('、')}: say which`);
    unit = m.unit.name;
  }
  const rows = ledgerRows(
    { tasks: data.tasks, statuses: data.statuses, progress: data.progress, sent: data.sent, tz: deps.tz, officeUnit: deps.officeUnit, extensions: data.extensions, evidence },
    { unit, from: opts.from, to: opts.to, status: opts.status },
  );
  const today = dayOf(now, deps.tz);
  const fileName = `督办台账-${unit ? `${unit}-` : ''}${today}.${opts.format}`;
  if (opts.format === 'csv') return { data: ledgerCsv({ rows, tz: deps.tz }), fileName, rows: rows.length, unit };

  // The history sheet follows the same unit and date window (by the day the report was made).
  const inWindow = (p: HistoryRow) => {
    const day = dayOf(p.at, deps.tz);
    return (!unit || p.unitName === unit) && (!opts.from || day >= opts.from) && (!opts.to || day <= opts.to);
  };
  // Extension requests and decisions sit beside the reports, in time order.
  const history: HistoryRow[] = [...data.progress, ...extensionHistoryRows(data.extensions)].filter(inWindow).sort((a, b) => a.at.getTime() - b.at.getTime());
  const audit = await loadAuditRows(deps, data.units);
  // The evidence sheet follows the unit and date window too (by the day it was recorded).
  const files = evidence.filter((e) => {
    const day = dayOf(e.at, deps.tz);
    return (!unit || e.unitName === unit) && (!opts.from || day >= opts.from) && (!opts.to || day <= opts.to);
  });
  return { data: await ledgerXlsx({ rows, history, audit, evidence: files, tz: deps.tz }), fileName, rows: rows.length, unit };
}

/** Audit events plus every message the outbox sent: together, who did what, when, from where. */
export async function loadAuditRows(deps: SupervisionDeps, units: { name: string; chatId: string | null }[]): Promise<AuditRow[]> {
  // The whole record, whatever `now` says: nothing in it is hidden or dropped.
  const [events, sent] = await Promise.all([
    deps.db.auditEvent.findMany({ orderBy: { id: 'asc' } }),
    deps.db.outbox.findMany({ where: { status: 'sent' }, orderBy: { id: 'asc' } }),
  ]);
  const chatUnits = (chatId: string) => units.filter((u) => u.chatId === chatId).map((u) => u.name).join('、');
  const rows: AuditRow[] = [
    ...events.map((e) => ({
      at: e.at,
      actor: e.actor,
      action: ACTION_WORD[e.action] ? `${ACTION_WORD[e.action]}(${e.action})` : e.action,
      subject: e.subject,
      detail: e.detail === '{}' ? '' : e.detail,
      source: e.source,
    })),
    ...sent.map((o) => ({
      at: o.sentAt!,
      actor: 'duban',
      action: SENT_WORD[o.kind] ? `${SENT_WORD[o.kind]}(${o.kind})` : o.kind,
      subject: chatUnits(o.chatId) ? `${chatUnits(o.chatId)} ${o.chatId}` : o.chatId,
      detail: JSON.stringify({ outboxId: o.id, key: o.key, larkMessageId: o.larkMessageId }),
      source: 'scheduler',
    })),
  ];
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}
