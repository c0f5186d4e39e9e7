// mammoth's HTML for a .docx → plan text the parser reads. extractRawText flattens tables (each
// cell its own paragraph), so we walk <table><tr><td> instead: a task table row
// (序号|重点任务|牵头单位|配合单位|完成时限) becomes "N.text" plus "牵头单位:" / "配合单位:" /
// "完成时限:" lines. Merged cells (rowspan) are filled down, as the reader of the paper would.

type Role = 'number' | 'group' | 'text' | 'lead' | 'other' | 'responsible' | 'schedule';

// First match wins, so the specific headers come before the generic "任务/内容".
const HEADER_ROLES: [RegExp, Role][] = [
  [/^(?:序号|编号|序|号)$/, 'number'],
  [/牵头/, 'lead'],
  [/配合|协办|参与|协助/, 'other'],
  [/责任|主体|承办/, 'responsible'],
  [/时限|时间|进度|节点|期限/, 'schedule'],
  [/类别|领域|分类|板块|方面/, 'group'],
  [/任务|内容|措施|事项|举措|工作/, 'text'],
];

const FIELD_LABEL: Partial<Record<Role, string>> = { lead: '牵头单位', other: '配合单位', responsible: '责任单位', schedule: '完成时限' };

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
  const grid = toGrid(rows);
  const headerAt = grid.findIndex((r) => rolesOf(r).some((role) => role === 'lead' || role === 'responsible'));
  if (headerAt < 0) return grid.flatMap((r) => [r.filter(Boolean).join(' '), '']); // not a task table: keep its words
  const header = grid[headerAt];
  const roles = rolesOf(header);
  const lines: string[] = grid.slice(0, headerAt).flatMap((r) => [r.filter(Boolean).join(' '), '']);
  let counter = 0;
  let group = '';
  for (const row of grid.slice(headerAt + 1)) {
    const distinct = [...new Set(row.filter(Boolean))];
    if (distinct.length === 0) continue;
    // A row merged across the table is a heading ("一、…", "(二)…").
    if (distinct.length === 1 && row.length > 1 && row.every((c) => c === distinct[0] || c === '')) {
      lines.push(distinct[0].replace(/\n/g, ''), '');
      continue;
    }
    const byRole = (role: Role, sep: string) =>
      row
        .map((c, i) => (roles[i] === role ? c.split('\n').map((s) => s.trim()).filter(Boolean).join(sep) : ''))
        .filter(Boolean)
        .join(sep);
    const groupText = byRole('group', '');
    if (groupText && groupText !== group) {
      group = groupText;
      lines.push(groupText, '');
    }
    const n = /\d+/.exec(byRole('number', ''))?.[0];
    counter = n ? Number(n) : counter + 1;
    const extra = row
      .map((c, i) => (roles[i] === undefined && c ? `${header[i].trim() || '备注'}:${c.replace(/\n/g, ' ')}` : ''))
      .filter(Boolean);
    lines.push(`${counter}.${byRole('text', '\n')}`, ...extra);
    for (const role of ['lead', 'other', 'responsible', 'schedule'] as const) {
      const value = byRole(role, role === 'schedule' ? ',' : '、');
      if (value) lines.push(`${FIELD_LABEL[role]}:${value}`);
    }
    lines.push('');
  }
  return lines;
}

function rolesOf(header: string[]): (Role | undefined)[] {
  return header.map((h) => {
    const name = h.replace(/\s+/g, '');
    return HEADER_ROLES.find(([re]) => re.test(name))?.[1];
  });
}
