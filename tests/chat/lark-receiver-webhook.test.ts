// Webhook mode: POSTs shaped like the platform's, plain and encrypted, signed and forged.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toCardAction, toInboundMessage } from '../../src/chat/inbound.ts';
import { startLarkReceiver, type LarkAppConfig, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import net from 'node:net';
import { createLogger, silentLogger } from '../../src/log.ts';
import { encryptForLark, FAKE_APP_ID, FAKE_BOT_OPEN_ID, signForLark } from '../fakes/fake-lark.ts';
import { loadLarkFixture } from '../fakes/lark-fixtures.ts';

const ENCRYPT_KEY = 'fake-encrypt-key-0001';
const TOKEN = 'fake-verification-token'; // the header token in the fixtures

let receiver: LarkReceiver | undefined;
let messages: unknown[] = [];
let cards: unknown[] = [];

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  messages = [];
  cards = [];
});

let logLines: Record<string, unknown>[] = [];
const capturingLogger = createLogger('info', { write: (l) => void logLines.push(JSON.parse(l) as Record<string, unknown>) });

async function start(
  keys: { encryptKey?: string; verificationToken?: string },
  onMessageEvent?: (raw: unknown) => Promise<void>,
  extra: Partial<Pick<Parameters<typeof startLarkReceiver>[0], 'limits' | 'now' | 'logger'>> = {},
) {
  const lark: LarkAppConfig = { mode: 'webhook', appId: FAKE_APP_ID, appSecret: 'unused-secret', domain: 'http://127.0.0.1:9', ...keys };
  logLines = [];
  receiver = await startLarkReceiver({
    lark,
    port: 0,
    host: '127.0.0.1',
    ...extra,
    logger: extra.logger ?? silentLogger,
    onMessageEvent:
      onMessageEvent ??
      (async (raw) => {
        messages.push(raw);
      }),
    onCardAction: async (raw) => {
      cards.push(raw);
      return { toast: { type: 'info', content: '收到' } };
    },
    health: async () => ({ ok: true, db: 'ok', lark: receiver?.status() }),
  });
  return `http://127.0.0.1:${receiver.port}`;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Encrypt and sign like the platform: body {"encrypt": ...}, signature over the raw body. */
function sealed(payload: unknown, key = ENCRYPT_KEY) {
  const raw = JSON.stringify({ encrypt: encryptForLark(payload, key) });
  return { raw, headers: signForLark(raw, key) };
}

describe('lark receiver, webhook mode', () => {
  it('answers the url_verification challenge (plain, with the verification token)', async () => {
    const base = await start({ verificationToken: TOKEN });
    const r = await post(`${base}/lark/events`, { challenge: 'ch-123', token: TOKEN, type: 'url_verification' });
    expect(r).toEqual({ status: 200, body: { challenge: 'ch-123' } });
    expect(await post(`${base}/lark/events`, { challenge: 'ch-123', token: 'forged', type: 'url_verification' })).toMatchObject({ status: 401 });
  });

  it('answers an encrypted url_verification challenge', async () => {
    const base = await start({ encryptKey: ENCRYPT_KEY });
    const body = { encrypt: encryptForLark({ challenge: 'ch-enc', token: TOKEN, type: 'url_verification' }, ENCRYPT_KEY) };
    expect(await post(`${base}/lark/events`, body)).toEqual({ status: 200, body: { challenge: 'ch-enc' } });
  });

  it('delivers a plain event checked by verification token, even with a query string on the path', async () => {
    const base = await start({ verificationToken: TOKEN });
    const r = await post(`${base}/lark/events?from=lark`, loadLarkFixture('im.message.receive_v1.group-mention'));
    expect(r).toEqual({ status: 200, body: {} });
    expect(toInboundMessage(messages[0], FAKE_BOT_OPEN_ID)).toMatchObject({ text: '进度 68 60% 已完成初稿', mentionsBot: true });
  });

  it('decrypts and verifies a signed encrypted event', async () => {
    const base = await start({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN });
    const { raw, headers } = sealed(loadLarkFixture('im.message.receive_v1.p2p'));
    expect(await post(`${base}/lark/events`, raw, headers)).toEqual({ status: 200, body: {} });
    expect(toInboundMessage(messages[0], FAKE_BOT_OPEN_ID)).toMatchObject({ chatType: 'p2p', text: '我的任务' });
  });

  it('returns the card handler result as the callback response on /lark/cards', async () => {
    const base = await start({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN });
    const { raw, headers } = sealed(loadLarkFixture('card.action.trigger.form'));
    expect(await post(`${base}/lark/cards`, raw, headers)).toEqual({ status: 200, body: { toast: { type: 'info', content: '收到' } } });
    expect(toCardAction(cards[0])).toMatchObject({ formValue: { progress: '80', note: '已报送区委办' }, chatId: 'oc_00000000000000000000000000000c01' });
  });

  it('accepts a legacy card callback signed with sha1 and the verification token', async () => {
    const base = await start({ verificationToken: TOKEN });
    const legacy = { open_id: 'ou_1', open_message_id: 'om_1', open_chat_id: 'oc_1', token: 'c-1', action: { value: { op: 'done' }, tag: 'button' } };
    const raw = JSON.stringify(legacy);
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = 'n-1';
    const sig = crypto.createHash('sha1').update(ts + nonce + TOKEN + raw).digest('hex');
    const good = { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': sig };
    expect(await post(`${base}/lark/cards`, raw, good)).toMatchObject({ status: 200, body: { toast: { content: '收到' } } });
    expect(await post(`${base}/lark/cards`, raw, { ...good, 'x-lark-signature': 'f'.repeat(40) })).toMatchObject({ status: 401 });
    expect(cards).toHaveLength(1);
    expect(toCardAction(cards[0])).toMatchObject({ openId: 'ou_1', value: { op: 'done' } });
  });

  it('rejects forged requests without calling a handler', async () => {
    const base = await start({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN });
    const event = loadLarkFixture('im.message.receive_v1.p2p');
    const { raw, headers } = sealed(event);

    // Signature computed over another body.
    expect((await post(`${base}/lark/events`, raw, { ...headers, 'x-lark-signature': signForLark('{}', ENCRYPT_KEY)['x-lark-signature'] })).status).toBe(401);
    // No signature at all.
    expect((await post(`${base}/lark/events`, raw)).status).toBe(401);
    // Encrypted with another key (and signed with it).
    const other = sealed(event, 'someone-elses-key');
    expect((await post(`${base}/lark/events`, other.raw, other.headers)).status).toBe(400);
    // Correctly sealed, but the header token is wrong.
    const wrongToken = sealed({ ...event, header: { ...event.header, token: 'forged' } });
    expect((await post(`${base}/lark/events`, wrongToken.raw, wrongToken.headers)).status).toBe(401);
    // A plain event while an encrypt key is configured: unsigned, so rejected.
    expect((await post(`${base}/lark/events`, event)).status).toBe(401);
    // Not JSON.
    expect((await post(`${base}/lark/events`, 'not json')).status).toBe(400);

    expect(messages).toEqual([]);
  });

  it('rejects a plain event with the wrong verification token', async () => {
    const base = await start({ verificationToken: TOKEN });
    const event = loadLarkFixture('im.message.receive_v1.p2p');
    const r = await post(`${base}/lark/events`, { ...event, header: { ...event.header, token: 'nope' } });
    expect(r.status).toBe(401);
    expect(messages).toEqual([]);
  });

  it('answers 500 when the handler fails, so Lark redelivers', async () => {
    const base = await start({ verificationToken: TOKEN }, async () => {
      throw new Error('db down');
    });
    expect((await post(`${base}/lark/events`, loadLarkFixture('im.message.receive_v1.p2p'))).status).toBe(500);
  });

  it('serves /healthz and 404/405 elsewhere', async () => {
    const base = await start({ verificationToken: TOKEN });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: 'ok', lark: 'webhook' });
    expect((await fetch(`${base}/lark/events`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  describe('hardening', () => {
    const rejections = () => logLines.filter((l) => l.msg === 'rejected lark callback');

    it('refuses a captured, correctly signed request sent again, and one whose timestamp is 5 minutes off', async () => {
      // The receiver's clock is pinned; the platform signs with that clock's time.
      const at = Date.parse('2027-02-22T01:30:00Z');
      const base = await start({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN }, undefined, { now: () => at, logger: capturingLogger });
      const event = loadLarkFixture('im.message.receive_v1.p2p');
      const raw = JSON.stringify({ encrypt: encryptForLark(event, ENCRYPT_KEY) });
      const headers = signForLark(raw, ENCRYPT_KEY, String(at / 1000));
      expect((await post(`${base}/lark/events`, raw, headers)).status).toBe(200);
      // Replayed byte for byte, ten times.
      for (let i = 0; i < 10; i++) expect((await post(`${base}/lark/events`, raw, headers)).status).toBe(409);
      // Signed correctly but 5 min 1 s old, or as far in the future.
      for (const off of [-301, 301]) {
        const stale = signForLark(raw, ENCRYPT_KEY, String(at / 1000 + off));
        expect((await post(`${base}/lark/events`, raw, stale)).status).toBe(401);
      }
      // Within the window it is accepted (a fresh delivery signs with a new nonce).
      expect((await post(`${base}/lark/events`, raw, signForLark(raw, ENCRYPT_KEY, String(at / 1000 - 290)))).status).toBe(200);
      expect(messages).toHaveLength(2);
      // One structured line per refusal, saying why.
      expect(rejections()).toHaveLength(12);
      expect(rejections().filter((l) => l.status === 409)).toHaveLength(10);
      expect(rejections().filter((l) => l.status === 401 && /more than 5 min off/.test(String(l.reason)))).toHaveLength(2);
    });

    it('refuses a body over 1 MB with 413, before reading it, and calls no handler', async () => {
      const base = await start({ verificationToken: TOKEN }, undefined, { logger: capturingLogger });
      const big = JSON.stringify({ ...loadLarkFixture('im.message.receive_v1.p2p'), padding: 'x'.repeat(1024 * 1024) });
      expect((await post(`${base}/lark/events`, big)).status).toBe(413);
      expect(messages).toEqual([]);
      expect(rejections()).toEqual([expect.objectContaining({ level: 'warn', status: 413, path: '/lark/events' })]);
    });

    it('closes a client that sends its headers too slowly with 408, and calls no handler', async () => {
      const base = await start({ verificationToken: TOKEN }, undefined, { logger: capturingLogger, limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
      const { port } = new URL(base);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let got = '';
        socket.on('data', (b) => (got += b.toString()));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
        // A header line every 200 ms, never the blank line that ends them.
        socket.write('POST /lark/events HTTP/1.1\r\nHost: x\r\n');
        const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
        socket.on('close', () => clearInterval(drip));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(messages).toEqual([]);
      expect(rejections()).toEqual([expect.objectContaining({ status: 408, reason: expect.stringMatching(/slow client/) })]);
    });
  });
});
