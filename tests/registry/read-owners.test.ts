// The owner words of plans outside labelled lines (issue 9).
import { describe, expect, it } from 'vitest';
import { FIRST_LEADS_RULE, isOwnerBracket, looksLikeUnit, readOwnerText } from '../../src/registry/read-owners.ts';
import { listNames } from '../../src/registry/unit-directory.ts';

const read = (s: string) => {
  const o = readOwnerText(s);
  const names = (xs: string[]) => xs.flatMap((x) => listNames(x)).map((n) => n.replace(/等$/, ''));
  return { lead: names(o.lead), responsible: names(o.responsible), other: names(o.other), schedule: o.schedule, standing: names(o.standing) };
};

describe('readOwnerText', () => {
  it.each([
    ['国家发展改革委、财政部负责', { lead: [], responsible: ['国家发展改革委', '财政部'], other: [] }],
    ['工业和信息化部会同有关部门负责', { lead: ['工业和信息化部'], responsible: [], other: ['有关部门'] }],
    ['公安部、民政部、司法部等按职责分工负责', { lead: [], responsible: ['公安部', '民政部', '司法部'], other: [] }],
    ['教育部、人力资源社会保障部等和各有关省级人民政府负责', { lead: [], responsible: ['教育部', '人力资源社会保障部', '各有关省级人民政府'], other: [] }],
    ['国家卫生健康委、国家医保局,各省级人民政府按职责分工负责', { lead: [], responsible: ['国家卫生健康委', '国家医保局', '各省级人民政府'], other: [] }],
    ['财政部牵头,国务院相关部门及各地区按职责分工负责', { lead: ['财政部'], responsible: ['国务院相关部门', '各地区'], other: [] }],
    ['省发展改革委牵头,各地、各部门配合', { lead: ['省发展改革委'], responsible: [], other: ['各地', '各部门'] }],
    ['省财政厅、省税务局牵头负责', { lead: ['省财政厅', '省税务局'], responsible: [], other: [] }],
    ['市发改委、市人力社保局、团市委配合落实', { lead: [], responsible: [], other: ['市发改委', '市人力社保局', '团市委'] }],
  ])('%s', (text, want) => {
    expect(read(text)).toMatchObject(want);
  });

  it('a schedule inside the bracket is a schedule, not a unit', () => {
    expect(read('国务院各部门分别负责,年内持续推进')).toMatchObject({ responsible: ['国务院各部门'], schedule: ['年内持续推进'] });
    expect(read('牵头单位以外,6月底完成')).toMatchObject({ schedule: ['6月底完成'] });
  });

  it('the lead rule and "下同" inside a bracket are not units', () => {
    expect(read('省市场监管局、省公安厅负责,列第一位者为牵头单位,下同')).toMatchObject({ responsible: ['省市场监管局', '省公安厅'], other: [], lead: [] });
  });

  it('a standing sentence adds its units to every later item', () => {
    expect(read('市工信局、市财政局。以下政策措施均需各县区人民政府、园区管委会落实,不再单独列出')).toMatchObject({
      responsible: ['市工信局', '市财政局'],
      standing: ['各县区人民政府', '园区管委会'],
    });
  });
});

describe('which brackets name owners', () => {
  it.each([
    ['国家发展改革委、财政部负责', true],
    ['省农业厅牵头', true],
    ['牵头单位:区司法局', false], // labelled: the block reader reads those itself
    ['X会同有关部门负责', true],
    ['地、州、盟', false],
    ['区审改办', false],
    ['由政府负责人牵头', false],
    ['逐项抓好落实', false],
    ['2022-2024', false],
    ['含', false],
  ])('(%s) → %s', (inner, owner) => {
    expect(isOwnerBracket(inner)).toBe(owner);
  });

  it('unit-shaped names versus cut or damaged ones', () => {
    for (const n of ['省发展改革委', '各街道(功能区)', '团市委', '人行合肥中心支行', '合肥海关', '市商务局(市粮食和物资储备局)', '各区、县(市)政府(管委会)', '全区经济运行各专班']) expect(looksLikeUnit(n), n).toBe(true);
    for (const n of ['区政', '发展改革', '王 健', '加快推进']) expect(looksLikeUnit(n), n).toBe(false);
  });
});

describe('the lead rule, in any wording', () => {
  it.each(['列第一位者为牵头单位,下同', '排在第一位的部门为牵头部门', '责任分解中,列第一位的责任单位为牵头单位或汇总单位', '各项任务第一个单位为牵头单位'])('%s', (s) => {
    expect(FIRST_LEADS_RULE.test(s)).toBe(true);
  });
  it('牵头 in prose is not a rule', () => {
    expect(FIRST_LEADS_RULE.test('各牵头部门要切实负起责任,由牵头单位商有关单位确定')).toBe(false);
  });
});

describe('listNames', () => {
  it('splits on 等 followed by more, 及 and 和各, and keeps 各区、县(市)政府 and 各省、自治区、直辖市人民政府 whole', () => {
    expect(listNames('市工信局、市财政局等有关部门,各县区人民政府')).toEqual(['市工信局', '市财政局', '有关部门', '各县区人民政府']);
    expect(listNames('国务院相关部门及各地区')).toEqual(['国务院相关部门', '各地区']);
    expect(listNames('市发改委,各区、县(市)政府(管委会)')).toEqual(['市发改委', '各区、县(市)政府(管委会)']);
    expect(listNames('各省、自治区、直辖市人民政府')).toEqual(['各省、自治区、直辖市人民政府']);
    expect(listNames('各地、各部门')).toEqual(['各地', '各部门']);
    expect(listNames('省工业和信息化厅、省文化和旅游厅')).toEqual(['省工业和信息化厅', '省文化和旅游厅']);
  });
});
