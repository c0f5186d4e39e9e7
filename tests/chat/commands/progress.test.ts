import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProgressWords } from '../../../src/chat/commands/progress-words.ts';
import { createProgressRepo } from '../../../src/store/progress-repo.ts';
import { ADMIN, NOW, makeFixture, shown, type Fixture } from './fixture.ts';

describe('parseProgressWords', () => {
  it.each([
    ['60% 已完成初稿', { ok: true, status: 'progress', percent: 60, text: '已完成初稿' }],
    ['已完成', { ok: true, status: 'done', percent: 100, text: '已完成' }],
    ['已完成，初稿已报送', { ok: true, status: 'done', percent: 100, text: '已完成，初稿已报送' }],
    ['done', { ok: true, status: 'done', percent: 100, text: 'done' }],
    ['60% draft done', { ok: true, status: 'progress', percent: 60, text: 'draft done' }],
    ['初稿 已完成', { ok: true, status: 'progress', percent: null, text: '初稿 已完成' }],
    ['受阻 等待财政批复', { ok: true, status: 'blocked', percent: null, text: '受阻 等待财政批复' }],
    ['Blocked waiting for funds', { ok: true, status: 'blocked', percent: null, text: 'Blocked waiting for funds' }],
    ['受阻碍较少', { ok: true, status: 'progress', percent: null, text: '受阻碍较少' }],
    ['100%', { ok: true, status: 'done', percent: 100, text: '' }],
    ['40 % 推进中', { ok: true, status: 'progress', percent: 40, text: '推进中' }],
    ['120% 超额', { ok: false, reason: 'percent-range', raw: '120%' }],
    ['-5%', { ok: false, reason: 'percent-range', raw: '-5%' }],
    ['', { ok: false, reason: 'empty' }],
    ['60% 已完成', { ok: false, reason: 'done-with-percent', percent: 60 }],
  ])('%s', (input, expected) => {
    expect(parseProgressWords(input)).toEqual(expected);
  });
});

describe('进度 / progress', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => {
    await f.close();
  });
  const progress = () => createProgressRepo(f.db).list();

  it('records every field and shows it in 任务 68', async () => {
    const r = await f.say('进度 68 60% 已完成初稿', { messageId: 'om_p1' });
    expect(shown(r)).toContain('已记录：任务 68 · 区司法局 · 进行中 · 60% · 已完成初稿');
    const [p] = await progress();
    expect(p).toMatchObject({
      taskNumber: 68,
      unitName: '区司法局',
      status: 'progress',
      percent: 60,
      text: '已完成初稿',
      reporterId: 'ou_zhang',
      reporterName: '张三',
      via: 'command',
      chatId: 'oc_sfj',
      milestoneKey: 'annual:03-01',
      occurrence: '2026-03-01',
    });
    expect(p.at.toISOString()).toBe(NOW.toISOString());
    expect((await f.db.progress.findFirstOrThrow()).messageId).toBe('om_p1');
    const detail = shown(await f.say('任务 68'));
    expect(detail).toMatch(/区司法局[^\n]*\n进行中 60%：已完成初稿（张三，2026-03-05）/);
  });

  it('English form answers in English', async () => {
    const r = shown(await f.say('progress 68 60% draft done'));
    expect(r).toContain('Recorded: task 68 · 区司法局 · in progress · 60% · draft done');
    expect((await progress())[0]).toMatchObject({ status: 'progress', percent: 60, text: 'draft done' });
  });

  it('已完成初稿 is not done; 进度 68 已完成 is, and closes the overdue deadline', async () => {
    await f.say('进度 68 已完成初稿');
    expect((await progress())[0].status).toBe('progress');
    expect(shown(await f.say('逾期'))).toContain('任务 68');
    await f.say('进度 68 已完成');
    expect((await progress())[1]).toMatchObject({ status: 'done', percent: 100, occurrence: '2026-03-01' });
    expect(shown(await f.say('逾期'))).toContain('没有逾期事项');
    // The next deadline of task 68 is now the 04-01 publication.
    expect(shown(await f.say('我的任务'))).toMatch(/任务 68[^]*?下一期限：2026-04-01/);
  });

  it('done / 100% mark done; 受阻 / blocked marks blocked', async () => {
    await f.say('progress 5 done');
    await f.say('进度 12 100%');
    await f.say('进度 30 受阻 等待预算批复');
    await f.say('progress 30 blocked');
    expect((await progress()).map((p) => p.status)).toEqual(['done', 'done', 'blocked', 'blocked']);
    expect(shown(await f.say('我的任务'))).toContain('任务 30 · 🟠 受阻');
  });

  it('percent out of range gets a specific error and records nothing', async () => {
    expect(shown(await f.say('进度 68 120% 超额完成'))).toBe('完成比例应在 0% 到 100% 之间，收到的是 120%。例如 `进度 68 60% 已完成初稿`。');
    expect(shown(await f.say('progress 68 150% wow'))).toContain('between 0% and 100%; got 150%');
    expect(shown(await f.say('进度 68 60% 已完成'))).toContain('标记“已完成”时比例应为 100%');
    expect(shown(await f.say('进度 68'))).toContain('请写上进展内容');
    expect(await progress()).toEqual([]);
  });

  it('unknown task, unassigned task, missing number', async () => {
    expect(shown(await f.say('进度 99 50% 开展中'))).toBe('没有任务 99，本方案共 4 项。发送 `我的任务` 查看本单位的任务。');
    expect(shown(await f.say('progress 99 50%'))).toContain('There is no task 99; the plan has 4 tasks.');
    expect(shown(await f.say('进度 5 50% 开展中', { chatId: 'oc_czj' }))).toContain('任务 5 不由区财政局承担（牵头：区司法局；配合：无）');
    expect(shown(await f.say('进度 已完成初稿'))).toContain('请写任务编号和进展');
    expect(await progress()).toEqual([]);
  });

  it('a chat that speaks for no unit is told how to bind or register', async () => {
    expect(shown(await f.say('进度 68 60% x', { chatId: 'oc_nobody' }))).toContain('本群尚未绑定单位');
    expect(shown(await f.say('进度 68 60% x', { chatId: 'oc_nobody' }))).toContain('请管理员在本群发送 `绑定 单位名`');
    expect(shown(await f.say('进度 68 60% x', { chatId: 'oc_p2p', chatType: 'p2p', mentionsBot: false }))).toContain('`登记 单位名`');
  });

  it('a chat bound to several units asks which, and accepts the unit in the command', async () => {
    expect(shown(await f.say('进度 68 60% 初稿', { chatId: 'oc_towns' }))).toContain('这里代表多个单位承担任务 68：城关镇、城南街道');
    expect(shown(await f.say('进度 68 城关镇 60% 初稿', { chatId: 'oc_towns' }))).toContain('任务 68 · 城关镇 · 进行中 · 60% · 初稿');
    expect((await progress())[0]).toMatchObject({ unitName: '城关镇', text: '初稿' });
  });

  it('naming another unit: refused for members, allowed for admins (on behalf)', async () => {
    expect(shown(await f.say('进度 68 区政府办 50% 催办', { chatId: 'oc_office' }))).toContain('你不能代表区政府办报进展');
    expect(shown(await f.say('进度 68 区政府办 50% 催办', { chatId: 'oc_office', senderOpenId: ADMIN }))).toContain('任务 68 · 区政府办');
    expect(shown(await f.say('进度 68 区财政局 50% x', { chatId: 'oc_czj' }))).toContain('任务 68 不由区财政局承担');
    expect((await progress()).map((p) => [p.unitName, p.reporterId])).toEqual([['区政府办', ADMIN]]);
  });
});
