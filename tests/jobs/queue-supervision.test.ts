// A year (2026) stepped through day by day against the real app and the memory gateway: some units
// report, some stay silent. Asserts the lights, the weekly digests and the escalations the office sees,
// all in the office's one card a day, and that no chat ever gets two cards on one day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantAt } from '../../src/clock.ts';
import { plusDays } from '../../src/schedule/day-math.ts';
import { queueSupervision, type SupervisionResult } from '../../src/jobs/queue-supervision.ts';
import { loadSupervisionData } from '../../src/supervision/load-supervision.ts';
import { cardToText } from '../../src/chat/cards/card-to-text.ts';
import type { Card, OutgoingMessage } from '../../src/chat/gateway.ts';
import type { StatusLight } from '../../src/schedule/status.ts';
import { makeWorld, OFFICE_CHAT, TZ, type World } from '../supervision/world.ts';

// Who reports what, on which day (at 15:00, after that day's 10:00 pass).
// 区政府办 is late for 68's 03-01 report and silent about 04-01; 城南街道 never reports;
// 区财政局 never reports on its continuous task 30; 区司法局 reports every quarter.
const REPORTS: Record<string, [string, number, 'done' | 'progress' | 'blocked'][]> = {
  '2026-02-20': [['区委办', 68, 'done'], ['区司法局', 68, 'done'], ['城关镇', 68, 'done']],
  '2026-03-06': [['区司法局', 5, 'done']],
  '2026-03-20': [['区政府办', 68, 'done'], ['区司法局', 30, 'progress']],
  '2026-03-25': [['区委办', 68, 'done'], ['区司法局', 68, 'done'], ['城关镇', 68, 'done']],
  '2026-06-22': [['区司法局', 30, 'progress']],
  '2026-09-21': [['区司法局', 30, 'progress']],
  '2026-12-21': [['区司法局', 30, 'progress']],
};

interface Snapshot {
  lights: Map<string, StatusLight>;
}

let w: World;
const results = new Map<string, SupervisionResult>();
const snapshots = new Map<string, Snapshot>();
const SNAP_DAYS = ['2026-02-25', '2026-03-05', '2026-03-25', '2026-04-02', '2026-06-30'];

async function snapshot(day: string): Promise<Snapshot> {
  const data = await loadSupervisionData(w.deps, instantAt(day, '10:00', TZ));
  const lights = new Map<string, StatusLight>();
  for (const t of data.statuses) {
    lights.set(`${t.taskNumber}`, t.status);
    for (const u of t.units) lights.set(`${t.taskNumber} ${u.unitName}`, u.status);
  }
  return { lights };
}

const cardOf = (m: { message: OutgoingMessage }): Card => (m.message.msgType === 'interactive' ? m.message.card : {});
const officeCards = () => w.gateway.sentTo(OFFICE_CHAT).map((m) => cardToText(cardOf(m)));
/** The day whose office card carried the week's digest. */
const digestDay = async (week: string) => (await w.app.db.meta.findUniqueOrThrow({ where: { key: `digest-sent:${OFFICE_CHAT}:${week}` } })).value;
const officeCardOf = async (day: string) => {
  const row = await w.app.db.outbox.findUniqueOrThrow({ where: { key: `office:${OFFICE_CHAT}:${day}` } });
  return cardToText((JSON.parse(row.body) as { card: Card }).card);
};
const digestOfWeek = async (week: string) => officeCardOf(await digestDay(week));

beforeAll(async () => {
  w = await makeWorld();
  for (let d = '2026-01-01'; d <= '2026-12-31'; d = plusDays(d, 1)) {
    const now = instantAt(d, '10:00', TZ);
    w.clock.set(now);
    results.set(d, (await w.app.schedulerPass(now)).supervision);
    if (SNAP_DAYS.includes(d)) snapshots.set(d, await snapshot(d));
    for (const [unit, task, status] of REPORTS[d] ?? []) await w.report(unit, task, status, d);
  }
}, 180_000);

afterAll(async () => {
  await w?.close();
});

