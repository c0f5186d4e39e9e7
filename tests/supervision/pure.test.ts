// The office's pure pieces at their edges: ISO weeks, silence, escalation weeks, the card's budget.
import { describe, expect, it } from 'vitest';
import { instantAt } from '../../src/clock.ts';
import { statusOf } from '../../src/schedule/status.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';
import { isoWeekOf, dayInIsoWeek } from '../../src/supervision/iso-week.ts';
import { buildDigest, emptyCounts, type Digest, type SentReminder } from '../../src/supervision/digest.ts';
import { dueEscalations } from '../../src/supervision/escalations.ts';
import { digestCard } from '../../src/supervision/digest-card.ts';
import { cardBytes, countElements } from '../../src/chat/cards/common.ts';
import { cardToText } from '../../src/chat/cards/card-to-text.ts';
import { calendar, makeTask, once, report, TZ, UNITS, OFFICE } from '../schedule/builders.ts';

describe('isoWeekOf', () => {
  it.each([
    ['2026-01-01', '2026-W01'], // Thursday: the week belongs to 2026
    ['2027-01-01', '2026-W53'], // Friday: still 2026's last week
    ['2027-01-04', '2027-W01'],
    ['2026-12-28', '2026-W53'],
    ['2025-12-29', '2026-W01'], // Monday of 2026-W01
    ['2026-03-09', '2026-W11'],
  ])('%s is %s', (day, week) => expect(isoWeekOf(day)).toBe(week));

  it('finds a weekday within the same ISO week', () => {
    expect(dayInIsoWeek('2026-03-12', 1)).toBe('2026-03-09');
    expect(dayInIsoWeek('2026-03-09', 0)).toBe('2026-03-15'); // Sunday ends the ISO week
  });
});

const tasks = [
  makeTask({ number: 1, milestones: [once('2027-03-01', '提交报告')], lead: ['区司法局'], other: ['区委办'] }),
  makeTask({ number: 2, milestones: [once('2027-03-20', '完成清理')], lead: ['区委办'] }),
];
const statusesAt = (day: string, progress = [] as ReturnType<typeof report>[]) =>
  statusOf({ tasks, progress, policy: DEFAULT_POLICY, calendar, now: instantAt(day, '10:00', TZ), tz: TZ, units: UNITS });
const sent = (unitName: string, taskNumber: number, iso: string, messageId: number): SentReminder => ({
  unitName, taskNumber, milestoneKey: 'once:2027-03-01', occurrence: '2027-03-01', kind: 'reminder', messageId, sentAt: new Date(iso),
});

describe('buildDigest', () => {
  it('counts each unit by its own light and names red items with days overdue and last progress', () => {
    const progress = [report('区司法局', 1, 'progress', '2027-02-20', { percent: 60, text: '初稿' })];
    const d = buildDigest({ statuses: statusesAt('2027-03-05', progress), tasks, sent: [], progress, now: instantAt('2027-03-05', '10:00', TZ), tz: TZ });
    expect(d.perUnit.map((u) => [u.unitName, u.counts.red, u.counts.blue])).toEqual([
      ['区司法局', 1, 0],
      ['区委办', 1, 0], // red as 'other' on task 1; task 2 (03-20) is 15 days out: on track
    ]);
    expect(d.red.map((i) => `${i.taskNumber} ${i.unitName} ${i.daysOverdue} ${i.lastProgress?.percent ?? '-'}`)).toEqual(['1 区司法局 4 60', '1 区委办 4 -']);
    expect(d.totals).toEqual({ ...emptyCounts(), red: 2, 'on-track': 1 });
  });

  it('narrows to one unit and leaves the office out', () => {
    const d = buildDigest({ statuses: statusesAt('2027-03-15'), tasks, sent: [], progress: [], now: instantAt('2027-03-15', '10:00', TZ), tz: TZ, unit: '区委办', officeUnit: OFFICE });
    expect(d.unit).toBe('区委办');
    expect(d.perUnit.map((u) => u.unitName)).toEqual(['区委办']);
    expect(d.perUnit[0].counts).toEqual({ ...emptyCounts(), red: 1, blue: 1 });
  });

  it('a unit is silent when its last reminder (two days old or more) got no report on its tasks since', () => {
    const now = instantAt('2027-02-22', '10:00', TZ);
    const reminders = [
      sent('区司法局', 1, '2027-02-15T01:17:00Z', 1),
      sent('区委办', 1, '2027-02-15T01:17:00Z', 2),
      sent('区委办', 2, '2027-02-21T01:17:00Z', 3), // within the grace period: not counted yet
      sent('区政府办', 1, '2027-02-15T01:17:00Z', 4),
    ];
    const progress = [
      report('区司法局', 1, 'progress', '2027-02-16'), // answered
      report('区政府办', 2, 'progress', '2027-02-16'), // another task: not an answer
    ];
    const d = buildDigest({ statuses: [], tasks, sent: reminders, progress, now, tz: TZ });
    expect(d.silent).toEqual([
      { unitName: '区委办', lastReminderDay: '2027-02-15', daysSilent: 7, taskNumbers: [1] },
      { unitName: '区政府办', lastReminderDay: '2027-02-15', daysSilent: 7, taskNumbers: [1] },
    ]);
  });
});

