// A task table (序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限), however it arrived (.docx, .xlsx, text), becomes
// the plan text the block reader already knows: "N.text" plus "牵头单位:" / "责任单位:" / "完成时限:" lines.
// Columns are found by the words of the header, never by position; a row merged across the table is a heading.

export type ColumnRole = 'number' | 'group' | 'text' | 'leader' | 'lead' | 'other' | 'responsible' | 'schedule' | 'note';

// First match wins, so the specific headers come before the generic "任务/内容"; 牵头领导 is a person, not a unit.
const HEADER_ROLES: [RegExp, ColumnRole][] = [
  [/^(?:序号|编号|序|号|项次)$/, 'number'],
  [/领导/, 'leader'],
  [/牵头/, 'lead'],
  [/配合|协办|参与|协助|协同/, 'other'],
  [/责任|主体|承办|负责|实施单位|单位|部门/, 'responsible'],
  [/时限|时间|进度|节点|期限|完成时/, 'schedule'],
  [/类别|领域|分类|板块|方面/, 'group'],
  [/任务|内容|措施|事项|举措|工作|指标|目标/, 'text'],
  [/备注|说明/, 'note'],
];

export const FIELD_LABEL: Partial<Record<ColumnRole, string>> = { lead: '牵头单位', other: '配合单位', responsible: '责任单位', schedule: '完成时限' };

/** The role of each header cell; "重点工作任务(杭州市2项牵头工作)" is a task column, whatever its note says. */
export function rolesOf(header: string[]): (ColumnRole | undefined)[] {
  return header.map((h) => {
    const name = h.replace(/\s+/g, '').replace(/[(（][^()（）]*[)）]/g, '');
    if (!name || name.length > 16) return undefined;
    return HEADER_ROLES.find(([re]) => re.test(name))?.[1];
  });
}

/** A header row: a number or task column and a column of units. */
export function isTaskHeader(cells: string[]): boolean {
  const roles = rolesOf(cells);
  const units = roles.some((r) => r === 'lead' || r === 'responsible' || r === 'other');
  return units && roles.some((r) => r === 'text') && roles.filter(Boolean).length >= 2 && roles.filter(Boolean).length >= cells.filter((c) => c.trim()).length - 1;
}

/** A labelled line inside a unit cell ("省牵头单位:省农业农村厅") is a field line of its own. */
const LABELLED = /^[\u4e00-\u9fff]{2,8}\s*[:：]/;

/** One row's cells (by role) as plan lines. `number` is the row's number, already decided by the caller. */
export function rowLines(number: number, header: string[], roles: (ColumnRole | undefined)[], row: string[]): string[] {
  const byRole = (role: ColumnRole, sep: string) =>
    row
      .map((c, i) => (roles[i] === role ? cellParagraphs(c).filter((p) => !LABELLED.test(p) || role === 'text').join(sep) : ''))
      .filter(Boolean)
      .join(sep);
  const lines = [`${number}.${byRole('text', '\n')}`];
  for (const [i, c] of row.entries()) {
    if (!c.trim()) continue;
    const role = roles[i];
    if (role === undefined || role === 'note' || role === 'leader') lines.push(`${header[i]?.replace(/\s+/g, '') || '备注'}:${c.replace(/\n/g, ' ')}`);
  }
  for (const role of ['lead', 'other', 'responsible', 'schedule'] as const) {
    const value = byRole(role, role === 'schedule' ? ',' : '、');
    if (value) lines.push(`${FIELD_LABEL[role]}:${value}`);
  }
  // Labelled paragraphs inside unit cells keep their own label.
  for (const [i, c] of row.entries()) {
    const role = roles[i];
    if (role === 'lead' || role === 'other' || role === 'responsible' || role === 'schedule') lines.push(...cellParagraphs(c).filter((p) => LABELLED.test(p)));
  }
  return lines;
}

function cellParagraphs(c: string): string[] {
  return c
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Rows as a grid (merged cells already repeated into every slot they cover) → plan lines. */
export function gridToPlanLines(grid: string[][]): string[] {
  const headerAt = grid.findIndex(isTaskHeader);
  if (headerAt < 0) return grid.flatMap((r) => [distinctCells(r).join(' '), '']); // not a task table: keep its words
  const header = grid[headerAt];
  const roles = rolesOf(header);
  const lines: string[] = grid.slice(0, headerAt).flatMap((r) => [distinctCells(r).join(' '), '']);
  let counter = 0;
  let group = '';
  for (const row of grid.slice(headerAt + 1)) {
    const distinct = distinctCells(row);
    if (distinct.length === 0) continue;
    if (isTaskHeader(row)) continue; // the header repeated (a table continued on a new page)
    // A row merged across the table is a heading ("一、…", "(二)…").
    if (distinct.length === 1 && row.length > 1 && row.every((c) => c === distinct[0] || c === '')) {
      lines.push(distinct[0].replace(/\n/g, ''), '');
      continue;
    }
    const groupText = row.filter((_, i) => roles[i] === 'group').join('');
    if (groupText && groupText !== group) {
      group = groupText;
      lines.push(groupText.replace(/\n/g, ''), '');
    }
    const n = /\d+/.exec(row.filter((_, i) => roles[i] === 'number').join(''))?.[0];
    counter = n ? Number(n) : counter + 1;
    lines.push(...rowLines(counter, header, roles, row), '');
  }
  return lines;
}

function distinctCells(row: string[]): string[] {
  return [...new Set(row.map((c) => c.trim()).filter(Boolean))];
}
