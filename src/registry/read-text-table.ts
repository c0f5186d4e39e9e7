// Task tables that reached us as text, after a copy from a web page or a PDF: rows on one line
// ("1 居民消费价格涨幅3%左右 发展改革委", tab- or "|"-separated), or one cell per line with blank lines or "|"
// lines between the cells. Both become the canonical item lines (task-table.ts), each tagged with the source
// line it came from, so messages still point at the document.
import { isTaskHeader, rolesOf, rowLines, type ColumnRole } from './task-table.ts';

export interface SourceLine {
  text: string;
  /** 1-based line in the document. */
  line: number;
}

const HEADER_HINT = /^(?:序号|编号)$|(?:序号|编号|任务|事项|内容|措施|举措|工作|指标).*(?:牵头|责任|负责|配合|单位|部门)/;
const NUMBER_CELL = /^(\d{1,4})\*?$/;
const GROUP_CELL = /^(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)/;
const LABELLED_CELL = /^[\u4e00-\u9fff]{2,8}\s*:/;

/** Replaces every text task table in `lines` by item lines; other lines pass through unchanged. */
export function expandTextTables(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let i = 0;
  while (i < lines.length) {
    // Only a line with header words can start a table; checking that first keeps the scan cheap.
    if (!HEADER_HINT.test(lines[i].text)) {
      out.push(lines[i]);
      i++;
      continue;
    }
    const one = oneLineTable(lines, i);
    if (one) {
      out.push(...one.lines);
      i = one.next;
      continue;
    }
    const cells = cellPerLineTable(lines, i);
    if (cells) {
      out.push(...cells.lines);
      i = cells.next;
      continue;
    }
    out.push(lines[i]);
    i++;
  }
  return out;
}

/** Splits a row line on tabs, "|" or runs of spaces; single CJK characters spaced out ("工 作 任 务") rejoin. */
function splitRow(text: string): string[] | undefined {
  let cells: string[];
  if (text.includes('\t')) cells = text.split('\t');
  else if (/\|/.test(text)) cells = text.split('|');
  else if (/\s/.test(text)) cells = text.split(/\s+/);
  else return undefined;
  cells = cells.map((c) => c.trim()).filter((c, k, all) => c || (k > 0 && k < all.length - 1));
  // "工 作 任 务": a run of single characters is one header word spaced out for the page.
  const merged: string[] = [];
  let spaced = false;
  for (const c of cells) {
    const single = /^[\u4e00-\u9fff]$/.test(c);
    if (single && spaced) merged[merged.length - 1] += c;
    else merged.push(c);
    spaced = single;
  }
  return merged.length >= 2 ? merged : undefined;
}

function oneLineTable(lines: SourceLine[], at: number): { lines: SourceLine[]; next: number } | undefined {
  const header = splitRow(lines[at].text);
  if (!header || header.length < 3 || !isTaskHeader(header)) return undefined;
  const roles = rolesOf(header);
  const out: SourceLine[] = [];
  let i = at + 1;
  for (; i < lines.length; i++) {
    const { text, line } = lines[i];
    if (!text) {
      out.push({ text: '', line });
      continue;
    }
    const row = splitRow(text);
    const n = row && NUMBER_CELL.exec(row[0]);
    if (row && n) {
      out.push(...place(Number(n[1]), header, roles, fit(row.slice(1), roles.slice(1)), line), { text: '', line });
      continue;
    }
    if (GROUP_CELL.test(text) && text.length <= 40) {
      out.push({ text, line }, { text: '', line });
      continue;
    }
    break;
  }
  return { lines: out, next: i };
}

/**
 * Cells after the number, fitted to the header's columns: one each when the counts match; with fewer, the
 * leftmost columns (the task text first); with more, the extra cells are paragraphs of the task text.
 */
function fit(cells: string[], roles: (ColumnRole | undefined)[]): string[] {
  if (cells.length <= roles.length) return cells;
  const textAt = Math.max(0, roles.indexOf('text'));
  const extra = cells.length - roles.length;
  return [...cells.slice(0, textAt), cells.slice(textAt, textAt + extra + 1).join('\n'), ...cells.slice(textAt + extra + 1)];
}

