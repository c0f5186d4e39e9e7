// mammoth's HTML for a .docx → plan text the parser reads. extractRawText flattens tables (each
// cell its own paragraph), so we walk <table><tr><td> instead: a task table row
// (序号|重点任务|牵头单位|配合单位|完成时限) becomes "N.text" plus "牵头单位:" / "配合单位:" /
// "完成时限:" lines. Merged cells (rowspan) are filled down, as the reader of the paper would.

import { gridToPlanLines } from './task-table.ts';

interface Cell {
  paragraphs: string[];
  colspan: number;
  rowspan: number;
}

type Block = { kind: 'para'; text: string } | { kind: 'table'; rows: Cell[][] };

export function docxHtmlToText(html: string): string {
  return readBlocks(html)
    .flatMap((b) => (b.kind === 'para' ? [b.text, ''] : tableLines(b.rows)))
    .join('\n');
}

function readBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  const tables: { rows: Cell[][] }[] = [];
  let para: string | undefined;
  const lists: { ordered: boolean }[] = [];
  const counts: number[] = [];
  const tokens = html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>|([^<]+)/g);
  for (const t of tokens) {
    const [, closing, tagRaw, attrs, textRaw] = t;
    if (textRaw !== undefined) {
      if (para !== undefined) para += decodeEntities(textRaw);
      continue;
    }
    const tag = tagRaw.toLowerCase();
    const table = tables[tables.length - 1];
    if (tag === 'table' && !closing) {
      tables.push({ rows: [] });
    } else if (tag === 'table' && closing) {
      const done = tables.pop();
      if (done && tables.length === 0) blocks.push({ kind: 'table', rows: done.rows });
      else if (done) lastCell(tables[tables.length - 1])?.paragraphs.push(...done.rows.flat().flatMap((c) => c.paragraphs)); // nested table: flatten into the cell
    } else if (tag === 'tr' && !closing && table) {
      table.rows.push([]);
    } else if ((tag === 'td' || tag === 'th') && !closing && table) {
      table.rows[table.rows.length - 1]?.push({ paragraphs: [], colspan: spanOf(attrs, 'colspan'), rowspan: spanOf(attrs, 'rowspan') });
    } else if (tag === 'ol' || tag === 'ul') {
      // Word's automatic numbering is not text; mammoth gives <ol><li>, so the number is restored here.
      // mammoth opens a new <ol> after every non-list paragraph while Word's count runs on, so the
      // count per nesting level survives the list's end.
      if (!closing) lists.push({ ordered: tag === 'ol' });
      else lists.pop();
    } else if (/^(?:p|h[1-6]|li)$/.test(tag)) {
      const list = lists[lists.length - 1];
      if (!closing && tag === 'li' && list?.ordered) {
        const depth = lists.length - 1;
        counts.length = depth + 1;
        counts[depth] = (counts[depth] ?? 0) + 1;
        para = `${counts[depth]}.`;
      }
      else if (!closing && tag === 'p' && para !== undefined) continue; // <li><p>: keep the number
      else if (!closing) para = '';
      else if (para !== undefined) {
        const text = para.trim();
        para = undefined;
        if (!text) continue;
        const cell = table && lastCell(table);
        if (cell) cell.paragraphs.push(text);
        else if (!table) blocks.push({ kind: 'para', text });
      }
    } else if (tag === 'br' && para !== undefined) {
      para += '\n';
    }
  }
  return blocks;
}

function lastCell(table: { rows: Cell[][] }): Cell | undefined {
  const row = table.rows[table.rows.length - 1];
  return row?.[row.length - 1];
}

function spanOf(attrs: string, name: string): number {
  const m = new RegExp(`${name}="(\\d+)"`).exec(attrs);
  return m ? Math.max(1, Number(m[1])) : 1;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** Rows as a grid of cell texts, with rowspan/colspan cells repeated into every slot they cover. */
function toGrid(rows: Cell[][]): string[][] {
  const grid: string[][] = [];
  const carry: { text: string; left: number }[] = [];
  for (const row of rows) {
    const out: string[] = [];
    let col = 0;
    const takeCarried = () => {
      while (carry[col]?.left > 0) {
        out[col] = carry[col].text;
        carry[col].left--;
        col++;
      }
    };
    for (const cell of row) {
      takeCarried();
      const text = cell.paragraphs.join('\n');
      for (let k = 0; k < cell.colspan; k++) {
        out[col] = text;
        if (cell.rowspan > 1) carry[col] = { text, left: cell.rowspan - 1 };
        col++;
      }
    }
    takeCarried();
    grid.push(Array.from(out, (c) => c ?? ''));
  }
  return grid;
}

function tableLines(rows: Cell[][]): string[] {
  return gridToPlanLines(toGrid(rows));
}
