// Issue 12, end to end: the real plan, the real SDK against the fake Lark, a clock stepped one day at a
// time. 区委办 asks to move task 68's 1 March report to the 15th and the office approves; 区政府办 asks
// and is refused; a third request is left undecided and reaches the office's daily card.
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, fixedClock, instantAt } from '../../src/clock.ts';
import { cardToText } from '../../src/chat/cards/card-to-text.ts';
import { startFakeLark, type FakeLark, type SentMessage } from '../fakes/fake-lark.ts';
import {
  bindUnits,
  CHAT_QWB,
  CHAT_QZFB,
  cardActionEnvelope,
  contentText,
  findButtonValue,
  flattened,
  freshPlanDb,
  makeTempDir,
  messageEnvelope,
  repliesTo,
  startTestApp,
  TZ,
  waitFor,
  type TestApp,
} from './helpers.ts';

const CHAT_OFFICE = 'oc_e2e000000000000000000000office';
const OFFICE_MEMBER = 'ou_e2e0000000000000000000000office1';
const OUTSIDER = 'ou_e2e0000000000000000000000000x1';

let fake: FakeLark | undefined;
let t: TestApp | undefined;
let removeDir: (() => void) | undefined;

afterEach(async () => {
  await t?.app.close();
  await fake?.close();
  removeDir?.();
  t = fake = removeDir = undefined;
});

type Toast = { toast?: { type: string; content: string } };

/** What the chat shows: a card as its text, markdown stripped. */
const shown = (m: SentMessage) => (m.msg_type === 'interactive' ? cardToText(m.content as Record<string, unknown>) : contentText(m));