function place(number: number, header: string[], roles: (ColumnRole | undefined)[], cells: string[], line: number): SourceLine[] {
  const row = ['', ...cells];
  while (row.length < header.length) row.push('');
  const out = rowLines(number, header, roles, row);
  return out.map((text) => ({ text, line }));
}

/**
 * One cell per line: a "序号" line, then the other header cells, each alone, separated by blank lines or "|"
 * lines (a cell is a run of lines between separators). Rows start at a number cell; "(一)…" cells are
 * headings; "省牵头单位:X" cells are field lines of the row. The table ends at the first cell that fits none
 * of these once a row is complete.
 */
function cellPerLineTable(lines: SourceLine[], at: number): { lines: SourceLine[]; next: number } | undefined {
  if (!HEADER_START.test(lines[at].text)) return undefined;
  let cursor = at;
  const peek = () => nextCell(lines, cursor);
  const take = () => {
    const c = nextCell(lines, cursor);
    if (c) cursor = c.end + 1;
    return c;
  };
  const readHeader = (): string[] | undefined => {
    const header: string[] = [];
    for (let c = peek(); c && header.length < 8; c = peek()) {
      if (header.length > 0 && (NUMBER_CELL.test(c.text) || GROUP_CELL.test(c.text) || rolesOf([c.text])[0] === undefined)) break;
      header.push(c.text);
      take();
    }
    return header.length >= 3 && isTaskHeader(header) ? header : undefined;
  };
  let header = readHeader();
  if (!header) return undefined;
  let roles = rolesOf(header);
  let done = cursor;
  const out: SourceLine[] = [];
  for (let cell = peek(); cell; cell = peek()) {
    if (HEADER_START.test(cell.text)) {
      const again = readHeader();
      if (!again) break;
      header = again;
      roles = rolesOf(header);
      done = cursor;
      continue;
    }
    if (GROUP_CELL.test(cell.text) && cell.text.length <= 60) {
      take();
      out.push({ text: cell.text, line: cell.line }, { text: '', line: cell.line });
      done = cursor;
      continue;
    }
    const n = NUMBER_CELL.exec(cell.text);
    if (!n) break;
    take();
    const rowCells: Cell[] = [];
    const labelled: SourceLine[] = [];
    for (let c = peek(); c; c = peek()) {
      if (NUMBER_CELL.test(c.text) || GROUP_CELL.test(c.text) || HEADER_START.test(c.text)) break;
      const full = rowCells.length >= header.length - 1;
      if (LABELLED_CELL.test(c.text) && rowCells.length >= 2) labelled.push({ text: c.text, line: c.line });
      else if (!full) rowCells.push(c);
      else break;
      take();
    }
    const placed = place(Number(n[1]), header, roles, fit(rowCells.map((c) => c.text), roles.slice(1)), cell.line);
    const unitLine = rowCells[rowCells.length - 1]?.line ?? cell.line;
    out.push(...placed.map((p, j) => (j === 0 ? p : { ...p, line: unitLine })), ...labelled, { text: '', line: cell.line });
    done = cursor;
  }
  return { lines: out, next: done };
}

const HEADER_START = /^(?:序号|编号)$/;

interface Cell {
  text: string;
  line: number;
  /** Index in `lines` of the cell's last line. */
  end: number;
}

const SEPARATOR = /^\|?$/;

/** The next cell from index `from`: a run of non-separator lines ("|" lines and blank lines separate cells). */
function nextCell(lines: SourceLine[], from: number): Cell | undefined {
  let i = from;
  while (i < lines.length && SEPARATOR.test(lines[i].text.trim())) i++;
  if (i >= lines.length) return undefined;
  const parts: string[] = [];
  const line = lines[i].line;
  let end = i;
  while (i < lines.length && !SEPARATOR.test(lines[i].text.trim())) {
    parts.push(lines[i].text.replace(/^\|\s*|\s*\|$/g, '').trim());
    end = i;
    i++;
  }
  return { text: parts.join('\n'), line, end };
}
