import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import { normalizeText } from '../../src/chat/router.ts';
import { makeFixture, shown, type Fixture } from './commands/fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.close();
});

describe('routeMessage', () => {
  it('ignores group chatter not addressed to the bot, answers direct chats always', async () => {
    expect(await f.say('我的任务', { mentionsBot: false })).toBeNull();
    expect(await f.say('进度 68 60% x', { mentionsBot: false })).toBeNull();
    expect(await createProgressRepo(f.db).list()).toEqual([]);
    expect(shown(await f.say('帮助', { chatType: 'p2p', chatId: 'oc_p', mentionsBot: false }))).toContain('`我的任务`');
  });

  it('unknown text addressed to the bot gets a short hint; a bare mention too', async () => {
    expect(shown(await f.say('今天天气怎么样'))).toBe('没看懂“今天天气怎么样”。发送 `帮助` 查看可用命令，例如 `我的任务`、`任务 68`、`进度 68 60% 已完成初稿`。');
    expect(shown(await f.say('what now'))).toContain('I did not understand "what now". Send `help`');
    expect(shown(await f.say('   '))).toContain('发送 `帮助` 查看可用命令');
  });

  it('full-width digits, percent sign and spaces are understood', async () => {
    expect(normalizeText('进度\u3000６８　６０％　已完成初稿')).toBe('进度 68 60% 已完成初稿');
    expect(shown(await f.say('进度６８　６０％　已完成初稿'))).toContain('任务 68 · 区司法局 · 进行中 · 60%');
  });

  it('a reply to a reminder is progress on that reminder\'s task, unit and occurrence', async () => {
    const quotedReminder = { taskNumber: 68, unitName: '区司法局', milestoneKey: 'annual:04-01', occurrence: '2026-04-01' };
    const r = shown(await f.say('报告已送审，60%', { quotedReminder, parentId: 'om_reminder', messageId: 'om_r1' }));
    expect(r).toContain('已记录：任务 68 · 区司法局 · 进行中');
    await f.say('已完成', { quotedReminder, messageId: 'om_r2' });
    await f.say('进度 受阻 等审批', { quotedReminder, messageId: 'om_r3' });
    const list = await createProgressRepo(f.db).list();
    // progress-repo's list() does not return messageId (yet): read the rows.
    const rows = await f.db.progress.findMany({ orderBy: { id: 'asc' } });
    expect(list.map((p, i) => [p.via, p.status, p.milestoneKey, p.occurrence, rows[i].messageId])).toEqual([
      ['reply', 'progress', 'annual:04-01', '2026-04-01', 'om_r1'],
      ['reply', 'done', 'annual:04-01', '2026-04-01', 'om_r2'],
      ['reply', 'blocked', 'annual:04-01', '2026-04-01', 'om_r3'],
    ]);
    // "报告已送审，60%": the percent is not a token of its own, so it stays words.
    expect(list[0]).toMatchObject({ percent: null, text: '报告已送审，60%' });
    // Commands still win over the quote.
    expect(shown(await f.say('任务 5', { quotedReminder }))).toContain('【任务 5】');
  });

  it('a reply to a reminder listing several tasks must name the task; then it is progress on that item', async () => {
    const quotedReminders = [
      { taskNumber: 68, unitName: '区司法局', milestoneKey: 'annual:04-01', occurrence: '2026-04-01' },
      { taskNumber: 5, unitName: '区司法局', milestoneKey: 'once:2026-03-10', occurrence: '2026-03-10' },
    ];
    expect(shown(await f.say('初稿已完成', { quotedReminders, parentId: 'om_card' }))).toBe(
      '这条提醒包含任务 68、5，请在回复开头写明任务号，例如 `68 60% 已完成初稿`，或发送 `进度 68 …`。',
    );
    expect(await createProgressRepo(f.db).list()).toEqual([]);
    expect(shown(await f.say('5 60% 初稿已完成', { quotedReminders, parentId: 'om_card' }))).toContain('已记录：任务 5 · 区司法局 · 进行中 · 60%');
    expect(await createProgressRepo(f.db).list()).toMatchObject([{ taskNumber: 5, via: 'reply', milestoneKey: 'once:2026-03-10', percent: 60 }]);
  });

  it('a reply to another unit\'s reminder is refused with the reason', async () => {
    const quotedReminder = { taskNumber: 12, unitName: '区财政局', milestoneKey: 'once:2027-06-30', occurrence: '2027-06-30' };
    expect(shown(await f.say('60% 初稿', { quotedReminder }))).toContain('你不能代表区财政局报进展');
    expect(shown(await f.say('60% 初稿', { quotedReminder: { ...quotedReminder, taskNumber: 99 } }))).toContain('没有任务 99');
    expect(await createProgressRepo(f.db).list()).toEqual([]);
  });

  it('2,000 random strings: no throw; every addressed one answered, unaddressed ones not', async () => {
    // mulberry32: a seeded PRNG so a failure can be replayed.
    let seed = 20260305;
    const rand = () => {
      seed |= 0;
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const parts = ['进度', '任务', '我的任务', 'task', 'progress', '绑定', 'bind', '登记', '逾期', '本周', 'help', '帮助', '68', '5', '99', '-1', '120%', '60%', '％',
      '已完成', '受阻', 'done', 'blocked', '区司法局', '司法', '城', '😀', '🚧', '　', ' ', '\n', '#', '：', '（', ')', '*', '<at>', '`', '\\', 'a', 'Ω', '𠮷', '0', '999999999999', '%%', '1e3', '..'];
    const chats = ['oc_sfj', 'oc_towns', 'oc_office', 'oc_nobody', 'oc_czj'];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(parts)).join(rand() < 0.6 ? ' ' : '');
      const p2p = rand() < 0.2;
      const mentionsBot = p2p || rand() < 0.85;
      const quoted = rand() < 0.1 ? { taskNumber: pick([5, 68, 99]), unitName: pick(['区司法局', '城关镇', '区火星局']), milestoneKey: 'annual:03-01', occurrence: '2026-03-01' } : undefined;
      const r = await f.say(text, {
        chatId: p2p ? 'oc_p2p' : pick(chats),
        chatType: p2p ? 'p2p' : 'group',
        mentionsBot,
        senderOpenId: pick(['ou_zhang', 'ou_admin', 'ou_x']),
        quotedReminder: quoted,
      });
      if (!mentionsBot) expect(r, text).toBeNull();
      else {
        expect(r, text).not.toBeNull();
        expect(shown(r).length, text).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
