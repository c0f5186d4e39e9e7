import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditRepo } from '../../../src/store/audit-repo.ts';
import { createUnitRepo } from '../../../src/store/unit-repo.ts';
import { ADMIN, makeFixture, shown, type Fixture } from './fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture({ groups: { ou_member: ['oc_czj', 'oc_other'] } });
});
afterEach(async () => {
  await f.close();
});
const p2p = { chatId: 'oc_p2p_x', chatType: 'p2p' as const, mentionsBot: false };

describe('帮助 / help', () => {
  it('lists the commands with examples in both languages', async () => {
    const zh = shown(await f.say('帮助'));
    for (const ex of ['`我的任务`', '`任务 68`', '`进度 68 60% 已完成初稿`', '`逾期`', '`本周`', '`绑定 区司法局`', '`登记 区司法局`']) expect(zh).toContain(ex);
    const en = shown(await f.say('HELP'));
    for (const ex of ['`my tasks`', '`task 68`', '`progress 68 60% draft done`', '`overdue`', '`this week`', '`bind 区司法局`', '`register 区司法局`']) expect(en).toContain(ex);
  });
});

describe('我的任务 / my tasks', () => {
  it('next deadline first, lead vs taking part, status and latest progress', async () => {
    await f.say('进度 12 30% 起草中');
    const zh = shown(await f.say('我的任务'));
    expect(zh.split('\n')[0]).toBe('【区司法局 · 我的任务（4 项）】');
    const order = [...zh.matchAll(/^任务 (\d+) · /gm)].map((m) => Number(m[1]));
    expect(order).toEqual([68, 5, 12, 30]);
    expect(zh).toContain('任务 68 · 🔴 逾期 · 你单位配合');
    expect(zh).toContain('任务 5 · 🟡 临近 · 你单位牵头');
    expect(zh).toContain('下一期限：2026-03-10（还有 5 天）');
    expect(zh).toContain('最近进展：进行中 30%：起草中（张三，2026-03-05）');
    expect(zh).toContain('下一期限：持续推进，无固定期限');
    const en = shown(await f.say('My Tasks'));
    expect(en.split('\n')[0]).toBe('【区司法局 · my tasks (4)】');
    expect(en).toContain('Task 68 · 🔴 overdue · you take part');
    expect(en).toContain('Task 5 · 🟡 due soon · you lead this');
    expect(en).toContain('Next deadline: 2026-03-10 (5 days left)');
  });

  it('a member of a collective unit sees the collective\'s tasks', async () => {
    const r = shown(await f.say('我的任务', { chatId: 'oc_towns' }));
    expect(r).toContain('城关镇、城南街道 · 我的任务（2 项）');
    expect(r).toContain('你单位配合（城关镇）');
  });

  it('in a direct chat: through a liaison registration or the groups the asker is in', async () => {
    expect(shown(await f.say('我的任务', { ...p2p, senderOpenId: 'ou_new' }))).toContain('`登记 单位名`');
    expect(shown(await f.say('登记 司法局', { ...p2p, senderOpenId: 'ou_new' }))).toContain('已登记：你是区司法局的联络人');
    expect(shown(await f.say('我的任务', { ...p2p, senderOpenId: 'ou_new' }))).toContain('区司法局 · 我的任务（4 项）');
    expect(shown(await f.say('my tasks', { ...p2p, senderOpenId: 'ou_member' }))).toContain('区财政局 · my tasks (2)');
  });

  it('unbound group; a page that does not exist', async () => {
    expect(shown(await f.say('我的任务', { chatId: 'oc_nobody' }))).toContain('本群尚未绑定单位');
    expect(shown(await f.say('我的任务 3'))).toBe('没有第 3 页，共 1 页。');
  });
});

describe('任务 / task', () => {
  it('one task: text, units, milestones, latest progress per unit', async () => {
    await f.say('进度 68 60% 已完成初稿');
    const zh = shown(await f.say('任务 68'));
    expect(zh).toContain('【任务 68】');
    expect(zh).toContain('严格执行法治政府建设年度报告制度');
    expect(zh).toContain('责任单位：牵头：区委办、区政府办; 配合：区司法局、各乡镇(街道)');
    expect(zh).toContain('每年3月1日前：完成上一年度法治政府建设情况报告');
    expect(zh).toContain('每年4月1日前：向社会公开年度报告（下一期限 2026-04-01, 还有 27 天）');
    expect(zh).toContain('进行中 60%：已完成初稿（张三，2026-03-05）');
    const en = shown(await f.say('task #68'));
    expect(en).toContain('【Task 68】');
    expect(en).toContain('Units: lead: 区委办, 区政府办; taking part: 区司法局, 各乡镇(街道)');
    expect(en).toContain('in progress 60%: 已完成初稿 (张三, 2026-03-05)');
  });

  it('unknown number and missing number', async () => {
    expect(shown(await f.say('任务 99'))).toBe('没有任务 99，本方案共 4 项。发送 `我的任务` 查看本单位的任务。');
    expect(shown(await f.say('task 0'))).toContain('There is no task 0; the plan has 4 tasks.');
    expect(shown(await f.say('任务 abc'))).toBe('请写任务编号，例如 `任务 68`。');
  });
});

