// Issue 4, long-connection mode end to end: the SDK's WSClient (inside startLarkReceiver) connects
// to the fake Lark, events arrive as pbbp2 frames (fake.pushEvent), replies go out through the real
// SDK Client; a card callback's response travels back base64-encoded in the frame ack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import {
  bindUnits,
  CHAT_QWB,
  CHAT_QZFB,
  cardActionEnvelope,
  contentText,
  freshPlanDb,
  larkOf,
  makeTempDir,
  messageEnvelope,
  repliesTo,
  startTestApp,
  testLogger,
  TZ,
  waitFor,
  type TestApp,
} from './helpers.ts';

const NOW = instantAt('2027-02-22', '10:00', TZ);

let fake: FakeLark;
let t: TestApp;
let receiver: LarkReceiver | undefined;
let removeDir: () => void;

beforeEach(async () => {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  fake = await startFakeLark();
  t = await startTestApp({ fake, databaseUrl, clock: fixedClock(NOW), env: { LARK_EVENT_MODE: 'ws' }, larkStatus: () => receiver?.status() ?? 'starting' });
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port: 0,
    host: '127.0.0.1',
    logger: testLogger,
    onMessageEvent: (raw) => t.app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => t.app.inbound.onCardAction(raw),
    health: () => t.app.health(),
  });
  await fake.waitForConnection();
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await t?.app.close();
  await fake?.close();
  removeDir?.();
});

describe.sequential('chat over the long connection (WSClient, real SDK, fake Lark)', () => {
  it('commands pushed as WS frames are acked and answered through the reply API', async () => {
    expect(larkOf(t.config).mode).toBe('ws');
    const cases: Array<[string, Parameters<typeof messageEnvelope>[1], RegExp]> = [
      ['帮助', {}, /督办 可以做这些/],
      ['任务 68', {}, /任务 68[\s\S]*区委办[\s\S]*区政府办/],
      ['进度 68 60% 已完成初稿', {}, /^已记录：任务 68 · 区委办 · 进行中 · 60% · 已完成初稿（对应节点 2027-03-01）/],
      ['我的任务', { chatType: 'p2p', chatId: 'oc_e2e0000000000000000000000p2p02' }, /还不知道你代表哪个单位/],
    ];
    for (const [text, opts, expected] of cases) {
      const envelope = messageEnvelope(text, opts);
      // The handler (store, then return) runs before the ack: 200 means it is in the database.
      expect(await fake.pushEvent(envelope)).toEqual({ code: 200 });
      const id = envelope.event.message.message_id;
      const [reply] = await waitFor(() => (repliesTo(fake, id).length ? repliesTo(fake, id) : undefined), `reply to ${text}`);
      expect(contentText(reply)).toMatch(expected);
      // The fake knows the chat of a message it pushed: the reply is counted against that chat.
      expect(reply.receive_id).toBe(envelope.event.message.chat_id);
    }
    // A fragmented frame (sum > 1) is reassembled by the SDK.
    const big = messageEnvelope('逾期');
    expect(await fake.pushEvent(big, { fragments: 3 })).toEqual({ code: 200 });
    await waitFor(() => repliesTo(fake, big.event.message.message_id).length === 1, 'reply to the fragmented frame');

    expect(await t.app.db.progress.count()).toBe(1);
    // The same event pushed again (Lark redelivers at least once): acked, not answered twice.
    const again = messageEnvelope('帮助', { eventId: 'ws-dup-event', messageId: 'om_ws_dup' });
    expect(await fake.pushEvent(again)).toEqual({ code: 200 });
    expect(await fake.pushEvent(again)).toEqual({ code: 200 });
    await waitFor(() => repliesTo(fake, 'om_ws_dup').length === 1, 'the reply');
    await t.app.inbound.processPending();
    await t.app.dispatch();
    expect(repliesTo(fake, 'om_ws_dup')).toHaveLength(1);
  });

  it('a card "done" click: the toast and the redrawn card come back base64 in the ack, progress stored', async () => {
    await t.app.schedulerPass(instantAt('2027-02-22', '09:30', TZ));
    const card = fake.sent.find((m) => m.receive_id === CHAT_QZFB && contentText(m).includes('任务 68'));
    expect(card).toBeDefined();
    const value = doneButton(card!.content, 68);
    const ack = await fake.pushEvent(cardActionEnvelope({ value, chatId: CHAT_QZFB, messageId: card!.messageId, name: `done_${value.slot}` }));
    expect(ack.code).toBe(200);
    expect(typeof ack.dataBase64).toBe('string');
    expect(JSON.parse(Buffer.from(ack.dataBase64!, 'base64').toString('utf8'))).toEqual(ack.data);
    expect(ack.data).toMatchObject({
      toast: { type: 'success', content: '已记录任务 68 · 区政府办 的进展' },
      card: { type: 'raw', data: { schema: '2.0' } },
    });
    expect(JSON.stringify(ack.data)).toContain('✅ 已收到 区政府办 的进展：已完成 100%');
    const rows = await t.app.db.progress.findMany({ include: { unit: true, task: true } });
    expect(rows.map((p) => [p.task.number, p.unit.name, p.status, p.percent, p.via, p.milestoneKey, p.occurrence])).toEqual([
      [68, '区政府办', 'done', 100, 'card', 'annual:03-01', '2027-03-01'],
    ]);
  });

  it('/healthz reports the live long connection', async () => {
    const res = await fetch(`http://127.0.0.1:${receiver!.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', lark: 'connected' });
  });
});

function doneButton(card: unknown, task: number): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === 'callback' && (o.value as Record<string, unknown> | undefined)?.op === 'done' && (o.value as Record<string, unknown>).task === task) {
      found = o.value as Record<string, unknown>;
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no done button for task ${task}`);
  return found;
}
