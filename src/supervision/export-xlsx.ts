// The ledger workbook: 台账, 进展记录, 操作记录, 佐证材料. Chinese headers, frozen header row with a filter,
// column widths that fit their contents, days and instants as real Excel dates.
import type ExcelJS from 'exceljs';
import type { StatusLight } from '../schedule/status.ts';
import {
  AUDIT_COLUMNS,
  AUDIT_SHEET,
  EVIDENCE_COLUMNS,
  EVIDENCE_SHEET,
  HISTORY_COLUMNS,
  HISTORY_SHEET,
  LEDGER_COLUMNS,
  LEDGER_SHEET,
  dayAsDate,
  formatInstant,
  wallClock,
  type CellValue,
  type Column,
  type LedgerBook,
} from './ledger-columns.ts';
import { STATUS_WORD } from './status-words.ts';

// Long texts wrap instead of making a column wider than a screen.
const MAX_WIDTH = { text: 24, wrap: 60, int: 12, day: 12, instant: 17 } as const;
const MIN_WIDTH = 6;

// Light tints of the status colours: readable black text on every one.
const STATUS_FILL: Record<StatusLight, string> = {
  done: 'FFF0F1F3',
  'on-track': 'FFE4F7E0',
  blue: 'FFE1EAFF',
  yellow: 'FFFFF4CC',
  red: 'FFFDE2E2',
};
const FILL_BY_WORD = new Map(Object.entries(STATUS_WORD).map(([light, word]) => [word, STATUS_FILL[light as StatusLight]]));

/** Display width in Excel's character units: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

function shownText(v: CellValue, kind: Column<unknown>['kind'], tz: string): string {
  if (v === null) return '';
  if (v instanceof Date) return kind === 'instant' ? formatInstant(v, tz) : v.toISOString().slice(0, 10);
  return String(v);
}

function addSheet<R>(wb: ExcelJS.Workbook, name: string, columns: Column<R>[], rows: R[], tz: string): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => {
    const longest = rows.reduce((w, r) => Math.max(w, ...shownText(c.get(r), c.kind, tz).split('\n').map(displayWidth)), displayWidth(c.header));
    return { header: c.header, width: Math.max(MIN_WIDTH, Math.min(MAX_WIDTH[c.kind], longest + 2)) };
  });
  for (const r of rows) {
    ws.addRow(
      columns.map((c) => {
        const v = c.get(r);
        if (v === null) return null;
        if (c.kind === 'day') return dayAsDate(String(v));
        if (c.kind === 'instant' && v instanceof Date) return wallClock(v, tz);
        return v;
      }),
    );
  }
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle' };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (c.kind === 'day') col.numFmt = 'yyyy-mm-dd';
    if (c.kind === 'instant') col.numFmt = 'yyyy-mm-dd hh:mm';
    if (c.kind === 'wrap') col.alignment = { wrapText: true, vertical: 'top' };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

export async function ledgerXlsx(book: LedgerBook): Promise<Buffer> {
  // Loaded on demand: exceljs is large and a ledger is written rarely.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Duban 督办';
  addSheet(wb, LEDGER_SHEET, LEDGER_COLUMNS, book.rows, book.tz);
  // The status column carries its light as a tint, so red and yellow rows stand out when scrolling.
  const ws = wb.getWorksheet(LEDGER_SHEET)!;
  const statusCol = LEDGER_COLUMNS.findIndex((c) => c.header === '状态') + 1;
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const cell = row.getCell(statusCol);
    const argb = FILL_BY_WORD.get(String(cell.value));
    if (argb) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb } };
  });
  addSheet(wb, HISTORY_SHEET, HISTORY_COLUMNS, book.history, book.tz);
  addSheet(wb, AUDIT_SHEET, AUDIT_COLUMNS, book.audit, book.tz);
  addSheet(wb, EVIDENCE_SHEET, EVIDENCE_COLUMNS, book.evidence ?? [], book.tz);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
