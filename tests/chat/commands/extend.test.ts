// 延期 / extend, and the office's decision on its card: what the asking chat, the office and `任务 N` show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleCardAction, type CardAction } from '../../../src/chat/card-action.ts';
import { cardToText } from '../../../src/chat/cards/card-to-text.ts';
import { reminderCard } from '../../../src/chat/cards/reminder-card.ts';
import { createExtensionRepo } from '../../../src/store/extension-repo.ts';
import { createAuditRepo } from '../../../src/store/audit-repo.ts';
import { createUnitRepo } from '../../../src/store/unit-repo.ts';
import { replyTargetOf } from '../../../src/store/outbox-repo.ts';
import { DEFAULT_POLICY } from '../../../src/schedule/policy.ts';
import { cli } from '../../support/cli.ts';
import { ADMIN, makeFixture, shown, type Fixture } from './fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.close();
});

/** The outbox row's message as the user would read it. */
async function outboxText(key: string): Promise<{ chatId: string; text: string } | null> {
  const row = await f.db.outbox.findUnique({ where: { key } });
  if (!row) return null;
  const body = JSON.parse(row.body) as { msgType: string; text?: string; card?: Record<string, unknown> };
  return { chatId: row.chatId, text: body.msgType === 'text' ? body.text! : cardToText(body.card!) };
}

const decide = (id: number, decision: 'approve' | 'refuse', over: Partial<CardAction> = {}) =>
  handleCardAction(f.ctx, { openId: 'ou_li', name: '李四', chatId: 'oc_office', messageId: 'om_extcard', value: { op: 'extension', id, decision }, formValue: {}, ...over });

