// Issue 4, webhook mode end to end, wired as main.ts wires it: createApp + startLarkReceiver (encrypt
// key + verification token) + the real SDK gateway against the fake Lark. Signed, encrypted
// im.message.receive_v1 / card.action.trigger POSTs go in; the replies are checked as the fake
// received them (reply endpoint, parent message, content).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { startFakeLark, signForLark, type FakeLark, type SentMessage } from '../fakes/fake-lark.ts';
import {
  ADMIN_OPEN_ID,
  USER_OPEN_ID,
  bindUnits,
  CHAT_QWB,
  CHAT_QZFB,
  cardActionEnvelope,
  contentText,
  freshPlanDb,
  larkOf,
  makeTempDir,
  messageEnvelope,
  postWebhook,
  repliesTo,
  sealed,
  startTestApp,
  testLogger,
  TZ,
  waitFor,
  type TestApp,
} from './helpers.ts';

const NOW = instantAt('2027-02-22', '10:00', TZ); // a Monday, a week before task 68's 1 March deadline
const CHAT_SFJ = 'oc_e2e000000000000000000000000sfj'; // a 区司法局 group, bound during the test
const P2P = 'oc_e2e0000000000000000000000p2p01';

let fake: FakeLark;
let t: TestApp;
let receiver: LarkReceiver;
let base: string;
let removeDir: () => void;

beforeEach(async () => {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  fake = await startFakeLark();
  fake.setUserName(USER_OPEN_ID, '王晓明'); // the contact API knows the usual sender
  t = await startTestApp({ fake, databaseUrl, clock: fixedClock(NOW), larkStatus: () => receiver?.status() ?? 'starting' });
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port: 0,
    host: '127.0.0.1',
    logger: testLogger,
    onMessageEvent: (raw) => t.app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => t.app.inbound.onCardAction(raw),
    health: () => t.app.health(),
  });
  base = `http://127.0.0.1:${receiver.port}`;
});

afterEach(async () => {
  await receiver?.close();
  await t?.app.close();
  await fake?.close();
  removeDir?.();
});

type Envelope = ReturnType<typeof messageEnvelope>;

/** POST one message as Lark would (encrypted, signed) and wait for the bot's reply to reach the fake. */
async function ask(envelope: Envelope): Promise<SentMessage> {
  const r = await postWebhook(base, '/lark/events', envelope);
  expect(r).toEqual({ status: 200, body: {} });
  const id = envelope.event.message.message_id;
  const [reply] = await waitFor(() => {
    const rs = repliesTo(fake, id);
    return rs.length ? rs : undefined;
  }, `the reply to ${envelope.event.message.content}`);
  return reply;
}

const say = (text: string, o: Parameters<typeof messageEnvelope>[1] = {}) => ask(messageEnvelope(text, o));

