// The chat answers with the schedule's lights (src/schedule/status.ts): the same occurrences closed,
// the same collectives, the same go-live day and blue window as the reminders and the office.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routeMessage } from '../../../src/chat/router.ts';
import { createProgressRepo } from '../../../src/store/progress-repo.ts';
import { createRegistryRepo } from '../../../src/store/registry-repo.ts';
import { DEFAULT_POLICY, loadPolicy } from '../../../src/schedule/policy.ts';
import { createWorkCalendar } from '../../../src/schedule/calendar.ts';
import { statusOf } from '../../../src/schedule/status.ts';
import { NOW, TZ, makeFixture, shown, type Fixture } from './fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.close();
});

const cli = (unitName: string, status: 'done' | 'progress' | 'blocked', extra: { milestoneKey?: string; occurrence?: string } = {}) =>
  createProgressRepo(f.db).record({ taskNumber: 68, unitName, status, percent: status === 'done' ? 100 : null, text: 'x', reporterId: 'cli', via: 'cli', at: new Date('2026-03-04T02:00:00Z'), ...extra });

describe('chat and schedule agree', () => {
  it('progress list() carries the message id', async () => {
    await f.say('进度 68 60% 初稿', { messageId: 'om_42' });
    expect((await createProgressRepo(f.db).list())[0]).toMatchObject({ messageId: 'om_42' });
  });

  it("a collective's done report closes the occurrence for its members (as in the planner)", async () => {
    expect(shown(await f.say('我的任务', { chatId: 'oc_towns' }))).toContain('任务 68 · 🔴 逾期');
    await cli('各乡镇(街道)', 'done', { milestoneKey: 'annual:03-01', occurrence: '2026-03-01' });
    const towns = shown(await f.say('我的任务', { chatId: 'oc_towns' }));
    expect(towns).not.toContain('逾期');
    expect(towns).toContain('下一期限：2026-04-01');
    expect(shown(await f.say('逾期', { chatId: 'oc_office' }))).toMatch(/未完成单位：区委办、区政府办、区司法局$/m);
  });

  it('"due soon" and "this week" follow the policy\'s blue window', async () => {
    const say = (text: string, blueWindowDays: number) =>
      routeMessage(
        { ...f.ctx, policy: loadPolicy({ blueWindowDays }), calendar: createWorkCalendar() },
        { chatId: 'oc_sfj', chatType: 'group', senderOpenId: 'ou_zhang', mentionsBot: true, messageId: `om_bw_${blueWindowDays}_${text}`, text },
      ).then(shown);
    expect(await say('本周', 3)).toContain('未来 3 天没有到期事项');
    expect(await say('我的任务', 3)).toContain('任务 5 · 🟢 正常');
    expect(await say('本周', 5)).toContain('任务 5 · 2026-03-10（还有 5 天）');
    expect(await say('我的任务', 5)).toContain('任务 5 · 🟡 临近');
  });

  it('continuous work: behind until the unit reports in the window, then ongoing', async () => {
    // Before the quarter's progress call (2026-03-20) a unit live since 1 January is not yet behind.
    expect(shown(await f.say('我的任务'))).toContain('任务 30 · 🔵 持续推进');
    const afterCall = new Date('2026-03-23T02:00:00Z');
    expect(shown(await f.say('我的任务', { now: afterCall }))).toContain('任务 30 · 🟠 滞后');
    await f.say('进度 30 预算公开已推进', { now: afterCall });
    expect(shown(await f.say('我的任务', { now: afterCall }))).toContain('任务 30 · 🔵 持续推进');
  });

  it("every unit's light in 我的任务 is statusOf's light", async () => {
    await cli('区委办', 'done', { milestoneKey: 'annual:03-01', occurrence: '2026-03-01' });
    await cli('城关镇', 'blocked');
    const word = { red: '🔴 逾期', blue: '🟡 临近', 'on-track': '🟢 正常', done: '✅ 已完成' } as Record<string, string>;
    const registry = createRegistryRepo(f.db);
    const statuses = statusOf({
      tasks: await registry.listTasks(),
      units: await registry.listUnits(),
      progress: await createProgressRepo(f.db).list(),
      policy: DEFAULT_POLICY,
      calendar: createWorkCalendar(),
      now: NOW,
      tz: TZ,
      trackFrom: '2026-01-01',
    });
    const chats: Record<string, string> = { 区司法局: 'oc_sfj', 区财政局: 'oc_czj', 城关镇: 'oc_towns', 城南街道: 'oc_towns' };
    let checked = 0;
    for (const t of statuses)
      for (const u of t.units) {
        const chatId = chats[u.unitName];
        if (!chatId) continue;
        const undated = (await registry.getTask(t.taskNumber))!.milestones.every((m) => m.kind === 'continuous');
        const expected =
          u.status === 'yellow' ? (u.blocked ? '🟠 受阻' : '🟠 滞后') : u.status === 'on-track' && undated ? '🔵 持续推进' : word[u.status];
        const mine = shown(await f.say('我的任务', { chatId }));
        const line = mine.split('\n').find((l) => l.startsWith(`任务 ${t.taskNumber} · `) && (chatId !== 'oc_towns' || l.includes(`（${u.unitName}）`)));
        expect(line, `${u.unitName} / task ${t.taskNumber}`).toContain(expected);
        checked++;
      }
    expect(checked).toBe(8);
  });
});
