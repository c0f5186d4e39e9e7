// Task tables that arrive as text (issue 9): rows on one line, or one cell per line.
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/registry/parse-plan.ts';

const rows = (text: string) => parsePlan(text).tasks.map((t) => [t.number, t.text, t.leadUnits, t.otherUnits, t.schedule]);

describe('text tables', () => {
  it.each([
    ['spaces, a spaced-out header word', '序号 工 作 任 务 牵头负责部门\n1 居民消费价格涨幅3%左右 发展改革委\n2 城镇新增就业1000万人以上 人力资源社会保障部'],
    ['tabs', '序号\t工作任务\t牵头负责部门\n1\t居民消费价格涨幅3%左右\t发展改革委\n2\t城镇新增就业1000万人以上\t人力资源社会保障部'],
    ['pipes', '| 序号 | 工作任务 | 牵头负责部门 |\n| 1 | 居民消费价格涨幅3%左右 | 发展改革委 |\n| 2 | 城镇新增就业1000万人以上 | 人力资源社会保障部 |'],
  ])('one row per line (%s)', (_name, text) => {
    expect(rows(text)).toEqual([
      [1, '居民消费价格涨幅3%左右', ['发展改革委'], [], ''],
      [2, '城镇新增就业1000万人以上', ['人力资源社会保障部'], [], ''],
    ]);
  });

  it('five columns: 牵头单位, 责任单位 and 完成时限 found by their words, in any order', () => {
    const want = { leadUnits: ['市委编办'], otherUnits: ['市司法局', '市财政局'], milestones: [expect.objectContaining({ due: '2023-06-30' })] };
    expect(parsePlan(['序号 重点任务 牵头单位 责任单位 完成时限', '1 完善权责清单 市委编办 市司法局、市财政局 2023年6月底前'].join('\n')).tasks[0]).toMatchObject(want);
    expect(parsePlan(['序号 完成时限 牵头单位 重点任务 责任单位', '1 2023年6月底前 市委编办 完善权责清单 市司法局、市财政局'].join('\n')).tasks[0]).toMatchObject({ ...want, text: '完善权责清单' });
  });

  it('one cell per line, blank lines between, group rows as sections and a labelled cell as a field', () => {
    const text = ['序号', '', '重点工作任务(杭州市2项配合工作)', '', '责任单位', '', '(一)王宏副市长牵头重点工作', '', '1', '', '加强粮食保障。', '', '市农业农村局、市商务局', '', '省牵头单位:省农业农村厅', '', '2', '', '实施消费新政。', '', '市商务局、市发改委'].join('\n');
    const plan = parsePlan(text);
    expect(plan.tasks.map((t) => [t.number, t.section, t.leadUnits, t.otherUnits])).toEqual([
      [1, '王宏副市长牵头重点工作', ['省农业农村厅'], ['市农业农村局', '市商务局']],
      [2, '王宏副市长牵头重点工作', ['市商务局', '市发改委'], []],
    ]);
    expect(plan.tasks[1].line).toBe(17); // lines point at the document, not at the rewritten table
  });

  it('one cell per line with "|" lines between; prose after the table is not a row', () => {
    const text = ['序号', '|', '重点工作任务', '|', '责任单位', '|', '1', '|', '加快钱塘江金融港湾建设。', '|', '市地方金融监管局', '|', '', '各单位要抓好落实。'].join('\n');
    expect(rows(text)).toEqual([[1, '加快钱塘江金融港湾建设。', ['市地方金融监管局'], [], '']]);
  });

  it('a page\'s metadata in "|" cells is no task table', () => {
    expect(parsePlan('发布单位 |\n广东省人民政府\n|\n发布文号 | 粤府〔2021〕22号 |\n1.地区生产总值增长6%以上。\n部门分工:省发展改革委牵头').tasks.map((t) => t.number)).toEqual([1]);
  });
});
