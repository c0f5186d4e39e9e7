import { Document, Packer, Paragraph, Table, TableCell, TableRow, VerticalMergeType } from 'docx';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { extractPlanText } from '../../src/registry/extract-text.ts';
import { parsePlan } from '../../src/registry/parse-plan.ts';

const cell = (text: string, opts: Partial<ConstructorParameters<typeof TableCell>[0]> = {}) =>
  new TableCell({ children: text.split('\n').map((p) => new Paragraph(p)), ...opts });

/** A 任务分工 table as ministries publish it: a header row, a merged chapter row, a merged 牵头单位 cell. */
async function taskTableDocx(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph('福清市2023年法治政府建设重点任务分工'),
          new Table({
            rows: [
              new TableRow({ children: ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'].map((t) => cell(t)) }),
              new TableRow({ children: [cell('一、依法全面履行政府职能', { columnSpan: 5 })] }),
              new TableRow({
                children: [
                  cell('1'),
                  cell('全面实行政府权责清单制度。\n建立清单动态调整机制。'),
                  cell('市委编办', { verticalMerge: VerticalMergeType.RESTART }),
                  cell('市司法局\n市财政局'),
                  cell('2023年6月底前'),
                ],
              }),
              new TableRow({
                children: [cell('2'), cell('深化“放管服”改革。'), cell('', { verticalMerge: VerticalMergeType.CONTINUE }), cell('各乡镇（街道）'), cell('持续推进')],
              }),
              new TableRow({ children: [cell('3'), cell('推进“一件事一次办”。'), cell('市行政服务中心'), cell(''), cell('二〇二三年十二月底前')] }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

describe('extractPlanText: text files', () => {
  it('reads UTF-8 (with or without BOM)', async () => {
    expect(await extractPlanText(Buffer.from('\uFEFF1.任务\n责任单位:区司法局'), 'plan.txt')).toBe('1.任务\n责任单位:区司法局');
    expect(await extractPlanText(Buffer.from('# 方案'), 'plan.md')).toBe('# 方案');
  });

  it('rejects binary content with a sentence naming the file', async () => {
    const err = await extractPlanText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), 'plan.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'plan-binary', message: expect.stringMatching(/^plan\.txt: .*binary/) });
  });

  it('rejects text that is not UTF-8 (GBK)', async () => {
    const gbk = Buffer.from([0xbd, 0xfa, 0xb0, 0xb2, 0xc7, 0xf8]); // 晋安区 in GBK
    await expect(extractPlanText(gbk, '方案.txt')).rejects.toMatchObject({ code: 'plan-binary', message: expect.stringContaining('UTF-8') });
  });

  it('rejects an empty document', async () => {
    await expect(extractPlanText(Buffer.from(' \n\u3000\n'), 'empty.txt')).rejects.toMatchObject({ code: 'plan-empty', message: expect.stringContaining('empty.txt') });
  });

  it('refuses .doc and unknown formats with what to do instead', async () => {
    await expect(extractPlanText(Buffer.from('x'), 'old.doc')).rejects.toMatchObject({ code: 'plan-format', message: expect.stringContaining('.docx') });
    await expect(extractPlanText(Buffer.from('x'), 'plan.pdf')).rejects.toMatchObject({ code: 'plan-format' });
  });
});

describe('extractPlanText: .docx', () => {
  it('turns each task table row into a numbered item with field lines', async () => {
    const text = await extractPlanText(await taskTableDocx(), 'plan.docx');
    expect(text).toContain('一、依法全面履行政府职能');
    expect(text).toContain('1.全面实行政府权责清单制度。\n建立清单动态调整机制。\n牵头单位:市委编办\n配合单位:市司法局、市财政局\n完成时限:2023年6月底前');
    // The merged 牵头单位 cell applies to row 2 as well.
    expect(text).toContain('2.深化“放管服”改革。\n牵头单位:市委编办\n配合单位:各乡镇（街道）\n完成时限:持续推进');
  });

  it('the parser reads the table as tasks', async () => {
    const plan = parsePlan(await extractPlanText(await taskTableDocx(), 'plan.docx'));
    expect(plan.tasks.map((t) => ({ n: t.number, chapter: t.chapter, lead: t.leadUnits, other: t.otherUnits, due: t.milestones.map((m) => (m.kind === 'once' ? m.due : m.kind)) }))).toEqual([
      { n: 1, chapter: '一、依法全面履行政府职能', lead: ['市委编办'], other: ['市司法局', '市财政局'], due: ['2023-06-30'] },
      { n: 2, chapter: '一、依法全面履行政府职能', lead: ['市委编办'], other: ['各乡镇(街道)'], due: ['continuous'] },
      { n: 3, chapter: '一、依法全面履行政府职能', lead: ['市行政服务中心'], other: [], due: ['2023-12-31'] },
    ]);
    expect(plan.tasks[0].text).toBe('全面实行政府权责清单制度。\n建立清单动态调整机制。');
  });

  it('a damaged .docx is a clear error', async () => {
    await expect(extractPlanText(Buffer.from('PK\u0003\u0004 not really a zip'), 'plan.docx')).rejects.toMatchObject({
      code: 'plan-unreadable',
      message: expect.stringMatching(/^plan\.docx: not a readable \.docx/),
    });
  });
});

describe('extractPlanText: Word automatic numbering', () => {
  it('restores the numbers of a numbered list', async () => {
    const { LevelFormat } = await import('docx');
    const doc = new Document({
      numbering: { config: [{ reference: 'tasks', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.' }] }] },
      sections: [
        {
          children: [
            new Paragraph({ text: '推进政务公开。', numbering: { reference: 'tasks', level: 0 } }),
            new Paragraph('责任单位:区政府办'),
            new Paragraph({ text: '规范执法行为。', numbering: { reference: 'tasks', level: 0 } }),
            new Paragraph('责任单位:区司法局'),
          ],
        },
      ],
    });
    const text = await extractPlanText(await Packer.toBuffer(doc), 'list.docx');
    expect(parsePlan(text).tasks.map((t) => [t.number, t.text, t.leadUnits[0]])).toEqual([
      [1, '推进政务公开。', '区政府办'],
      [2, '规范执法行为。', '区司法局'],
    ]);
  });
});

describe('extractPlanText: .xlsx 分工表 (issue 9)', () => {
  /** A 分工表 as offices keep them: a title above the header, a merged chapter row, a merged 牵头单位 cell, a date cell. */
  async function taskSheet(): Promise<Buffer> {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('分工表');
    ws.addRow(['福清市2023年法治政府建设重点任务分工表']);
    ws.mergeCells(1, 1, 1, 5);
    ws.addRow([]);
    ws.addRow(['完成时限', '序号', '重点任务', '牵头单位', '配合单位']);
    ws.addRow(['一、依法全面履行政府职能', '一、依法全面履行政府职能', '一、依法全面履行政府职能', '一、依法全面履行政府职能', '一、依法全面履行政府职能']);
    ws.mergeCells(4, 1, 4, 5);
    ws.addRow([new Date(Date.UTC(2023, 5, 30)), 1, '全面实行政府权责清单制度。', '市委编办', '市司法局、市财政局']);
    ws.addRow(['持续推进', 2, '深化“放管服”改革。', null, '各乡镇（街道）']);
    ws.mergeCells(5, 4, 6, 4); // 市委编办 leads both rows
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('finds the header by its words (row 3, columns in any order) and fills merged cells', async () => {
    const plan = parsePlan(await extractPlanText(await taskSheet(), '分工表.xlsx'));
    expect(plan.tasks.map((t) => ({ n: t.number, chapter: t.chapter, lead: t.leadUnits, other: t.otherUnits, due: t.milestones.map((m) => (m.kind === 'once' ? m.due : m.kind)) }))).toEqual([
      { n: 1, chapter: '一、依法全面履行政府职能', lead: ['市委编办'], other: ['市司法局', '市财政局'], due: ['2023-06-30'] },
      { n: 2, chapter: '一、依法全面履行政府职能', lead: ['市委编办'], other: ['各乡镇(街道)'], due: ['continuous'] },
    ]);
  });

  it('refuses .xls and a damaged .xlsx with what to do', async () => {
    await expect(extractPlanText(Buffer.from('x'), 'old.xls')).rejects.toMatchObject({ code: 'plan-format', message: expect.stringContaining('.xlsx') });
    await expect(extractPlanText(Buffer.from('PK\u0003\u0004 nope'), 'plan.xlsx')).rejects.toMatchObject({ code: 'plan-unreadable', message: expect.stringMatching(/^plan\.xlsx: not a readable \.xlsx/) });
  });
});

describe('extractPlanText: a labelled paragraph inside a unit cell (issue 9)', () => {
  it('"省牵头单位:…" in the 责任单位 cell is a field line of its own', async () => {
    const doc = new Document({
      sections: [
        {
          children: [
            new Table({
              rows: [
                new TableRow({ children: ['序号', '重点工作任务', '责任单位'].map((t) => cell(t)) }),
                new TableRow({ children: [cell('1'), cell('加强粮食保障。'), cell('市农业农村局、市商务局\n省牵头单位:省农业农村厅')] }),
              ],
            }),
          ],
        },
      ],
    });
    const plan = parsePlan(await extractPlanText(await Packer.toBuffer(doc), 'plan.docx'));
    expect(plan.tasks.map((t) => [t.leadUnits, t.otherUnits])).toEqual([[['省农业农村厅'], ['市农业农村局', '市商务局']]]);
  });
});