describe('逾期 / overdue, 本周 / this week', () => {
  it('a unit chat sees its own items', async () => {
    const od = shown(await f.say('逾期'));
    expect(od).toContain('【逾期事项（1 项）】 区司法局');
    expect(od).toContain('任务 68 · 2026-03-01（逾期 4 天）');
    const wk = shown(await f.say('本周'));
    expect(wk).toContain('【7 天内到期（1 项）】');
    expect(wk).toContain('任务 5 · 2026-03-10（还有 5 天）');
    expect(shown(await f.say('overdue'))).toContain('Task 68 · 2026-03-01 (overdue by 4 days)');
    expect(shown(await f.say('this week'))).toContain('Task 5 · 2026-03-10 (5 days left)');
    expect(shown(await f.say('本周', { chatId: 'oc_czj' }))).toContain('未来 7 天没有到期事项');
  });

  it('the office sees the whole plan, with the units still open', async () => {
    await f.say('进度 68 已完成');
    const od = shown(await f.say('逾期', { chatId: 'oc_office' }));
    expect(od).toContain('未完成单位：区委办、区政府办、各乡镇(街道)');
    expect(od).not.toContain('区司法局');
    // A collective is done when each member is.
    await f.say('进度 68 城关镇 已完成', { chatId: 'oc_towns' });
    await f.say('进度 68 城南街道 已完成', { chatId: 'oc_towns' });
    expect(shown(await f.say('逾期', { chatId: 'oc_office' }))).toMatch(/未完成单位：区委办、区政府办$/m);
  });
});

describe('绑定 / bind', () => {
  it('non-admins are refused and nothing changes', async () => {
    expect(shown(await f.say('绑定 区财政局', { chatId: 'oc_new' }))).toBe('只有管理员可以绑定单位。请联系依法治区办的管理员在本群发送 `绑定 单位名`。');
    expect(shown(await f.say('bind 区财政局', { chatId: 'oc_new' }))).toContain('Only admins can bind a unit.');
    expect((await createUnitRepo(f.db).get('区财政局'))?.chatId).toBe('oc_czj');
  });

  it('an admin binds by short name; the binding is audited', async () => {
    expect(shown(await f.say('绑定 财政局', { chatId: 'oc_new', senderOpenId: ADMIN }))).toBe(
      '已绑定：本群代表区财政局。（该单位原先绑定在另一个群，已改到本群。）发送 `我的任务` 查看任务。',
    );
    expect((await createUnitRepo(f.db).get('区财政局'))?.chatId).toBe('oc_new');
    const audit = await createAuditRepo(f.db).list({ action: 'bind', subject: '区财政局' });
    expect(audit.at(-1)).toMatchObject({ actor: ADMIN, source: 'chat', detail: { chatId: 'oc_new', previous: 'oc_czj' } });
    expect(shown(await f.say('bind 区委办', { chatId: 'oc_new', senderOpenId: ADMIN }))).toContain('This group now speaks for: 区财政局, 区委办.');
    expect(shown(await f.say('我的任务', { chatId: 'oc_new' }))).toContain('区财政局、区委办 · 我的任务（3 项）');
  });

  it('ambiguous and unknown names, no name, direct chat', async () => {
    const as = { chatId: 'oc_new', senderOpenId: ADMIN };
    expect(shown(await f.say('绑定 城', as))).toBe('“城”对应多个单位：城关镇、城南街道。请写全称，例如 `绑定 城关镇`。');
    expect(shown(await f.say('绑定 区火星局', as))).toBe('没有找到单位“区火星局”。请写全称或常用简称，例如 `区司法局`。');
    expect(shown(await f.say('绑定', as))).toBe('请写单位名，例如 `绑定 区司法局`。');
    expect(shown(await f.say('绑定 区司法局', { ...p2p, senderOpenId: ADMIN }))).toContain('绑定要在单位的工作群里进行');
    expect(shown(await f.say('绑定 区委依法治区办', { chatId: 'oc_office2', senderOpenId: ADMIN }))).toContain('本群代表区委依法治区办');
  });
});

describe('登记 / register', () => {
  it('registers the sender as a liaison (audited), once', async () => {
    expect(shown(await f.say('register 司法局', { ...p2p, senderOpenId: 'ou_li' }))).toContain('Registered: you are a liaison of 区司法局.');
    expect(shown(await f.say('登记 区司法局', { ...p2p, senderOpenId: 'ou_li' }))).toBe('你已是区司法局的联络人，无需重复登记。');
    expect((await createAuditRepo(f.db).list({ action: 'liaison' })).map((a) => a.actor)).toEqual(['ou_li']);
    expect(shown(await f.say('进度 5 80% 目录已报审', { ...p2p, senderOpenId: 'ou_li' }))).toContain('任务 5 · 区司法局');
    expect(shown(await f.say('登记 城', p2p))).toContain('对应多个单位：城关镇、城南街道');
    expect(shown(await f.say('登记', p2p))).toBe('请写你所在的单位，例如 `登记 区司法局`。');
  });
});