describe.sequential('chat over webhooks (createApp + startLarkReceiver, real SDK, fake Lark)', () => {
  it('answers every contract command with the reply Lark receives', async () => {
    // 帮助 in a group, @bot
    const help = await say('帮助');
    expect(help).toMatchObject({ kind: 'reply', msg_type: 'text', uuid: expect.stringMatching(/^duban-outbox-\d+$/) });
    expect(contentText(help)).toContain('督办 可以做这些');
    expect(contentText(help)).toContain('`进度 68 60% 已完成初稿`');

    // 我的任务 in 区委办's group: a card of 区委办's tasks, task 68 among them
    const mine = await say('我的任务');
    expect(mine.msg_type).toBe('interactive');
    expect(contentText(mine)).toMatch(/区委办 · 我的任务（\d+ 项）/);
    expect(contentText(mine)).toContain('任务 68');

    // 我的任务 in a direct chat, before and after the user registers for a unit
    expect(contentText(await say('我的任务', { chatType: 'p2p', chatId: P2P }))).toContain('还不知道你代表哪个单位');
    expect(contentText(await say('登记 区政府办', { chatType: 'p2p', chatId: P2P }))).toContain('已登记：你是区政府办的联络人');
    const p2pMine = await say('我的任务', { chatType: 'p2p', chatId: P2P });
    expect(p2pMine.msg_type).toBe('interactive');
    expect(contentText(p2pMine)).toMatch(/区政府办 · 我的任务（\d+ 项）/);

    // 任务 68: text, units, milestones
    const task = await say('任务 68');
    expect(task.msg_type).toBe('interactive');
    const taskWords = contentText(task);
    for (const w of ['任务 68', '法治政府建设', '区委办', '区政府办', '区司法局']) expect(taskWords).toContain(w);

    // 进度 68 60% 已完成初稿: recorded for 区委办, against the 1 March deadline, still in progress
    const progress = await say('进度 68 60% 已完成初稿');
    expect(contentText(progress)).toBe('已记录：任务 68 · 区委办 · 进行中 · 60% · 已完成初稿（对应节点 2027-03-01）。发送 `任务 68` 查看各单位进展。');
    const rows = await t.app.db.progress.findMany({ include: { unit: true, task: true } });
    expect(rows.map((p) => [p.task.number, p.unit.name, p.status, p.percent, p.text, p.via, p.chatId, p.reporterId, p.reporterName])).toEqual([
      [68, '区委办', 'progress', 60, '已完成初稿', 'command', CHAT_QWB, USER_OPEN_ID, '王晓明'],
    ]);
    // … and 任务 68 now shows it
    expect(contentText(await say('任务 68'))).toContain('已完成初稿');

    // 逾期 and 本周
    expect(contentText(await say('逾期'))).toMatch(/逾期事项（\d+ 项）|没有逾期事项/);
    const week = await say('本周');
    expect(contentText(week)).toMatch(/7 天内到期（\d+ 项）/);
    expect(contentText(week)).toContain('任务 68');

    // 绑定 区司法局: a non-admin is refused, an admin binds the group
    const refused = await say('绑定 区司法局', { chatId: CHAT_SFJ });
    expect(contentText(refused)).toContain('只有管理员可以绑定单位');
    expect((await t.app.db.unit.findUniqueOrThrow({ where: { name: '区司法局' } })).chatId).toBeNull();
    const bound = await say('绑定 区司法局', { chatId: CHAT_SFJ, sender: ADMIN_OPEN_ID });
    expect(contentText(bound)).toContain('已绑定：本群代表区司法局');
    expect((await t.app.db.unit.findUniqueOrThrow({ where: { name: '区司法局' } })).chatId).toBe(CHAT_SFJ);

    // Group chatter without @bot: stored or not, never answered.
    const chatter = messageEnvelope('我的任务', { mentionBot: false });
    expect(await postWebhook(base, '/lark/events', chatter)).toEqual({ status: 200, body: {} });
    await t.app.inbound.processPending();
    await t.app.dispatch();
    expect(repliesTo(fake, chatter.event.message.message_id)).toEqual([]);

    // Every reply went to Lark's reply endpoint, once, under its outbox uuid.
    const replies = fake.sent.filter((m) => m.kind === 'reply');
    expect(replies.length).toBe(fake.sent.length);
    expect(new Set(replies.map((m) => m.parentId)).size).toBe(replies.length);
    expect(new Set(replies.map((m) => m.uuid)).size).toBe(replies.length);
    expect(fake.requests.filter((r) => /\/reply$/.test(r.path)).every((r) => r.method === 'POST' && r.status === 200)).toBe(true);
  });

  it('a reminder card’s progress form submit → toast + redrawn card in the HTTP response, progress stored', async () => {
    await t.app.schedulerPass(instantAt('2027-02-22', '09:30', TZ));
    const card = fake.sent.find((m) => m.receive_id === CHAT_QWB && contentText(m).includes('任务 68'));
    expect(card).toBeDefined();
    const { value, slot } = submitButton(card!.content, 68);

    const envelope = cardActionEnvelope({
      value,
      formValue: { [`status_${slot}`]: 'progress', [`percent_${slot}`]: '80', [`note_${slot}`]: '报告已送审' },
      chatId: CHAT_QWB,
      messageId: card!.messageId,
      name: `submit_${slot}`,
    });
    const r = await postWebhook(base, '/lark/cards', envelope);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      toast: { type: 'success', content: '已记录任务 68 · 区委办 的进展' },
      card: { type: 'raw', data: { schema: '2.0' } },
    });
    expect(JSON.stringify(r.body)).toContain('✅ 已收到 王晓明 的进展：进行中 80%');
    const rows = await t.app.db.progress.findMany({ include: { unit: true, task: true } });
    expect(rows.map((p) => [p.task.number, p.unit.name, p.status, p.percent, p.text, p.via, p.occurrence])).toEqual([
      [68, '区委办', 'progress', 80, '报告已送审', 'card', '2027-03-01'],
    ]);

    // Lark re-sends the same callback: same answer, nothing stored twice.
    const again = await postWebhook(base, '/lark/cards', envelope);
    expect(again).toEqual(r);
    expect(await t.app.db.progress.count()).toBe(1);
  });

  it('one event delivered three times, and again under a new event_id → one answer, one progress record', async () => {
    const envelope = messageEnvelope('进度 68 60% 已完成初稿');
    const id = envelope.event.message.message_id;
    for (let i = 0; i < 3; i++) expect(await postWebhook(base, '/lark/events', envelope)).toEqual({ status: 200, body: {} });
    // A redelivery Lark gave a new event_id (same message).
    const redelivered = { ...envelope, header: { ...envelope.header, event_id: `${envelope.header.event_id}-retry` } };
    expect(await postWebhook(base, '/lark/events', redelivered)).toEqual({ status: 200, body: {} });

    await waitFor(() => repliesTo(fake, id).length > 0, 'the reply');
    // Let any (wrongly) queued second answer go out before counting.
    await t.app.inbound.processPending();
    await t.app.dispatch();
    expect(repliesTo(fake, id)).toHaveLength(1);
    expect(fake.duplicates).toEqual([]);
    expect(await t.app.db.progress.count()).toBe(1);
    expect(await t.app.db.inboundEvent.count()).toBe(1);
    expect(await t.app.db.outbox.count({ where: { kind: 'reply' } })).toBe(1);
  });

  it('forged webhooks are rejected and nothing is stored', async () => {
    const before = await t.app.db.inboundEvent.count();
    const envelope = messageEnvelope('进度 68 100% 已完成', { chatId: CHAT_QWB });
    const good = sealed(envelope);

    // Signature over another body.
    const badSig = await postWebhook(base, '/lark/events', null, { raw: good.raw, headers: { ...good.headers, ...pick(signForLark('{}', 'duban-e2e-encrypt-key'), 'x-lark-signature') } });
    expect(badSig.status).toBe(401);
    // No signature.
    expect((await postWebhook(base, '/lark/events', null, { raw: good.raw, headers: {} })).status).toBe(401);
    // Correctly sealed but the verification token is wrong.
    const wrongToken = await postWebhook(base, '/lark/events', messageEnvelope('进度 68 100% 已完成', { token: 'forged-token' }));
    expect(wrongToken.status).toBe(401);
    // Encrypted and signed with someone else's key.
    const otherKey = sealed(envelope, 'not-our-encrypt-key');
    expect((await postWebhook(base, '/lark/events', null, otherKey)).status).toBe(400);
    // Plain JSON while an encrypt key is configured (unsigned).
    expect((await postWebhook(base, '/lark/events', null, { raw: JSON.stringify(envelope), headers: {} })).status).toBe(401);
    // A forged card callback.
    const forgedCard = sealed(cardActionEnvelope({ value: { op: 'done' }, chatId: CHAT_QWB, messageId: 'om_x', token: 'forged-token' }));
    expect((await postWebhook(base, '/lark/cards', null, forgedCard)).status).toBe(401);

    expect(await t.app.db.inboundEvent.count()).toBe(before);
    expect(await t.app.db.progress.count()).toBe(0);
    expect(await t.app.db.outbox.count()).toBe(0);
    expect(fake.sent).toEqual([]);
  });

  it('/healthz answers ok with the database and the webhook transport', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', lark: 'webhook' });
  });
});

function pick(o: Record<string, string>, key: string): Record<string, string> {
  return { [key]: o[key] };
}

/** The progress form's submit button for a task in a reminder card: its callback value and slot. */
function submitButton(card: unknown, task: number): { value: Record<string, unknown>; slot: number } {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.tag === 'button' && o.form_action_type === 'submit') {
      const value = (o.behaviors as Array<{ value?: Record<string, unknown> }> | undefined)?.[0]?.value;
      if (value?.task === task && value.op === 'progress') found = value;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no progress form for task ${task} in the card`);
  return { value: found, slot: Number(found.slot) };
}
