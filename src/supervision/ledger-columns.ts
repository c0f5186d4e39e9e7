// The workbook's three sheets as column lists (Chinese headers), shared by the xlsx and csv writers
// so both say the same thing in the same order.
import { inZone } from '../clock.ts';
import type { LedgerRow } from './ledger.ts';
import type { EvidenceRecord } from '../store/evidence-repo.ts';
import { ROLE_WORD, STATUS_WORD } from './status-words.ts';

/** day: a calendar day (YYYY-MM-DD); instant: a moment, shown in the configured zone. */
export type CellKind = 'text' | 'wrap' | 'int' | 'day' | 'instant';
export type CellValue = string | number | Date | null;

export interface Column<R> {
  header: string;
  kind: CellKind;
  get(row: R): CellValue;
}

const PROGRESS_WORD: Record<string, string> = { progress: '进行中', done: '已完成', blocked: '受阻' };
const VIA_WORD: Record<string, string> = { command: '群内命令', card: '卡片表单', reply: '回复提醒', console: '本地控制台', cli: '命令行' };

export const LEDGER_SHEET = '台账';
export const HISTORY_SHEET = '进展记录';
export const AUDIT_SHEET = '操作记录';
export const EVIDENCE_SHEET = '佐证材料';

export const LEDGER_COLUMNS: Column<LedgerRow>[] = [
  { header: '任务编号', kind: 'int', get: (r) => r.number },
  { header: '章节', kind: 'text', get: (r) => r.chapter },
  { header: '任务内容', kind: 'wrap', get: (r) => r.taskText },
  { header: '责任单位', kind: 'text', get: (r) => r.unitName },
  { header: '角色', kind: 'text', get: (r) => ROLE_WORD[r.role] },
  { header: '时间节点', kind: 'wrap', get: (r) => r.milestone },
  { header: '截止日期', kind: 'day', get: (r) => r.due },
  { header: '状态', kind: 'text', get: (r) => STATUS_WORD[r.status] },
  { header: '最新进展', kind: 'wrap', get: (r) => (r.latestStatus ? `${PROGRESS_WORD[r.latestStatus] ?? r.latestStatus}${r.latestText ? `：${r.latestText}` : ''}` : '') },
  { header: '进度(%)', kind: 'int', get: (r) => r.latestPercent },
  { header: '报送人', kind: 'text', get: (r) => r.latestBy },
  { header: '报送时间', kind: 'instant', get: (r) => r.latestAt },
  { header: '已发提醒(次)', kind: 'int', get: (r) => r.remindersSent },
  { header: '延期情况', kind: 'wrap', get: (r) => r.extension },
  { header: '佐证材料(件)', kind: 'int', get: (r) => r.evidenceCount },
];

/** A progress report, or an extension request or decision (status and via then say which, in words). */
export interface HistoryRow {
  at: Date;
  taskNumber: number;
  unitName: string;
  status: string;
  percent: number | null;
  text: string;
  reporterId: string;
  reporterName?: string | null;
  via: string;
  chatId?: string | null;
  milestoneKey?: string | null;
  occurrence?: string | null;
}

export const HISTORY_COLUMNS: Column<HistoryRow>[] = [
  { header: '报送时间', kind: 'instant', get: (r) => r.at },
  { header: '任务编号', kind: 'int', get: (r) => r.taskNumber },
  { header: '单位', kind: 'text', get: (r) => r.unitName },
  { header: '状态', kind: 'text', get: (r) => PROGRESS_WORD[r.status] ?? r.status },
  { header: '进度(%)', kind: 'int', get: (r) => r.percent },
  { header: '进展内容', kind: 'wrap', get: (r) => r.text },
  { header: '报送人', kind: 'text', get: (r) => r.reporterName || r.reporterId },
  { header: '报送人ID', kind: 'text', get: (r) => r.reporterId },
  { header: '渠道', kind: 'text', get: (r) => VIA_WORD[r.via] ?? r.via },
  { header: '群聊', kind: 'text', get: (r) => r.chatId ?? '' },
  { header: '对应节点', kind: 'text', get: (r) => [r.milestoneKey, r.occurrence].filter(Boolean).join(' ') },
];

/** An audit event, or a message the outbox sent (every reminder sent is part of the record). */
export interface AuditRow {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  detail: string;
  source: string;
}

export const AUDIT_COLUMNS: Column<AuditRow>[] = [
  { header: '时间', kind: 'instant', get: (r) => r.at },
  { header: '操作人', kind: 'text', get: (r) => r.actor },
  { header: '操作', kind: 'text', get: (r) => r.action },
  { header: '对象', kind: 'text', get: (r) => r.subject },
  { header: '详情', kind: 'wrap', get: (r) => r.detail },
  { header: '来源', kind: 'text', get: (r) => r.source },
];

const EVIDENCE_KIND_WORD: Record<string, string> = { file: '文件', image: '图片', link: '链接' };

/** Every piece of evidence: the files by name, size and sha256 (`evidence get ID` returns them), links by address. */
export const EVIDENCE_COLUMNS: Column<EvidenceRecord>[] = [
  { header: '编号', kind: 'int', get: (r) => r.id },
  { header: '任务编号', kind: 'int', get: (r) => r.taskNumber },
  { header: '单位', kind: 'text', get: (r) => r.unitName },
  { header: '名称', kind: 'wrap', get: (r) => r.name },
  { header: '类型', kind: 'text', get: (r) => `${EVIDENCE_KIND_WORD[r.kind] ?? r.kind}${r.contentType ? ` ${r.contentType}` : ''}` },
  { header: '大小(字节)', kind: 'int', get: (r) => r.size },
  { header: 'SHA-256', kind: 'text', get: (r) => r.sha256 ?? '' },
  { header: '链接', kind: 'text', get: (r) => r.url ?? '' },
  { header: '报送人', kind: 'text', get: (r) => r.reporterName || r.reporterId },
  { header: '报送时间', kind: 'instant', get: (r) => r.at },
];

/** The workbook's content, ready for either writer. */
export interface LedgerBook {
  rows: LedgerRow[];
  history: HistoryRow[];
  audit: AuditRow[];
  /** The 佐证材料 sheet. */
  evidence?: EvidenceRecord[];
  tz: string;
}

/** 'YYYY-MM-DD HH:mm' of an instant in the zone (csv, and width estimates). */
export function formatInstant(d: Date, tz: string): string {
  return inZone(d, tz).format('YYYY-MM-DD HH:mm');
}

/** The zone's wall-clock time as a UTC-fields Date: Excel has no zones, so it shows what the office's clock showed. */
export function wallClock(d: Date, tz: string): Date {
  const z = inZone(d, tz);
  return new Date(Date.UTC(z.year(), z.month(), z.date(), z.hour(), z.minute(), z.second()));
}

export function dayAsDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}
