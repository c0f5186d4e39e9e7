// The ledger sheet as CSV (one sheet only: CSV has no second sheet). UTF-8 with a byte-order mark,
// because Excel on Windows reads a BOM-less CSV as the local code page and garbles the Chinese.
import { formatInstant, LEDGER_COLUMNS, type LedgerBook } from './ledger-columns.ts';

export const UTF8_BOM = '\uFEFF';

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function ledgerCsv(book: Pick<LedgerBook, 'rows' | 'tz'>): Buffer {
  const lines = [LEDGER_COLUMNS.map((c) => field(c.header)).join(',')];
  for (const r of book.rows) {
    lines.push(
      LEDGER_COLUMNS.map((c) => {
        const v = c.get(r);
        if (v === null) return '';
        if (v instanceof Date) return field(formatInstant(v, book.tz));
        return field(String(v));
      }).join(','),
    );
  }
  // RFC 4180 line ends; Excel is happy with either, other tools expect CRLF.
  return Buffer.from(UTF8_BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