describe('延期 / extend: asking', () => {
  it('a unit’s chat asks before its deadline; the office’s chat gets a card to decide', async () => {
    const r = shown(await f.say('延期 5 2026-03-20 等待区政府常务会审议'));
    expect(r).toBe('已提交延期申请 #1：任务 5 · 区司法局 · 现行期限 2026-03-10 → 申请延至 2026-03-20。待区委依法治区办审批，结果将在本群通知；审批前仍以 2026-03-10 为准。');
    const card = await outboxText('extension:1:ask');
    expect(card?.chatId).toBe('oc_office');
    expect(card?.text).toContain('延期申请 #1 · 任务 5 · 区司法局');
    expect(card?.text).toContain('现行期限 2026-03-10 → 申请延至 2026-03-20（延后 10 天）');
    expect(card?.text).toContain('原因：等待区政府常务会审议');
    expect(card?.text).toContain('申请人 张三');
    expect(card?.text).toMatch(/批准 Approve[\s\S]*不批准 Refuse/);
    const [e] = await createExtensionRepo(f.db).list();
    expect(e).toMatchObject({ taskNumber: 5, unitName: '区司法局', milestoneKey: 'once:2026-03-10', occurrence: '2026-03-10', newDue: '2026-03-20', status: 'pending', requesterId: 'ou_zhang', chatId: 'oc_sfj' });
    expect((await createAuditRepo(f.db).list({ action: 'extension-request' })).map((a) => a.subject)).toEqual(['task 5 / 区司法局']);
  });

  it('the same message processed twice asks once', async () => {
    await f.say('延期 5 2026-03-20 原因', { messageId: 'om_same' });
    await f.say('延期 5 2026-03-20 原因', { messageId: 'om_same' });
    expect(await createExtensionRepo(f.db).list()).toHaveLength(1);
    expect(await f.db.outbox.count({ where: { kind: 'extension' } })).toBe(1);
  });

  it('English, and 2026年3月20日 as the date', async () => {
    expect(shown(await f.say('extend 5 2026-03-20 waiting for the council'))).toMatch(/^Extension request #1 sent: task 5 · 区司法局 · current deadline 2026-03-10 → asked for 2026-03-20\./);
    expect(shown(await f.say('延期 5 2026年3月21日 原因'))).toContain('申请延至 2026-03-21');
  });

  it.each([
    ['延期', '请写任务编号、新的期限和原因，例如 `延期 68 2027-03-15 等待上级批复`。'],
    ['延期 5', '请写任务编号、新的期限和原因，例如 `延期 68 2027-03-15 等待上级批复`。'],
    ['延期 5 明天 原因', '“明天”不是有效日期。请按 2027-03-15 的格式写新的期限，例如 `延期 68 2027-03-15 等待上级批复`。'],
    ['延期 5 2026-02-30 原因', '“2026-02-30”不是有效日期。请按 2027-03-15 的格式写新的期限，例如 `延期 68 2027-03-15 等待上级批复`。'],
    ['延期 5 2026-03-20', '请写明延期原因，例如 `延期 5 2026-03-20 等待上级批复`。'],
    ['延期 5 2026-03-09 原因', '新的期限 2026-03-09 应晚于现行期限 2026-03-10。'],
    ['延期 5 2026-06-09 原因', '新的期限 2026-06-09 超出允许范围：最多可在现行期限 2026-03-10 基础上延期 90 天（即不晚于 2026-06-08）。'],
    // 1 March is overdue: the nearest deadline still ahead is 1 April.
    ['延期 68 2026-03-20 原因', '新的期限 2026-03-20 应晚于现行期限 2026-04-01。'],
    ['延期 999 2026-03-20 原因', '没有任务 999，本方案共 4 项。发送 `我的任务` 查看本单位的任务。'],
    ['延期 5 区财政局 2026-03-20 原因', '只有区财政局的工作群或其登记的联络人可以为区财政局申请延期。'],
  ])('%s → a specific answer, nothing stored', async (words, answer) => {
    expect(shown(await f.say(words))).toBe(answer);
    expect(await createExtensionRepo(f.db).list()).toEqual([]);
    expect(await f.db.outbox.count()).toBe(0);
  });

  it('a reply to the reminder of a deadline already past: too late to extend', async () => {
    const quotedReminder = { taskNumber: 68, unitName: '区司法局', milestoneKey: 'annual:03-01', occurrence: '2026-03-01' };
    expect(shown(await f.say('延期 2026-03-20 原因', { quotedReminder, parentId: 'om_card' }))).toBe(
      '任务 68 的期限 2026-03-01 已过，不能再申请延期。请发送 `进度 68 …` 报告进展，或与依法治办联系。',
    );
    // The same reply about 1 April's report is a request for that deadline.
    const april = { ...quotedReminder, milestoneKey: 'annual:04-01', occurrence: '2026-04-01' };
    expect(shown(await f.say('延期 2026-04-20 原因', { quotedReminder: april, parentId: 'om_card2' }))).toContain('任务 68 · 区司法局 · 现行期限 2026-04-01 → 申请延至 2026-04-20');
  });

  it('only the unit’s chat or its liaison: another unit, an unbound group, a stranger in a direct chat', async () => {
    expect(shown(await f.say('延期 5 2026-03-20 原因', { chatId: 'oc_czj' }))).toContain('任务 5 不由区财政局承担');
    expect(shown(await f.say('延期 5 2026-03-20 原因', { chatId: 'oc_nobody' }))).toContain('本群尚未绑定单位');
    expect(shown(await f.say('延期 5 2026-03-20 原因', { chatType: 'p2p', chatId: 'oc_p2p', senderOpenId: 'ou_x' }))).toContain('还不知道你代表哪个单位');
    // An admin is not a unit: admins decide, they do not ask.
    expect(shown(await f.say('延期 5 区司法局 2026-03-20 原因', { chatId: 'oc_czj', senderOpenId: ADMIN }))).toBe('只有区司法局的工作群或其登记的联络人可以为区司法局申请延期。');
    expect(await createExtensionRepo(f.db).list()).toEqual([]);
    // The unit's registered liaison may ask from a direct chat.
    await createUnitRepo(f.db).addLiaison('ou_wang', '区司法局', { actor: 'cli', source: 'cli' });
    expect(shown(await f.say('延期 5 2026-03-20 原因', { chatType: 'p2p', chatId: 'oc_p2p_wang', senderOpenId: 'ou_wang' }))).toContain('已提交延期申请 #1');
  });

  it('a chat that speaks for several units on the task is asked which', async () => {
    expect(shown(await f.say('延期 68 2026-04-20 原因', { chatId: 'oc_towns' }))).toBe(
      '这里代表多个单位承担任务 68：城关镇、城南街道。请写明单位，例如 `延期 68 城关镇 2027-03-15 原因`。',
    );
    expect(shown(await f.say('延期 68 城南街道 2026-04-20 原因', { chatId: 'oc_towns' }))).toContain('任务 68 · 城南街道 · 现行期限 2026-04-01 → 申请延至 2026-04-20');
  });

  it('not after the plan ends (the policy allowing a long extension)', async () => {
    const policy = { ...DEFAULT_POLICY, extension: { ...DEFAULT_POLICY.extension, maxDays: 366 } };
    const now = new Date('2027-06-20T02:00:00Z');
    const r = await f.say('延期 12 2028-01-10 原因', { now, chatId: 'oc_sfj' });
    expect(shown(r)).toBe('新的期限 2028-01-10 超出允许范围：最多可在现行期限 2027-06-30 基础上延期 90 天（即不晚于 2027-09-28）。');
    f.ctx.policy = policy;
    expect(shown(await f.say('延期 12 2028-01-10 原因', { now }))).toBe('新的期限 2028-01-10 晚于方案的截止日 2027-12-31，不能延期到方案期限之后。');
  });
});

describe('the office decides', () => {
  beforeEach(async () => {
    await f.say('延期 5 2026-03-20 等待区政府常务会审议', { messageId: 'om_ask' });
  });

  it('approve: the asking chat hears it, 任务 5 shows the new deadline and the original', async () => {
    const r = await decide(1, 'approve', { formValue: { comment: '同意，请按期完成' } });
    expect(r.toast).toEqual({ type: 'success', content: '延期申请 #1 已批准，已通知申请单位' });
    expect(cardToText(r.card!)).toContain('✅ 已批准 · 李四');
    expect(cardToText(r.card!)).toContain('意见：同意，请按期完成');
    expect(cardToText(r.card!)).not.toContain('Approve');
    const notice = await outboxText('extension:1:decision');
    expect(notice).toEqual({ chatId: 'oc_sfj', text: '✅ 延期申请 #1 已批准：任务 5 · 区司法局 · 原定 2026-03-10，延期至 2026-03-20。（李四：同意，请按期完成）' });
    expect(replyTargetOf((await f.db.outbox.findUniqueOrThrow({ where: { key: 'extension:1:decision' } })).body)).toBe('om_ask');
    const task = shown(await f.say('任务 5'));
    expect(task).toContain('区司法局 · 2026-03-20（原定 2026-03-10，已批准延期至 2026-03-20；还有 15 天）');
    expect(task).toContain('⏳ 延期申请 #1：2026-03-10 → 2026-03-20 · 已批准');
    expect((await createAuditRepo(f.db).list({ action: 'extension-decision' }))[0]).toMatchObject({ actor: 'ou_li', detail: { extensionId: 1, status: 'approved' } });
  });

  it('a second request for the same occurrence is allowed, from the new deadline, and shown in order', async () => {
    await decide(1, 'approve');
    expect(shown(await f.say('延期 5 2026-03-31 仍在审议'))).toContain('现行期限 2026-03-20 → 申请延至 2026-03-31');
    await decide(2, 'refuse', { formValue: { comment: '不再延期' } });
    expect(await outboxText('extension:2:decision')).toEqual({ chatId: 'oc_sfj', text: '❌ 延期申请 #2 未获批准：任务 5 · 区司法局 仍以 2026-03-20 为期限。（李四：不再延期）' });
    const task = shown(await f.say('任务 5'));
    expect(task).toMatch(/#1：2026-03-10 → 2026-03-20 · 已批准\n⏳ 延期申请 #2：2026-03-20 → 2026-03-31 · 未批准/);
    expect(task).toContain('2026-03-20（原定 2026-03-10，已批准延期至 2026-03-20；还有 15 天）');
  });

  it('refuse keeps the original deadline', async () => {
    const r = await decide(1, 'refuse');
    expect(r.toast.content).toBe('延期申请 #1 已退回，已通知申请单位');
    expect((await outboxText('extension:1:decision'))?.text).toBe('❌ 延期申请 #1 未获批准：任务 5 · 区司法局 仍以 2026-03-10 为期限。（李四）');
    expect(shown(await f.say('任务 5'))).toContain('区司法局 · 2026-03-10（还有 5 天）');
  });

  it('a forged decision from outside the office is refused and changes nothing', async () => {
    const r = await decide(1, 'approve', { openId: 'ou_x', chatId: 'oc_sfj' });
    expect(r.toast).toEqual({ type: 'error', content: '只有区委依法治区办的成员或管理员可以审批延期申请。' });
    expect(r.card).toBeUndefined();
    expect((await createExtensionRepo(f.db).get(1))?.status).toBe('pending');
    expect(await f.db.outbox.findUnique({ where: { key: 'extension:1:decision' } })).toBeNull();
    expect(await createAuditRepo(f.db).list({ action: 'extension-decision' })).toEqual([]);
    // An admin may decide from anywhere.
    expect((await decide(1, 'approve', { openId: ADMIN, chatId: 'oc_sfj' })).toast.type).toBe('success');
  });

  it('the first decision stands: a second click, or the other button, is told who decided', async () => {
    await decide(1, 'approve');
    const again = await decide(1, 'refuse', { openId: 'ou_zhao', name: '赵六' });
    expect(again.toast).toEqual({ type: 'info', content: '延期申请 #1 已由 李四 批准，不能重复审批。' });
    expect((await createExtensionRepo(f.db).get(1))?.status).toBe('approved');
    expect(await f.db.outbox.count({ where: { key: { startsWith: 'extension:1:decision' } } })).toBe(1);
    expect((await decide(9, 'approve')).toast.content).toBe('没有延期申请 #9。');
    expect((await handleCardAction(f.ctx, { openId: 'ou_li', chatId: 'oc_office', messageId: 'm', value: { op: 'extension', id: 'x' }, formValue: {} })).toast.type).toBe('error');
  });

  it('registry show lists every request and decision', async () => {
    await decide(1, 'approve', { formValue: { comment: '同意' } });
    const r = await cli(['registry', 'show', '5'], { DATABASE_URL: f.url });
    expect(r.code).toBe(0);
    expect(r.out).toContain('延期申请 extensions (1):');
    expect(r.out).toMatch(/#1 {2}\S+ {2}区司法局 {2}2026-03-10 → 2026-03-20 {2}approved {2}原因: 等待区政府常务会审议 {2}— 张三 {2}批准 \S+ 李四「同意」/);
    const json = JSON.parse((await cli(['registry', 'show', '5', '--json'], { DATABASE_URL: f.url })).out) as { extensions: { id: number; status: string }[] };
    expect(json.extensions.map((e) => [e.id, e.status])).toEqual([[1, 'approved']]);
  });
});

describe('the reminder card’s “apply for extension” form', () => {
  const item = (occurrence: string, daysLeft: number) => ({
    taskNumber: 5, taskText: '制定目录', role: 'lead' as const, unitName: '区司法局', label: '公布目录', milestoneKey: `once:${occurrence}`, occurrence, step: 'D-7', daysLeft,
  });

  it('is offered on items still ahead, not on overdue ones', () => {
    const text = cardToText(reminderCard([item('2026-03-10', 5), item('2026-03-01', -4)], '区司法局', '2026-03-05'));
    expect(text.match(/\[申请延期 Extend\]/g)).toHaveLength(1);
    expect(text.match(/\[新的期限: ____-__-__\]/g)).toHaveLength(1);
    // Every form sits at the card's root (Lark refuses a form inside another container).
    const card = reminderCard([item('2026-03-10', 5)], '区司法局', '2026-03-05') as { body: { elements: { tag: string }[] } };
    expect(JSON.stringify(card.body.elements.filter((e) => e.tag !== 'form'))).not.toContain('"tag":"form"');
  });

  it('a submitted form is a request like the command; the date picker’s "+0800" is read', async () => {
    const value = { op: 'extend', task: 5, unit: '区司法局', mk: 'once:2026-03-10', occ: '2026-03-10', day: '2026-03-05', slot: 0 };
    const r = await handleCardAction(f.ctx, { eventId: 'ev_1', openId: 'ou_zhang', name: '张三', chatId: 'oc_sfj', messageId: 'om_rem', value, formValue: { newdue_0: '2026-03-20 +0800', reason_0: '等待审议' } });
    expect(r.toast).toEqual({ type: 'success', content: expect.stringContaining('已提交延期申请 #1：任务 5 · 区司法局 · 现行期限 2026-03-10 → 申请延至 2026-03-20') });
    expect(r.queued).toBe(true);
    expect((await createExtensionRepo(f.db).get(1))).toMatchObject({ reason: '等待审议', requesterName: '张三' });
    expect((await outboxText('extension:1:ask'))?.chatId).toBe('oc_office');
    // Too far, and from a chat that does not speak for the unit: a sentence, nothing stored.
    const far = await handleCardAction(f.ctx, { eventId: 'ev_2', openId: 'ou_zhang', chatId: 'oc_sfj', messageId: 'om_rem', value, formValue: { newdue_0: '2026-12-20 +0800', reason_0: 'x' } });
    expect(far.toast).toMatchObject({ type: 'error', content: expect.stringContaining('超出允许范围') });
    const other = await handleCardAction(f.ctx, { eventId: 'ev_3', openId: 'ou_x', chatId: 'oc_czj', messageId: 'om_rem', value, formValue: { newdue_0: '2026-03-20 +0800', reason_0: 'x' } });
    expect(other.toast.content).toContain('你不能代表区司法局');
    expect(await createExtensionRepo(f.db).list()).toHaveLength(1);
  });
});
