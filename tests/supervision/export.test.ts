// The ledger export re-opened as a user would: exceljs for the workbook, plain bytes for the csv.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { exportLedger } from '../../src/jobs/export-ledger.ts';
import { AppError } from '../../src/errors.ts';
import { makeLedgerWorld, LEDGER_NOW } from './ledger-world.ts';
import type { World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await makeLedgerWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const HEADERS = ['任务编号', '章节', '任务内容', '责任单位', '角色', '时间节点', '截止日期', '状态', '最新进展', '进度(%)', '报送人', '报送时间', '已发提醒(次)', '延期情况', '佐证材料(件)'];

async function workbook(opts: Parameters<typeof exportLedger>[1] = { format: 'xlsx' }) {
  const r = await exportLedger(w.deps, opts, LEDGER_NOW);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.data as unknown as ArrayBuffer);
  return { r, wb };
}

const rowsOf = (ws: ExcelJS.Worksheet) => {
  const out: ExcelJS.CellValue[][] = [];
  ws.eachRow((row, n) => {
    if (n > 1) out.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  return out;
};

describe('xlsx', () => {
  it('has the three sheets, Chinese headers, a frozen header row and one row per task × unit × occurrence', async () => {
    const { r, wb } = await workbook();
    expect(r.fileName).toBe('督办台账-2026-03-05.xlsx');
    expect(wb.worksheets.map((s) => s.name)).toEqual(['台账', '进展记录', '操作记录', '佐证材料']);
    const ledger = wb.getWorksheet('台账')!;
    expect((ledger.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(ledger.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // 5: 1 unit; 12: 2; 30: 2 (this quarter); 68: 5 units × (2026-03-01, 2027-03-01, 2026-04-01).
    expect(r.rows).toBe(20);
    expect(rowsOf(ledger)).toHaveLength(20);
  });

  it('writes due days and report times as dates, with the status, latest progress and reminders sent', async () => {
    const { wb } = await workbook();
    const rows = rowsOf(wb.getWorksheet('台账')!);
    const late = rows.find((x) => x[0] === 68 && x[3] === '区政府办' && (x[6] as Date).toISOString().startsWith('2026-03-01'))!;
    expect(late[4]).toBe('牵头');
    expect(late[5]).toBe('完成上一年度法治政府建设情况报告');
    expect(late[6]).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(late[7]).toBe('逾期');
    expect(late[8] ?? '').toBe(''); // never reported
    const reminders = await w.app.db.reminder.count({ where: { kind: { in: ['reminder', 'overdue'] }, occurrence: '2026-03-01', unitId: (await w.app.db.unit.findUniqueOrThrow({ where: { name: '区政府办' } })).id } });
    expect(late[12]).toBe(reminders);
    expect(reminders).toBeGreaterThan(2);

    const five = rows.find((x) => x[0] === 5)!;
    expect(five.slice(7, 12)).toEqual(['临近截止', '进行中：目录初稿已完成, 待"审议"', 60, '区司法局联络员', new Date('2026-03-03T15:00:00Z')]);
    const ws = wb.getWorksheet('台账')!;
    expect(ws.getColumn(7).numFmt).toBe('yyyy-mm-dd');
    expect(ws.getColumn(12).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ws.getColumn(3).width).toBeLessThanOrEqual(60); // long task text wraps
    expect(ws.getColumn(4).width).toBeGreaterThanOrEqual(10); // fits 区政府办 (4 wide characters)
  });

  it('keeps the full progress history and the audit record (bindings, reports, messages sent)', async () => {
    const { wb } = await workbook();
    const history = rowsOf(wb.getWorksheet('进展记录')!);
    expect(history.map((x) => `${x[1]} ${x[2]} ${x[3]} ${x[4] ?? ''}`)).toEqual(['68 区司法局 已完成 100', '5 区司法局 进行中 60']);
    const audit = rowsOf(wb.getWorksheet('操作记录')!).map((x) => String(x[2]));
    expect(audit).toContain('绑定群聊(bind)');
    expect(audit).toContain('报送进展(progress)');
    expect(audit).toContain('发送提醒(reminders)');
    expect(audit).toContain('发送督办日报(office)');
  });

  it('filters by unit (any spelling), status and due-date window', async () => {
    const byUnit = rowsOf((await workbook({ format: 'xlsx', unit: '司法局' })).wb.getWorksheet('台账')!);
    expect(new Set(byUnit.map((x) => x[3]))).toEqual(new Set(['区司法局']));
    expect(byUnit.map((x) => x[0])).toEqual([5, 12, 30, 68, 68, 68]);
    const red = rowsOf((await workbook({ format: 'xlsx', status: 'red' })).wb.getWorksheet('台账')!);
    expect(red.map((x) => `${x[0]} ${x[3]}`).sort()).toEqual(['68 区委办', '68 区政府办', '68 城南街道', '68 城关镇'].sort());
    const window = rowsOf((await workbook({ format: 'xlsx', from: '2026-03-01', to: '2026-03-31' })).wb.getWorksheet('台账')!);
    expect(new Set(window.map((x) => (x[6] as Date).toISOString().slice(0, 10)))).toEqual(new Set(['2026-03-01', '2026-03-10', '2026-03-31']));
  });

  it('names an unknown unit', async () => {
    await expect(exportLedger(w.deps, { format: 'xlsx', unit: '不存在局' }, LEDGER_NOW)).rejects.toThrow(AppError);
    await expect(exportLedger(w.deps, { format: 'xlsx', unit: '不存在局' }, LEDGER_NOW)).rejects.toThrow('export: no unit matches "不存在局" (see: units list)');
  });
});

describe('csv', () => {
  it('starts with a UTF-8 BOM and holds the same rows as the 台账 sheet', async () => {
    const csv = await exportLedger(w.deps, { format: 'csv' }, LEDGER_NOW);
    expect([...csv.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.data.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(HEADERS.join(','));
    expect(lines).toHaveLength(21);
    expect(lines.find((l) => l.startsWith('5,'))).toContain(',2026-03-10,临近截止,"进行中：目录初稿已完成, 待""审议""",60,区司法局联络员,2026-03-03 15:00,');
  });
});
