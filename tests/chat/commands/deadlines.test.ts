import { describe, expect, it } from 'vitest';
import { annualOn, lightOf, openOccurrences } from '../../../src/chat/deadlines.ts';
import type { MilestoneRecord } from '../../../src/registry/types.ts';

const annual = (month: number, day: number): MilestoneRecord => ({ kind: 'annual', month, day, label: 'x', source: 'x', key: `annual:${month}-${day}`, historical: false });
const once = (due: string, historical = false): MilestoneRecord => ({ kind: 'once', due, label: 'x', source: 'x', key: `once:${due}`, historical });
const occ = (ms: MilestoneRecord[], today: string, reports = [] as Parameters<typeof openOccurrences>[2], notBefore?: string) =>
  openOccurrences(ms, today, reports, { notBefore }).map((o) => [o.occurrence, o.daysLeft]);

describe('openOccurrences', () => {
  it('annual: the previous occurrence stays open until a done report covers it, plus the next one', () => {
    expect(occ([annual(3, 1)], '2026-03-05')).toEqual([['2026-03-01', -4], ['2027-03-01', 361]]);
    expect(occ([annual(3, 1)], '2026-03-01')).toEqual([['2025-03-01', -365], ['2026-03-01', 0]]);
    expect(occ([annual(3, 1)], '2026-03-05', [], '2026-03-02')).toEqual([['2027-03-01', 361]]);
    const done = [{ status: 'done' as const, milestoneKey: 'annual:3-1', occurrence: '2026-03-01', day: '2026-03-04' }];
    expect(occ([annual(3, 1)], '2026-03-05', done)).toEqual([['2027-03-01', 361]]);
    // Done early for this year's occurrence: the next open one is a year later.
    expect(occ([annual(3, 1)], '2026-02-20', [{ ...done[0], day: '2026-02-19' }], '2026-01-01')).toEqual([['2027-03-01', 374]]);
    // A report naming no occurrence covers the one whose window holds its day, never two.
    expect(occ([annual(3, 1)], '2026-03-05', [{ status: 'done', day: '2026-03-04' }])).toEqual([['2027-03-01', 361]]);
    expect(occ([annual(3, 1)], '2026-03-05', [{ status: 'progress', occurrence: '2026-03-01', day: '2026-03-04' }])).toHaveLength(2);
  });

  it('once: until done; historical ones are not chased; continuous has none', () => {
    expect(occ([once('2027-06-30')], '2026-03-05')).toEqual([['2027-06-30', 482]]);
    expect(occ([once('2025-12-31', true)], '2026-03-05')).toEqual([]);
    expect(occ([once('2026-03-01')], '2026-03-05', [{ status: 'done', day: '2026-03-04' }])).toEqual([]);
    expect(occ([{ kind: 'continuous', label: 'x', source: 'x', key: 'continuous', historical: false }], '2026-03-05')).toEqual([]);
  });

  it('29 February falls on the 28th in common years', () => {
    expect(annualOn(2027, 2, 29)).toBe('2027-02-28');
    expect(annualOn(2028, 2, 29)).toBe('2028-02-29');
  });

  it('lights', () => {
    const o = (daysLeft: number) => ({ milestone: once('2026-03-10'), milestoneKey: 'k', occurrence: '2026-03-10', daysLeft });
    expect(lightOf([o(-1)], { status: 'blocked' }, true)).toBe('overdue');
    expect(lightOf([o(3)], { status: 'blocked' }, true)).toBe('blocked');
    expect(lightOf([o(3)], undefined, true)).toBe('due-soon');
    expect(lightOf([o(30)], undefined, true)).toBe('on-track');
    expect(lightOf([], { status: 'done' }, true)).toBe('done');
    expect(lightOf([], undefined, false)).toBe('ongoing');
  });
});