describe('dueEscalations', () => {
  it.each([
    ['2027-03-01', null], // due day: not red yet
    ['2027-03-02', 'week0'],
    ['2027-03-08', 'week0'],
    ['2027-03-09', 'week1'],
    ['2027-03-16', 'week2'],
  ])('on %s the 03-01 item is escalated as %s', (day, week) => {
    const keys = dueEscalations(statusesAt(day), tasks).filter((e) => e.unitName === '区司法局').map((e) => e.key);
    expect(keys).toEqual(week ? [`esc|1|区司法局|once:2027-03-01|2027-03-01|${week}`] : []);
  });

  it('nothing once the unit reported it done', () => {
    const progress = [report('区司法局', 1, 'done', '2027-03-05')];
    expect(dueEscalations(statusesAt('2027-03-09', progress), tasks).filter((e) => e.unitName === '区司法局')).toEqual([]);
  });
});

describe('digestCard', () => {
  const big = (): Digest => {
    const perUnit = Array.from({ length: 63 }, (_, i) => ({
      unitName: `第${i + 1}街道办事处综合执法队`,
      counts: { done: i % 3, 'on-track': 5, blue: i % 2, yellow: i % 4, red: i % 5 },
      total: 20,
    }));
    const item = (n: number, status: 'red' | 'yellow') => ({
      taskNumber: n, taskText: '任务', unitName: `第${n}街道办事处`, role: 'lead' as const, status, milestoneLabel: '完成上一年度法治政府建设情况报告并向社会公开',
      occurrence: '2027-03-01', daysOverdue: 30, lastProgress: { day: '2027-02-01', status: 'progress' as const, percent: 50, text: '已经完成初稿，正在征求意见'.repeat(3) },
    });
    return {
      day: '2027-04-01', unit: null, totals: { done: 60, 'on-track': 300, blue: 30, yellow: 90, red: 120 }, perUnit,
      red: Array.from({ length: 120 }, (_, i) => item(i + 1, 'red')),
      yellow: Array.from({ length: 90 }, (_, i) => ({ ...item(i + 1, 'yellow'), reason: 'no-progress' as const })),
      silent: Array.from({ length: 40 }, (_, i) => ({ unitName: `第${i}街道`, lastReminderDay: '2027-03-20', daysSilent: 12, taskNumbers: [1, 2, 3] })),
    };
  };

  it('holds a stacked bar chart (VChart spec) and stays inside Lark limits with a footer for the rest', () => {
    const card = digestCard(big(), { title: '依法治办 · 督办周报 2027-W14' });
    expect(cardBytes(card)).toBeLessThanOrEqual(30 * 1024);
    expect(countElements(card)).toBeLessThanOrEqual(200);
    const chart = (card.body as { elements: Record<string, unknown>[] }).elements.find((e) => e.tag === 'chart')!;
    expect(chart).toMatchObject({
      tag: 'chart',
      chart_spec: { type: 'bar', direction: 'horizontal', xField: 'n', yField: 'unit', seriesField: 'status', stack: true, data: { values: expect.any(Array) } },
    });
    expect(String(chart.height)).toMatch(/^\d{3}px$/);
    const text = cardToText(card);
    expect(text).toMatch(/图中为情况最差的 \d+ 个单位/);
    expect(text).toMatch(/还有 \d+ 条未列出，发送「导出」获取完整台账。/);
    expect(text.indexOf('🔴 逾期事项（120）')).toBeGreaterThan(text.indexOf('[图表'));
  });

  it('says so when nothing is late', () => {
    const d: Digest = { day: '2027-04-01', unit: null, totals: { ...emptyCounts(), 'on-track': 2 }, perUnit: [{ unitName: '区司法局', counts: { ...emptyCounts(), 'on-track': 2 }, total: 2 }], red: [], yellow: [], silent: [] };
    const text = cardToText(digestCard(d, { title: '汇总 · 区司法局' }));
    expect(text).toContain('【汇总 · 区司法局】 截至 2027-04-01');
    expect(text).toContain('  区司法局: 正常推进 2');
    expect(text).toContain('没有逾期、滞后事项，也没有未回复提醒的单位。');
  });
});
