// The fake Lark itself: uuid de-duplication, request accounting and failure injection.
import { afterEach, describe, expect, it } from 'vitest';
import { createLarkGateway } from '../../src/chat/lark-gateway.ts';
import { LarkApiError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, seededRandom, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';

const CHAT_A = 'oc_00000000000000000000000000000c01';
const CHAT_B = 'oc_00000000000000000000000000000c02';

let fake: FakeLark | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function gatewayFor(f: FakeLark, appId = FAKE_APP_ID, appSecret = FAKE_APP_SECRET) {
  return createLarkGateway({ appId, appSecret, domain: f.url }, silentLogger);
}

describe('fake Lark', () => {
  it('de-duplicates sends by uuid within an hour and answers with the same message_id', async () => {
    let clock = 1_000_000;
    fake = await startFakeLark({ now: () => clock });
    const gw = gatewayFor(fake);
    const first = await gw.sendToChat(CHAT_A, { msgType: 'text', text: '提醒' }, { uuid: 'outbox-7' });
    clock += 59 * 60 * 1000;
    const again = await gw.sendToChat(CHAT_A, { msgType: 'text', text: '提醒' }, { uuid: 'outbox-7' });
    expect(again.messageId).toBe(first.messageId);
    expect(fake.sent).toHaveLength(1);
    expect(fake.duplicates).toEqual([expect.objectContaining({ messageId: first.messageId, uuid: 'outbox-7' })]);

    // The reply endpoint honours uuid too; other uuids are new messages.
    const r1 = await gw.reply(first.messageId, { msgType: 'text', text: 'a' }, { uuid: 'reply-7' });
    const r2 = await gw.reply(first.messageId, { msgType: 'text', text: 'a' }, { uuid: 'reply-7' });
    expect(r2.messageId).toBe(r1.messageId);

    // After the hour the platform forgets the uuid.
    clock += 2 * 60 * 1000;
    const later = await gw.sendToChat(CHAT_A, { msgType: 'text', text: '提醒' }, { uuid: 'outbox-7' });
    expect(later.messageId).not.toBe(first.messageId);
    expect(fake.sent.map((s) => s.uuid)).toEqual(['outbox-7', 'reply-7', 'outbox-7']);
  });

  it('accounts requests per window, per app and per chat', async () => {
    let clock = 0;
    fake = await startFakeLark({
      now: () => clock,
      apps: [
        { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET },
        { appId: 'cli_fedcba9876543210', appSecret: 'other-secret-0002' },
      ],
    });
    const one = gatewayFor(fake);
    const two = gatewayFor(fake, 'cli_fedcba9876543210', 'other-secret-0002');
    // t=0..400 ms: 3 to chat A and 1 to chat B from app one; t=1500: 2 from app two to chat A.
    for (const [t, gw, chat] of [
      [0, one, CHAT_A],
      [100, one, CHAT_A],
      [200, one, CHAT_B],
      [400, one, CHAT_A],
      [1500, two, CHAT_A],
      [1600, two, CHAT_A],
    ] as const) {
      clock = t;
      await gw.sendToChat(chat, { msgType: 'text', text: String(t) });
    }
    expect(fake.maxRequestsInWindow({ by: 'app' })).toEqual({ max: 4, key: FAKE_APP_ID });
    expect(fake.maxRequestsInWindow({ by: 'chat' })).toEqual({ max: 3, key: CHAT_A });
    expect(fake.maxRequestsInWindow({ by: 'chat', windowMs: 100 })).toEqual({ max: 1, key: CHAT_A });
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('enforces the per-chat limit with 230020 when asked to', async () => {
    fake = await startFakeLark({ now: () => 0, enforceRateLimits: { chatPerSecond: 2 } });
    const gw = gatewayFor(fake);
    await gw.sendToChat(CHAT_A, { msgType: 'text', text: '1' });
    await gw.sendToChat(CHAT_A, { msgType: 'text', text: '2' });
    await expect(gw.sendToChat(CHAT_A, { msgType: 'text', text: '3' })).rejects.toMatchObject({ code: 230020 });
    await gw.sendToChat(CHAT_B, { msgType: 'text', text: 'other chat is fine' });
    expect(fake.sent).toHaveLength(3);
  });

  it('injects seeded random failures reproducibly', async () => {
    const outcomes: string[][] = [];
    for (let run = 0; run < 2; run++) {
      fake = await startFakeLark();
      fake.setFailureRate(0.5, ['429', '230020'], 1234);
      const gw = gatewayFor(fake);
      const seen: string[] = [];
      for (let i = 0; i < 12; i++) {
        try {
          await gw.sendToChat(CHAT_A, { msgType: 'text', text: String(i) });
          seen.push('ok');
        } catch (e) {
          seen.push(String((e as LarkApiError).code));
        }
      }
      outcomes.push(seen);
      await fake.close();
      fake = undefined;
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(new Set(outcomes[0])).toEqual(new Set(['ok', '99991400', '230020']));
    expect(seededRandom(7)()).toBe(seededRandom(7)());
  });

  it('rejects malformed sends like the platform', async () => {
    fake = await startFakeLark();
    const gw = gatewayFor(fake);
    await expect(gw.sendToChat(CHAT_A, { msgType: 'text', text: 'x' }, { uuid: 'u'.repeat(51) })).rejects.toMatchObject({ code: 99992402 });
    const huge = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] } };
    await expect(gw.sendToChat(CHAT_A, { msgType: 'interactive', card: huge })).rejects.toMatchObject({ code: 230025 });
    const text = await gw.sendToChat(CHAT_A, { msgType: 'text', text: 'not a card' });
    await expect(gw.updateCard(text.messageId, { schema: '2.0' })).rejects.toMatchObject({ code: 230001 });
  });
});
