// Long-connection mode: the real SDK WSClient against the fake's pbbp2 WebSocket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCardAction, toInboundMessage } from '../../src/chat/inbound.ts';
import { startLarkReceiver, type LarkReceiver, type LarkReceiverOptions } from '../../src/chat/lark-receiver.ts';
import { silentLogger } from '../../src/log.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import { loadLarkFixture } from '../fakes/lark-fixtures.ts';

let fake: FakeLark;
let receiver: LarkReceiver | undefined;
let messages: unknown[];
let cards: unknown[];
let added: unknown[];

function options(overrides: Partial<LarkReceiverOptions> = {}): LarkReceiverOptions {
  return {
    lark: { mode: 'ws', appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url },
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    onMessageEvent: async (raw) => {
      messages.push(raw);
    },
    onCardAction: async (raw) => {
      cards.push(raw);
      return { toast: { type: 'success', content: '已记录进度 80%' } };
    },
    onBotAdded: async (raw) => {
      added.push(raw);
    },
    health: async () => ({ ok: true, db: 'ok', lark: receiver?.status() ?? 'starting' }),
    ...overrides,
  };
}

beforeEach(async () => {
  fake = await startFakeLark();
  messages = [];
  cards = [];
  added = [];
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await fake.close();
});

describe('lark receiver, ws mode', () => {
  it('connects, then delivers a group @bot message and a p2p message to the handler before acking', async () => {
    receiver = await startLarkReceiver(options());
    expect(receiver.status()).toBe('connected');
    expect(fake.wsEndpointRequests).toBe(1);

    const ack = await fake.pushEvent(loadLarkFixture('im.message.receive_v1.group-mention'));
    expect(ack).toEqual({ code: 200 });
    expect(await fake.pushEvent(loadLarkFixture('im.message.receive_v1.p2p'))).toEqual({ code: 200 });

    expect(messages).toHaveLength(2);
    const [group, p2p] = messages.map((m) => toInboundMessage(m, FAKE_BOT_OPEN_ID));
    expect(group).toMatchObject({ chatType: 'group', mentionsBot: true, text: '进度 68 60% 已完成初稿', eventId: '00000000000000000000000000000e01' });
    expect(p2p).toMatchObject({ chatType: 'p2p', text: '我的任务' });
  });

  it('reassembles a fragmented event', async () => {
    receiver = await startLarkReceiver(options());
    expect(await fake.pushEvent(loadLarkFixture('im.message.receive_v1.reply'), { fragments: 3 })).toEqual({ code: 200 });
    expect(toInboundMessage(messages[0], FAKE_BOT_OPEN_ID)).toMatchObject({ parentId: 'om_00000000000000000000000000000r01', text: '已完成' });
  });

  it('returns the card.action.trigger handler result base64-encoded in the ack', async () => {
    receiver = await startLarkReceiver(options());
    const ack = await fake.pushEvent(loadLarkFixture('card.action.trigger.form'));
    expect(ack.code).toBe(200);
    const toast = { toast: { type: 'success', content: '已记录进度 80%' } };
    expect(ack.dataBase64).toBe(Buffer.from(JSON.stringify(toast)).toString('base64'));
    expect(ack.data).toEqual(toast);
    expect(toCardAction(cards[0])).toMatchObject({ formValue: { progress: '80', note: '已报送区委办' }, value: { op: 'progress', task: '68', reminder: 'rem_0001' } });
  });

  it('answers {} when the card handler returns nothing, and 500 when a handler throws', async () => {
    receiver = await startLarkReceiver(
      options({
        onCardAction: async () => undefined as unknown as object,
        onMessageEvent: async () => {
          throw new Error('db down');
        },
      }),
    );
    expect(await fake.pushEvent(loadLarkFixture('card.action.trigger.form'))).toMatchObject({ code: 200, data: {} });
    expect(await fake.pushEvent(loadLarkFixture('im.message.receive_v1.p2p'))).toEqual({ code: 500 });
  });

  it('passes bot-added events to onBotAdded', async () => {
    receiver = await startLarkReceiver(options());
    expect(await fake.pushEvent(loadLarkFixture('im.chat.member.bot.added_v1'))).toEqual({ code: 200 });
    expect(added).toEqual([expect.objectContaining({ chat_id: 'oc_00000000000000000000000000000c02' })]);
  });

  it('reconnects after the server drops the connection', async () => {
    receiver = await startLarkReceiver(options());
    fake.dropConnection();
    await fake.waitForConnection(2);
    expect(fake.wsEndpointRequests).toBe(2);
    await expect.poll(() => receiver?.status()).toBe('connected');
    expect(await fake.pushEvent(loadLarkFixture('im.message.receive_v1.p2p'))).toEqual({ code: 200 });
    expect(messages).toHaveLength(1);
  });

  it('serves only GET /healthz on its port', async () => {
    receiver = await startLarkReceiver(options());
    const res = await fetch(`http://127.0.0.1:${receiver.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', lark: 'connected' });
    expect((await fetch(`http://127.0.0.1:${receiver.port}/lark/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('fails start-up on rejected credentials and on an app id the SDK would ignore', async () => {
    await expect(startLarkReceiver(options({ lark: { mode: 'ws', appId: FAKE_APP_ID, appSecret: 'wrong', domain: fake.url } }))).rejects.toThrow(/long connection/);
    await expect(startLarkReceiver(options({ lark: { mode: 'ws', appId: 'cli_short', appSecret: 'x', domain: fake.url } }))).rejects.toThrow(/LARK_APP_ID/);
  });
});
