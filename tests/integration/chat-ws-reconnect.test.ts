// Issue 10, the long connection when the platform misbehaves: the fake drops the connection in the
// middle of a burst, refuses new connections for a while (also with the "system busy" answer the SDK
// treats as final), and the tenant-token endpoint fails for a stepped minute. The bot reconnects,
// /healthz says so meanwhile, every event redelivered after the reconnect is answered exactly once,
// and sends queued during the auth outage all go out afterwards, none twice.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import { bindUnits, CHAT_QWB, CHAT_QZFB, freshPlanDb, larkOf, makeTempDir, messageEnvelope, repliesTo, startTestApp, testLogger, TZ, waitFor, type TestApp } from './helpers.ts';

const NOW = instantAt('2027-02-22', '10:00', TZ);

let fake: FakeLark | undefined;
let t: TestApp | undefined;
let receiver: LarkReceiver | undefined;
let removeDir: (() => void) | undefined;

afterEach(async () => {
  await receiver?.close();
  await t?.app.close();
  await fake?.close();
  removeDir?.();
  receiver = t = fake = removeDir = undefined;
});

async function setup(clock = fixedClock(NOW)) {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  // Reconnect attempts every 100 ms: "a minute" of refusals is compressed to a second or two of them.
  // Acks may take the length of an outage: an event in flight is delivered again after the reconnect.
  fake = await startFakeLark({ reconnectIntervalSeconds: 0.1, now: () => clock.now().getTime(), ackTimeoutMs: 30_000 });
  t = await startTestApp({ fake, databaseUrl, clock, env: { LARK_EVENT_MODE: 'ws' }, larkStatus: () => receiver?.status() ?? 'starting' });
  const app = t.app;
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port: 0,
    host: '127.0.0.1',
    logger: testLogger,
    wsRestartMs: 200,
    onMessageEvent: (raw) => app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => app.inbound.onCardAction(raw),
    health: () => app.health(),
  });
  await fake.waitForConnection();
  return { fake, app, clock, health: async () => (await fetch(`http://127.0.0.1:${receiver!.port}/healthz`)).json() as Promise<{ lark: string }> };
}

describe.sequential('the long connection under trouble', () => {
  it('dropped mid-burst and refused for a while: reconnects, /healthz says so, every event answered once', async () => {
    const { fake, clock, health } = await setup();
    const burst = Array.from({ length: 40 }, (_, i) => messageEnvelope(i % 2 ? '帮助' : '任务 68', { chatId: i % 3 ? CHAT_QWB : CHAT_QZFB }));
    // Half the burst is acked; then the connection drops with the rest in flight, and new connections
    // are refused for a while.
    for (const e of burst.slice(0, 20)) expect(await fake.pushEvent(e)).toEqual({ code: 200 });
    const inFlight = burst.slice(20).map((e) => fake.pushEvent(e));
    fake.outage('ws', clock.now().getTime() + 60_000);
    fake.dropConnection();
    await waitFor(async () => (await health()).lark === 'reconnecting', '/healthz to report the lost connection');
    const attemptsBefore = fake.wsEndpointRequests;
    await waitFor(() => fake.wsEndpointRequests >= attemptsBefore + 5, 'refused reconnect attempts');
    expect((await health()).lark).toBe('reconnecting');
    // The outage ends (the fake's clock passes it): the SDK's next attempt connects and the events
    // that were in flight arrive again on the new connection.
    clock.advance(61_000);
    await fake.waitForConnection(2, 10_000);
    const acks = await Promise.all(inFlight);
    expect(acks.every((a) => a.code === 200)).toBe(true);
    expect(fake.redelivered).toBe(20);
    await waitFor(async () => (await health()).lark === 'connected', '/healthz to report the connection back');
    // Lark also redelivers some it saw acked before the drop (at least once): acked, not answered again.
    for (const e of burst.slice(0, 5)) expect(await fake.pushEvent(e)).toEqual({ code: 200 });
    for (const e of burst) await waitFor(() => repliesTo(fake, e.event.message.message_id).length >= 1, `the reply to ${e.event.message.message_id}`, 20_000);
    await t!.app.inbound.processPending();
    await t!.app.dispatch();
    expect(burst.map((e) => repliesTo(fake, e.event.message.message_id).length)).toEqual(burst.map(() => 1));
    expect(fake.duplicates).toEqual([]);
  }, 60_000);

  it('an endpoint answer the SDK treats as final ("system busy"): a new client is started and connects', async () => {
    const { fake, clock, health } = await setup();
    fake.outage('ws-busy', clock.now().getTime() + 60_000);
    fake.dropConnection();
    // The SDK stops for good on code 1; the receiver starts a new client after its pause.
    await waitFor(async () => (await health()).lark !== 'connected', 'the lost connection');
    await waitFor(() => fake.wsEndpointRequests >= 3, 'the busy answers', 10_000);
    clock.advance(61_000);
    await fake.waitForConnection(2, 10_000);
    await waitFor(async () => (await health()).lark === 'connected', 'the new connection', 10_000);
    const e = messageEnvelope('帮助');
    expect(await fake.pushEvent(e)).toEqual({ code: 200 });
    await waitFor(() => repliesTo(fake, e.event.message.message_id).length === 1, 'the reply after the restart');
  }, 60_000);

  it('the tenant-token endpoint fails for a minute: reminder cards wait and then all go out, once each', async () => {
    const clock = fixedClock(instantAt('2027-02-22', '09:30', TZ));
    const { fake, app } = await setup(clock);
    // A token the SDK holds is no help once revoked; fetching a new one fails for a minute.
    fake.revokeTokens();
    fake.outage('auth', clock.now().getTime() + 60_000);
    const first = await app.schedulerPass(clock.now());
    expect(first.queued.cards).toBeGreaterThan(0);
    expect(first.dispatched.sent).toBe(0);
    const queued = await app.db.outbox.count();
    // Stepped time, 10 s at a time, the dispatcher trying what is due (retries back off from 15 s):
    // nothing goes out during the outage, everything soon after it.
    const sent = () => app.db.outbox.count({ where: { status: 'sent' } });
    let steps = 0;
    for (; steps < 60 && (await sent()) < queued; steps++) {
      clock.advance(10_000);
      await app.dispatch();
      if (steps < 5) expect(await sent()).toBe(0);
    }
    expect(await sent()).toBe(queued);
    expect(await app.db.outbox.count({ where: { status: 'failed' } })).toBe(0);
    // Out within three minutes of the outage's end.
    expect(steps).toBeLessThanOrEqual(6 + 18);
    const cards = fake.sent.filter((m) => m.kind === 'create');
    expect(cards).toHaveLength(queued);
    expect(new Set(cards.map((m) => m.uuid)).size).toBe(queued);
    expect(fake.duplicates).toEqual([]);
    expect(fake.tokenRequests).toBeGreaterThan(2);
  }, 60_000);
});
