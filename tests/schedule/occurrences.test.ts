import { describe, expect, it } from 'vitest';
import { annualDue, liveOccurrences, nextOccurrence, previousOccurrence, quarterOf } from '../../src/schedule/occurrences.ts';
import { annual, once } from './builders.ts';

const report = annual(3, 1, '完成上一年度法治政府建设情况报告');
const publish = annual(4, 1, '向社会公开');

describe('annual occurrences roll over', () => {
  it.each([
    ['2027-02-28', '2026-03-01', '2027-03-01'],
    ['2027-03-01', '2026-03-01', '2027-03-01'],
    ['2027-03-02', '2027-03-01', '2028-03-01'],
    ['2027-12-31', '2027-03-01', '2028-03-01'],
  ])('on %s: previous %s, next %s', (day, prev, next) => {
    expect(previousOccurrence(report, day)?.due).toBe(prev);
    expect(nextOccurrence(report, day)?.due).toBe(next);
  });

  it('labels the report due in year Y as the report on year Y-1 (上一年度)', () => {
    expect(nextOccurrence(report, '2027-01-10')?.periodLabel).toBe('2026年度');
    expect(nextOccurrence(report, '2027-03-02')?.periodLabel).toBe('2027年度');
    expect(nextOccurrence(publish, '2027-01-10')?.periodLabel).toBe('2027年度');
  });

  it('puts 02-29 on 02-28 in common years', () => {
    expect(annualDue(2027, 2, 29)).toBe('2027-02-28');
    expect(annualDue(2028, 2, 29)).toBe('2028-02-29');
  });

  it('once: one occurrence; historical: none', () => {
    expect(liveOccurrences(once('2027-06-30'), '2027-01-01').map((o) => o.due)).toEqual(['2027-06-30']);
    expect(liveOccurrences(once('2027-06-30', 'x', true), '2027-01-01')).toEqual([]);
  });
});

describe('quarterOf', () => {
  it.each([
    ['2027-01-01', 'Q2027Q1', '2027-01-01', '2027-03-31'],
    ['2027-06-30', 'Q2027Q2', '2027-04-01', '2027-06-30'],
    ['2027-12-31', 'Q2027Q4', '2027-10-01', '2027-12-31'],
    ['2028-02-29', 'Q2028Q1', '2028-01-01', '2028-03-31'],
  ])('%s is in %s (%s..%s)', (day, id, start, end) => {
    expect(quarterOf(day)).toMatchObject({ id, start, end });
  });
});
