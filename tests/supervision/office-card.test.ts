// The office's one card a day, as data → card → the text a reader sees.
import { describe, expect, it } from 'vitest';
import { officeCard, isOfficeDayEmpty, type OfficeDay } from '../../src/supervision/office-card.ts';
import { cardToText } from '../../src/chat/cards/card-to-text.ts';
import { cardBytes, countElements, CARD_BYTE_BUDGET, CARD_ELEMENT_BUDGET } from '../../src/chat/cards/common.ts';
import type { PlannedReminder } from '../../src/schedule/types.ts';
import type { Escalation } from '../../src/supervision/escalations.ts';
import { emptyCounts, type Digest } from '../../src/supervision/digest.ts';

const late = (task: number, unit: string, days: number): PlannedReminder => ({
  key: `k|${task}|${unit}`,
  kind: 'office-overdue',
  unitName: '区委依法治区办',
  chatId: 'oc_office',
  role: 'lead',
  taskNumber: task,
  milestoneKey: 'annual:03-01',
  occurrence: '2027-03-01',
  step: 'OFFICE@2027-03-08',
  sendOn: '2027-03-08',
  label: '完成上一年度法治政府建设情况报告',
  daysOverdue: days,
  aboutUnit: unit,
  lastProgress: null,
});

const esc = (task: number, unit: string, week: number, occurrence = '2027-03-01'): Escalation => ({
  key: `esc|${task}|${unit}`,
  taskNumber: task,
  taskText: '',
  unitName: unit,
  role: 'lead',
  milestoneKey: 'annual:03-01',
  milestoneLabel: '完成上一年度法治政府建设情况报告',
  occurrence,
  daysOverdue: 7 * week + 1,
  week,
});

const digest: Digest = {
  day: '2027-03-08',
  unit: null,
  totals: { ...emptyCounts(), red: 2, yellow: 1, 'on-track': 5 },
  perUnit: [{ unitName: '区政府办', counts: { ...emptyCounts(), red: 1 }, total: 1 }],
  red: [],
  yellow: [
    { taskNumber: 30, taskText: '', unitName: '区财政局', role: 'lead', status: 'yellow', milestoneLabel: '持续推进', occurrence: '2027-03-31', reason: 'no-progress', lastProgress: null },
  ],
  silent: [{ unitName: '区政府办', lastReminderDay: '2027-03-01', daysSilent: 7, taskNumbers: [68] }],
};

const day = (over: Partial<OfficeDay> = {}): OfficeDay => ({
  office: '区委依法治区办',
  day: '2027-03-08',
  own: [
    {
      taskNumber: 71,
      taskText: '健全领导干部学法用法制度',
      role: 'lead',
      unitName: '区委依法治区办',
      label: '报送学法情况',
      milestoneKey: 'annual:12-31',
      occurrence: '2027-03-15',
      step: 'D-7',
      daysLeft: 7,
    },
  ],
  overdue: [late(68, '区委办', 7), late(68, '区政府办', 7)],
  escalations: [esc(68, '区政府办', 1), esc(12, '区财政局', 0, '2027-03-05')],
  ...over,
});

describe('officeCard', () => {
  it('lists its own items, then the overdue items with escalations marked, then the digest', () => {
    const text = cardToText(officeCard(day({ digest: { week: '2027-W10', digest } })));
    expect(text.split('\n')[0]).toBe('【区委依法治区办 · 2027-03-08 督办日报（周报 2027-W10）】 本单位 1 项 · 逾期 3 项 · 新转红灯 1 项 · 周报 2027-W10');
    const order = ['📌 本单位事项（1）', '任务 71', '🔴 逾期事项（3）', '任务 68 · 区政府办（牵头） · 🔺持续逾期第 2 周', '任务 12 · 区财政局', '📊 本周汇总 2027-W10', '[图表 各单位事项状态]', '🟡 滞后事项（1）', '🔕 未回复上次提醒的单位（1）'];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // 区委办 is late but not escalated today: no mark.
    expect(text).toContain('任务 68 · 区委办（牵头）\n');
    // Red items are in the overdue list once, not again in the digest.
    expect(text.match(/任务 68 · 区政府办/g)).toHaveLength(1);
  });

  it("keeps the card when its own item's form is used (the toast answers)", () => {
    const card = officeCard(day());
    expect(JSON.stringify(card)).toContain('"keep":true');
  });

  it('without a digest there is no digest section; a day with nothing has no card', () => {
    expect(cardToText(officeCard(day()))).not.toContain('本周汇总');
    expect(isOfficeDayEmpty(day({ own: [], overdue: [], escalations: [] }))).toBe(true);
    expect(isOfficeDayEmpty(day({ own: [], overdue: [], escalations: [], digest: { week: '2027-W10', digest } }))).toBe(false);
  });

  it('stays within Lark limits with 400 overdue items and says what it left out', () => {
    const many = Array.from({ length: 400 }, (_, i) => late(i + 1, `单位${i}`, 30));
    const card = officeCard(day({ overdue: many, digest: { week: '2027-W10', digest } }));
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(countElements(card)).toBeLessThanOrEqual(CARD_ELEMENT_BUDGET);
    expect(cardToText(card)).toMatch(/还有 \d+ 条未列出：发送「逾期」查看全部逾期事项/);
  });
});