describe.sequential('extension requests (real plan, real SDK, fake Lark, stepped clock)', () => {
  it('approved: the ladder and the lights follow the new day; refused: the original stands; undecided: on the office’s card', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    const databaseUrl = await freshPlanDb(tmp.dir);
    await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB, 区委依法治区办: CHAT_OFFICE });
    fake = await startFakeLark();
    const clock = fixedClock(instantAt('2027-02-15', '09:30', TZ));
    t = await startTestApp({ fake, databaseUrl, clock });
    const { app } = t;
    const f = fake;

    const say = async (text: string, chatId: string) => {
      const envelope = messageEnvelope(text, { chatId });
      const id = envelope.event.message.message_id;
      await app.inbound.onMessageEvent(flattened(envelope));
      await app.inbound.processPending();
      return contentText(await waitFor(() => repliesTo(f, id)[0], `the answer to "${text}"`));
    };
    const officeCardOf = (id: number) => waitFor(() => f.sent.find((m) => m.receive_id === CHAT_OFFICE && contentText(m).includes(`延期申请 #${id} ·`)), `the office's card for #${id}`);
    const click = async (card: SentMessage, id: number, decision: string, o: { operator: string; chatId: string; comment?: string }) =>
      (await app.inbound.onCardAction(
        flattened(
          cardActionEnvelope({
            value: findButtonValue(card.content, (v) => v.op === 'extension' && v.id === id && v.decision === decision),
            formValue: o.comment ? { comment: o.comment } : {},
            chatId: o.chatId,
            messageId: card.messageId,
            operator: o.operator,
          }),
        ),
      )) as Toast;

    const byDay = new Map<string, SentMessage[]>();
    const asks: Record<string, string> = {};
    const toasts: Record<string, Toast['toast']> = {};
    for (let day = '2027-02-15'; day <= '2027-04-10'; day = addDays(day, 1)) {
      const now = instantAt(day, '09:30', TZ);
      clock.set(now);
      const before = f.sent.length;
      const { dispatched } = await app.schedulerPass(now);
      expect(dispatched.failed, `failed sends on ${day}`).toBe(0);
      if (day === '2027-02-23') {
        clock.set(instantAt(day, '10:00', TZ));
        asks.qwb = await say('延期 68 2027-03-15 等待区委常委会审定', CHAT_QWB);
        asks.qzfb = await say('延期 68 2027-03-10 材料尚未齐备', CHAT_QZFB);
        const card1 = await officeCardOf(1);
        // Someone outside the office presses approve (a forwarded card): refused, nothing changes.
        toasts.forged = (await click(card1, 1, 'approve', { operator: OUTSIDER, chatId: CHAT_QWB })).toast;
      }
      if (day === '2027-02-24') {
        clock.set(instantAt(day, '11:00', TZ));
        toasts.approve = (await click(await officeCardOf(1), 1, 'approve', { operator: OFFICE_MEMBER, chatId: CHAT_OFFICE, comment: '同意' })).toast;
        toasts.refuse = (await click(await officeCardOf(2), 2, 'refuse', { operator: OFFICE_MEMBER, chatId: CHAT_OFFICE, comment: '请按原定期限完成' })).toast;
        // The decision notices (the asks' own answers also name 延期申请 #: not those).
        await waitFor(() => f.sent.filter((m) => m.kind === 'reply' && /^[✅❌] 延期申请/.test(contentText(m))).length === 2, 'both decisions told');
      }
      if (day === '2027-03-10') {
        clock.set(instantAt(day, '10:00', TZ));
        // 区政府办's 1 March report is overdue; the request is for the next deadline ahead, 1 April.
        asks.april = await say('延期 68 2027-04-15 需等待统计数据', CHAT_QZFB);
      }
      byDay.set(day, f.sent.slice(before));
    }

    expect(asks.qwb).toContain('已提交延期申请 #1：任务 68 · 区委办 · 现行期限 2027-03-01 → 申请延至 2027-03-15');
    expect(asks.qzfb).toContain('已提交延期申请 #2：任务 68 · 区政府办 · 现行期限 2027-03-01 → 申请延至 2027-03-10');
    expect(asks.april).toContain('已提交延期申请 #3：任务 68 · 区政府办 · 现行期限 2027-04-01 → 申请延至 2027-04-15');
    expect(toasts.forged).toEqual({ type: 'error', content: '只有区委依法治区办的成员或管理员可以审批延期申请。' });
    expect(toasts.approve).toEqual({ type: 'success', content: '延期申请 #1 已批准，已通知申请单位' });
    expect(toasts.refuse).toEqual({ type: 'success', content: '延期申请 #2 已退回，已通知申请单位' });
    // Each asking chat is told, in reply to its request.
    const told = f.sent.filter((m) => m.kind === 'reply' && /^[✅❌] 延期申请/.test(contentText(m)));
    expect(told).toHaveLength(2);
    expect(contentText(told[0]!)).toMatch(/^✅ 延期申请 #1 已批准：任务 68 · 区委办 · 原定 2027-03-01，延期至 2027-03-15。（.+：同意）$/);
    expect(contentText(told[1]!)).toMatch(/^❌ 延期申请 #2 未获批准：任务 68 · 区政府办 仍以 2027-03-01 为期限。（.+：请按原定期限完成）$/);

    // Nothing twice: every Lark message is its own outbox row.
    const uuids = f.sent.map((m) => m.uuid).filter(Boolean);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(f.duplicates).toEqual([]);

    // The Reminder table: each step once, in order.
    const task = await app.db.task.findUniqueOrThrow({ where: { number: 68 } });
    const steps = await app.db.reminder.findMany({ where: { taskId: task.id, milestoneKey: 'annual:03-01', occurrence: '2027-03-01' }, orderBy: { id: 'asc' } });
    const of = (chat: string) => steps.filter((s) => s.chatId === chat).map((s) => `${s.step} ${s.sendOn}`);
    // 区委办: the original ladder until the approval on the 24th, then the ladder of the 15th; no
    // overdue notice for 1 March, the first one the day after the 15th.
    expect(of(CHAT_QWB)).toEqual([
      'D-30 2027-01-29',
      'D-7 2027-02-22',
      'W-3 2027-02-24',
      'D-7@2027-03-15 2027-03-08',
      'W-3@2027-03-15 2027-03-10',
      'W-1@2027-03-15 2027-03-12',
      'D0@2027-03-15 2027-03-15',
      'OD+1@2027-03-15 2027-03-16',
      'OD+W1@2027-03-15 2027-03-23',
      'OD+W2@2027-03-15 2027-03-30',
      'OD+W3@2027-03-15 2027-04-06',
    ]);
    // 区政府办 was refused: the ladder and the overdue notices of 1 March.
    expect(of(CHAT_QZFB)).toEqual([
      'D-30 2027-01-29',
      'D-7 2027-02-22',
      'W-3 2027-02-24',
      'W-1 2027-02-26',
      'D0 2027-03-01',
      'OD+1 2027-03-02',
      'OD+W1 2027-03-09',
      'OD+W2 2027-03-16',
      'OD+W3 2027-03-23',
      'OD+W4 2027-03-30',
      'OD+W5 2027-04-06',
    ]);

    // What 区委办's chat read on 8 March: the new deadline with the original beside it.
    const qwb0308 = byDay.get('2027-03-08')!.filter((m) => m.receive_id === CHAT_QWB).map(shown).join('\n');
    expect(qwb0308).toContain('期限 2027-03-15（原定 2027-03-01，已批准延期至 2027-03-15；还有 7 天）');
    // The office's overdue list: 区政府办 from 2 March; 区委办 only after the 15th.
    const office = (day: string) => byDay.get(day)!.filter((m) => m.receive_id === CHAT_OFFICE && contentText(m).includes('督办日报')).map(shown).join('\n');
    expect(office('2027-03-02')).toMatch(/任务 68.*区政府办/);
    expect(office('2027-03-02')).not.toMatch(/任务 68.*区委办（牵头）/);
    expect(office('2027-03-16')).toContain('截止 2027-03-15（原定 2027-03-01，已批准延期）');
    // #3 (asked 10 March) undecided: on the office's card from the third working day on (15 March), not before.
    expect(office('2027-03-12')).not.toContain('待审批的延期申请');
    expect(office('2027-03-15')).toContain('待审批的延期申请（1）');
    expect(office('2027-03-15')).toContain('延期申请 #3 · 任务 68 · 区政府办 · 2027-04-01 → 2027-04-15');
    // The lights as 任务 68 tells them on the last day: 区委办 red since the 15th passed, the original kept.
    const answer = await say('任务 68', CHAT_OFFICE);
    expect(answer).toContain('2027-03-15（原定 2027-03-01，已批准延期至 2027-03-15；逾期 26 天）');
    expect(answer).toContain('⏳ 延期申请 #1：2027-03-01 → 2027-03-15 · 已批准');
    expect(answer).toContain('⏳ 延期申请 #2：2027-03-01 → 2027-03-10 · 未批准');
  }, 120_000);
});
