import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleCardAction, type CardAction } from '../../src/chat/card-action.ts';
import { cardToText } from '../../src/chat/cards/card-to-text.ts';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import { makeFixture, NOW, type Fixture } from './commands/fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.close();
});

const value = { op: 'progress', task: 68, unit: '区司法局', mk: 'annual:03-01', occ: '2026-03-01', day: '2026-03-05', slot: 0 };
const act = (over: Partial<CardAction> = {}): CardAction => ({ openId: 'ou_zhang', chatId: 'oc_sfj', messageId: 'om_card', value, formValue: {}, ...over });

describe('handleCardAction', () => {
  it('a form submission is recorded (via card) and the card shows it was received', async () => {
    const t0 = performance.now();
    const r = await handleCardAction(f.ctx, act({ name: '张三', formValue: { status_0: 'progress', percent_0: '60', note_0: '已完成初稿' } }));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.toast).toEqual({ type: 'success', content: '已记录任务 68 · 区司法局 的进展' });
    const [p] = await createProgressRepo(f.db).list();
    expect(p).toMatchObject({ taskNumber: 68, unitName: '区司法局', status: 'progress', percent: 60, text: '已完成初稿', via: 'card', reporterId: 'ou_zhang', reporterName: '张三', chatId: 'oc_sfj', milestoneKey: 'annual:03-01', occurrence: '2026-03-01' });
    expect(p.at.toISOString()).toBe(NOW.toISOString());
    const text = cardToText(r.card!);
    expect(text).toContain('✅ 已收到 张三 的进展：进行中 60%（03-05 10:00）');
    // The week's other item (task 5, due 03-10) keeps its form.
    expect(text).toContain('任务 5 · 你单位牵头 · 期限 2026-03-10（还有 5 天）');
    expect(JSON.stringify(r.card)).toContain('"name":"form_1"');
  });

  it('the done button marks done; the 03-01 occurrence is then closed', async () => {
    const r = await handleCardAction(f.ctx, act({ value: { ...value, op: 'done' } }));
    expect(r.toast.type).toBe('success');
    expect((await createProgressRepo(f.db).list())[0]).toMatchObject({ status: 'done', percent: 100 });
    expect(cardToText(r.card!)).toContain('✅ 已收到 区司法局 的进展：已完成 100%');
  });

  it('bad values, bad percent, empty form, someone who does not speak for the unit', async () => {
    expect((await handleCardAction(f.ctx, act({ value: { op: 'hack' } }))).toast).toMatchObject({ type: 'error', content: expect.stringContaining('卡片内容已失效') });
    expect((await handleCardAction(f.ctx, act({ value: { ...value, occ: '2026-3-1' } }))).toast.type).toBe('error');
    expect((await handleCardAction(f.ctx, act({ formValue: { percent_0: '150' } }))).toast.content).toBe('完成比例应在 0 到 100 之间，收到的是 150。');
    expect((await handleCardAction(f.ctx, act({ formValue: { percent_0: 'abc' } }))).toast.type).toBe('error');
    expect((await handleCardAction(f.ctx, act({ formValue: { status_0: 'done', percent_0: '40' } }))).toast.content).toContain('100%');
    expect((await handleCardAction(f.ctx, act({ formValue: {} }))).toast.type).toBe('warning');
    expect((await handleCardAction(f.ctx, act({ chatId: 'oc_czj', openId: 'ou_x' }))).toast.content).toContain('你不能代表区司法局报进展');
    expect((await handleCardAction(f.ctx, act({ value: { ...value, unit: '区火星局' } }))).toast.content).toContain('没有找到单位');
    expect(await createProgressRepo(f.db).list()).toEqual([]);
  });

  it('blocked from the form, percent as a number', async () => {
    const r = await handleCardAction(f.ctx, act({ value: { ...value, task: '68' }, formValue: { status_0: 'blocked', percent_0: 30, note_0: '等待批复' } }));
    expect(r.toast.type).toBe('success');
    expect((await createProgressRepo(f.db).list())[0]).toMatchObject({ status: 'blocked', percent: 30, text: '等待批复' });
  });
});
