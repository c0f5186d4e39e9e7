import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { findDocumentDate } from '../../src/registry/document-date.ts';

describe('the document\'s own date', () => {
  it('a signature date on its own line, in digits or Chinese numerals', () => {
    expect(findDocumentDate('通知\n国务院办公厅\n2020年11月1日\n(此件公开发布)')).toMatchObject({ date: '2020-11-01', year: 2020 });
    expect(findDocumentDate('现印发给你们。\n二○一二年一月二十九日\n')).toMatchObject({ date: '2012-01-29' });
    expect(findDocumentDate('(2006年5月22日)')).toMatchObject({ date: '2006-05-22' });
  });

  it('a labelled date, then the year of a document number alone on its line, then a title naming one year', () => {
    expect(findDocumentDate('成文日期:2021-03-29\n…')).toMatchObject({ date: '2021-03-29' });
    expect(findDocumentDate('发布日期 | 2021-03-29 | 生效日期 | 2021-03-29 |')).toMatchObject({ date: '2021-03-29' });
    expect(findDocumentDate('国务院关于…的意见\n国发〔2020〕6号\n各省…')).toEqual({ year: 2020, source: '国发〔2020〕6号' });
    expect(findDocumentDate('鼓楼区2023年法治政府建设工作要点\n\n为…')).toMatchObject({ year: 2023 });
  });

  it('not a web page\'s timestamp, a cited document\'s number, or a plan period', () => {
    expect(findDocumentDate('时间:2023-01-05 10:46\n根据《若干政策措施》(苏政发〔2022〕1号)精神')).toBeUndefined();
    expect(findDocumentDate('晋安区法治政府建设实施方案(2021-2025年)')).toBeUndefined();
  });

  it('the Jin\'an seed gives none (its dates are damaged: "202281")', () => {
    expect(findDocumentDate(fs.readFileSync(new URL('../../data/plan.txt', import.meta.url), 'utf8'))).toBeUndefined();
  });
});
