import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createUnitDirectory, resolveUnit, splitUnitList, UnitDirectoryFileSchema } from '../../src/registry/unit-directory.ts';

const seed = createUnitDirectory(
  UnitDirectoryFileSchema.parse(JSON.parse(fs.readFileSync(new URL('../../data/units.json', import.meta.url), 'utf8'))),
);

describe('data/units.json', () => {
  it('is valid and has the collectives and the supervising office', () => {
    const byName = new Map(seed.units.map((u) => [u.name, u]));
    expect(byName.get('各乡镇(街道)')).toMatchObject({
      collective: true,
      members: ['王庄街道', '象园街道', '茶园街道', '鼓山镇', '新店镇', '岳峰镇', '宦溪镇', '寿山乡', '日溪乡'],
    });
    for (const c of ['有关部门', '区政府各部门', '区直各有关部门']) expect(byName.get(c)).toMatchObject({ collective: true, members: [] });
    // The office under the plan's own name; what people call it are aliases.
    expect(byName.get('区委依法治区办')?.aliases).toEqual(expect.arrayContaining(['依法治办', '依法治区办', '委依法治办']));
    expect(byName.has('依法治办')).toBe(false);
    // One office with two plates, as the plan writes it.
    expect(byName.get('区委宣传部')?.aliases).toEqual(expect.arrayContaining(['区委网信办']));
    expect(byName.has('区委网信办')).toBe(false);
  });
});

describe('resolveUnit', () => {
  it.each([
    ['司法局', '区司法局'],
    ['区司法局', '区司法局'],
    ['政府办', '区政府办'],
    ['发改', '区发改局'],
    ['区大数据局', '区发改局'],
    ['区审改办', '区发改局'],
    ['乡镇(街道)', '各乡镇(街道)'],
    ['各乡镇（街道）', '各乡镇(街道)'], // full-width parentheses
    ['委依法治办', '区委依法治区办'],
    ['依法治办', '区委依法治区办'],
    ['区委网信办', '区委宣传部'],
    ['直各有关部门', '区直各有关部门'], // 区 lost in the scrape
  ])('%s → %s', (written, canonical) => {
    expect(resolveUnit(seed, written)).toBe(canonical);
  });

  it('returns null for a name it does not know', () => {
    expect(resolveUnit(seed, '发改晋安公安局')).toBeNull();
  });
});

describe('splitUnitList', () => {
  it.each([
    ['委编办、政府办', ['区委编办', '区政府办']],
    ['市场监管局、人社局、司法局,各乡镇(街道)有关部门', ['区市场监管局', '区人社局', '区司法局', '各乡镇(街道)', '有关部门']],
    ['发改局(区审改办)市场监管局、司法局、商务局', ['区发改局', '区市场监管局', '区司法局', '区商务局']],
    ['区发改局(区大数据局、区审改办)', ['区发改局']],
    ['发改商务局、市场监管局', ['区发改局', '区商务局', '区市场监管局']],
    ['乡镇(街道)区政府各部门', ['各乡镇(街道)', '区政府各部门']],
    ['各乡镇(街道)福兴经济开发区、金城投资区', ['各乡镇(街道)', '福兴经济开发区', '金城投资区']],
    ['区委宣传部(区委网信办)', ['区委宣传部']],
  ])('%s', (text, units) => {
    expect(splitUnitList(seed, text)).toMatchObject({ units, unknown: [] });
  });

  it('keeps a name that only partly matches whole, and says which part it recognised', () => {
    const r = splitUnitList(seed, '区营商办、发改晋安公安局、法院');
    expect(r.units).toEqual(['区营商办', '发改晋安公安局', '区法院']);
    expect(r.unknown).toEqual(['发改晋安公安局']);
    expect(r.partial['发改晋安公安局']).toEqual(['区发改局']);
  });

  it('with an empty directory keeps names as written', () => {
    const r = splitUnitList(createUnitDirectory([]), '区司法局、区财政局');
    expect(r).toMatchObject({ units: ['区司法局', '区财政局'], unknown: ['区司法局', '区财政局'] });
  });
});

describe('createUnitDirectory', () => {
  it('rejects a name that belongs to two units', () => {
    expect(() => createUnitDirectory([{ name: '区司法局', aliases: ['司法局'] }, { name: '市司法局', aliases: ['司法局'] }])).toThrow(AppError);
  });

  it('the file schema rejects an entry without a name', () => {
    expect(UnitDirectoryFileSchema.safeParse([{ aliases: ['x'] }]).success).toBe(false);
  });
});