describe('lights through the year', () => {
  it('shows blue inside the 7-day window, red once overdue, done once reported', () => {
    const at = (day: string) => snapshots.get(day)!.lights;
    // 02-25: 68's 03-01 report is 4 days away and 区政府办 has not reported.
    expect(at('2026-02-25').get('68 区政府办')).toBe('blue');
    expect(at('2026-02-25').get('68 区委办')).toBe('on-track'); // reported done on 02-20
    // 03-05: overdue for 区政府办; the task shows the worst of its lead units.
    expect(at('2026-03-05').get('68 区政府办')).toBe('red');
    expect(at('2026-03-05').get('68')).toBe('red');
    expect(at('2026-03-05').get('5 区司法局')).toBe('blue'); // due 03-10, done only on 03-06
    // Continuous task 30: live since 01-01, nothing reported; not behind before the Q1 call (03-20) ...
    expect(at('2026-03-05').get('30 区财政局')).toBe('on-track');
    // ... behind once the call has gone out unanswered.
    expect(at('2026-03-25').get('30 区财政局')).toBe('yellow');
    // 03-25: 区政府办 closed 03-01 late (03-20); 04-01 is now inside the window.
    expect(at('2026-03-25').get('68 区政府办')).toBe('blue');
    expect(at('2026-03-25').get('5 区司法局')).toBe('done');
    expect(at('2026-03-25').get('30 区司法局')).toBe('on-track'); // reported 03-20, after the quarterly call
    // 04-02: 04-01 passed without 区政府办's report; 区委办 reported both.
    expect(at('2026-04-02').get('68 区政府办')).toBe('red');
    // Both 2026 reports are in; the 2027 cycle is already live and far off.
    expect(at('2026-04-02').get('68 区委办')).toBe('on-track');
    expect(at('2026-04-02').get('68 城南街道')).toBe('red');
    expect(at('2026-06-30').get('30 区财政局')).toBe('yellow');
  });
});

describe('one card per chat per day', () => {
  it('no chat, the office included, gets two messages on one day in the whole year', () => {
    const perChatDay = new Map<string, number>();
    for (const m of w.gateway.sent) {
      const k = `${m.target} ${new Date(m.at + 8 * 3_600_000).toISOString().slice(0, 10)}`;
      perChatDay.set(k, (perChatDay.get(k) ?? 0) + 1);
    }
    expect([...perChatDay].filter(([, n]) => n > 1)).toEqual([]);
    expect(w.gateway.sentTo(OFFICE_CHAT).length).toBeGreaterThan(52);
  });

  it("the office's card holds the overdue list and escalations, and the digest on digest days", async () => {
    // Monday 2026-03-09: 68's 03-01 report is 8 days late for 区政府办 and 城南街道.
    const text = await officeCardOf('2026-03-09');
    expect(text).toMatch(/^【区委依法治区办 · 2026-03-09 督办日报（周报 2026-W11）】 逾期 2 项 · 周报 2026-W11/);
    const overdue = text.indexOf('🔴 逾期事项（2）');
    const digest = text.indexOf('[图表 各单位事项状态]');
    expect(overdue).toBeGreaterThan(0);
    expect(digest).toBeGreaterThan(overdue);
    // Tuesday: the overdue list and the week-1 escalation are there; no digest.
    const tuesday = await officeCardOf('2026-03-10');
    expect(tuesday).toContain('【区委依法治区办 · 2026-03-10 督办日报】');
    expect(tuesday).toContain('任务 68 · 区政府办（牵头）\n完成上一年度法治政府建设情况报告 · 截止 2026-03-01 · 逾期 9 天');
    expect(tuesday).not.toContain('本周汇总');
  });
});

describe('weekly digest', () => {
  it('goes out once per ISO week on the first working day from Monday 09:23, none in an all-holiday week', async () => {
    const rows = await w.app.db.meta.findMany({ where: { key: { startsWith: `digest-sent:${OFFICE_CHAT}:` } }, orderBy: { key: 'asc' } });
    const weeks = rows.map((r) => r.key.split(':').at(-1)!);
    expect(weeks).not.toContain('2026-W08'); // Spring Festival: 02-16..02-22 all off
    expect(weeks).toHaveLength(52); // 53 ISO weeks in 2026, less W08
    const sentAt = async (week: string) => (await w.app.db.outbox.findUniqueOrThrow({ where: { key: `office:${OFFICE_CHAT}:${await digestDay(week)}` } })).sentAt!;
    for (const r of rows) expect((await w.app.db.outbox.findUniqueOrThrow({ where: { key: `office:${OFFICE_CHAT}:${r.value}` } })).status).toBe('sent');
    expect(await sentAt('2026-W11')).toEqual(instantAt('2026-03-09', '10:00', TZ)); // a plain Monday
    expect(await sentAt('2026-W15')).toEqual(instantAt('2026-04-07', '10:00', TZ)); // Qingming Monday → Tuesday
    expect(await sentAt('2026-W41')).toEqual(instantAt('2026-10-08', '10:00', TZ)); // after National Day
    // Jan 1 is a holiday: the first week's digest waits for the make-up working Sunday.
    expect(await sentAt('2026-W01')).toEqual(instantAt('2026-01-04', '10:00', TZ));
    expect(results.get('2026-03-09')!.digest).toBe('queued');
    expect(results.get('2026-03-10')!.digest).toBe('sent-already');
  });

  it('counts per unit, names the red and yellow items, and lists units that left a reminder unanswered', async () => {
    const text = await digestOfWeek('2026-W11');
    expect(text).toContain('📊 本周汇总 2026-W11 · 6 个单位\n🔴 逾期 2 · 🟡 滞后 0 · 🔵 临近截止 0 · 🟢 正常推进 7 · ✅ 已完成 1');
    expect(text).toContain('[图表 各单位事项状态]');
    expect(text).toContain('  区政府办: 逾期 1');
    expect(text).toContain('  区司法局: 正常推进 3 · 已完成 1');
    expect(text).toContain('🔴 逾期事项（2）');
    expect(text).toContain('任务 68 · 区政府办（牵头） · 🔺持续逾期第 2 周\n完成上一年度法治政府建设情况报告 · 截止 2026-03-01 · 逾期 8 天\n未报送进展');
    expect(text).toContain('任务 68 · 城南街道（配合）');
    expect(text).not.toContain('🟡 滞后事项'); // continuous work is not behind before the quarter's call
    expect(text).toContain('区政府办：2026-03-02 提醒（任务 68）后 7 天未回复');
    expect(text).not.toMatch(/区司法局：.*未回复/); // it answered its reminders
  });

  it('after the quarterly call, silent continuous work is listed as behind', async () => {
    const text = await digestOfWeek('2026-W13');
    expect(text).toContain('🟡 滞后事项（');
    expect(text).toContain('任务 30 · 区财政局（牵头）\n持续推进 · 本季度（至 2026-03-31）未报送进展');
  });

  it('reflects later reports: in July 区政府办 is still red on 04-01, 区司法局 is not behind', async () => {
    const text = await digestOfWeek('2026-W28');
    expect(text).toMatch(/任务 68 · 区政府办（牵头）( · 🔺持续逾期第 \d+ 周)?\n向社会公开年度报告 · 截止 2026-04-01 · 逾期 96 天\n最近进展 2026-03-20：已完成 100% 已完成/);
    expect(text).not.toContain('任务 30 · 区司法局');
    expect(text).toContain('任务 30 · 区财政局（牵头）');
  });
});

describe('escalations', () => {
  const keys = async () => (await w.app.db.reminder.findMany({ where: { kind: 'escalation' }, orderBy: { id: 'asc' } })).map((r) => `${r.key} ${r.sendOn}`);

  it('escalate once when an item turns red and weekly while it stays red, and stop when it is done', async () => {
    const k = await keys();
    const late0301 = k.filter((x) => x.startsWith('esc|68|区政府办|annual:03-01|2026-03-01|'));
    expect(late0301).toEqual([
      'esc|68|区政府办|annual:03-01|2026-03-01|week0 2026-03-02',
      'esc|68|区政府办|annual:03-01|2026-03-01|week1 2026-03-09',
      'esc|68|区政府办|annual:03-01|2026-03-01|week2 2026-03-16',
    ]); // done on 03-20: no week3
    const late0401 = k.filter((x) => x.startsWith('esc|68|区政府办|annual:04-01|2026-04-01|'));
    expect(late0401[0]).toBe('esc|68|区政府办|annual:04-01|2026-04-01|week0 2026-04-02');
    // Weekly to the year's end, except the week that is all National Day holiday (10-01..10-07).
    const weeks = late0401.map((x) => Number(/week(\d+)/.exec(x)![1]));
    expect(weeks).toEqual([...Array(40).keys()].filter((n) => n !== 26));
    expect(k.some((x) => x.startsWith('esc|5|'))).toBe(false); // reported before its deadline
    expect(k.some((x) => x.includes('|区委办|') || x.includes('|城关镇|'))).toBe(false);
  });

  it("each key is queued once and reaches the office chat in exactly one sent card, that day's", async () => {
    const rows = await w.app.db.reminder.findMany({ where: { kind: 'escalation' } });
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    const outbox = await w.app.db.outbox.findMany({ where: { id: { in: rows.map((r) => r.outboxId!) } } });
    expect(outbox.every((o) => o.status === 'sent' && o.chatId === OFFICE_CHAT && o.kind === 'office')).toBe(true);
    for (const r of rows) expect(outbox.find((o) => o.id === r.outboxId)!.key).toBe(`office:${OFFICE_CHAT}:${r.sendOn}`);
    const first = officeCards().find((t) => t.includes('🔺'))!;
    expect(first).toContain('【区委依法治区办 · 2026-03-02 督办日报（周报 2026-W10）】 逾期 2 项 · 新转红灯 2 项 · 周报 2026-W10');
    expect(first).toContain('任务 68 · 区政府办（牵头） · 🔺新转红灯');
  });

  it('a second pass at the same moment queues nothing new', async () => {
    const now = instantAt('2026-12-31', '10:30', TZ);
    const before = await w.app.db.outbox.count();
    const again = await queueSupervision(w.deps, now);
    expect(again.escalations).toBe(0);
    expect(await w.app.db.outbox.count()).toBe(before);
  });
});

describe('without an office chat', () => {
  it('queues nothing and says why', async () => {
    const lone = await makeWorld({ bindOffice: false });
    try {
      const r = await queueSupervision(lone.deps, instantAt('2026-03-09', '10:00', TZ));
      expect(r).toEqual({ office: 'unbound', digest: 'unbound', week: '2026-W11', escalations: 0 });
      expect(await lone.app.db.outbox.count()).toBe(0);
    } finally {
      await lone.close();
    }
  });
});
