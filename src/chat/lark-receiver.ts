// Receives Lark events and card callbacks: over the long connection (SDK WSClient) or as webhooks
// on our own HTTP server. Either way the handlers are awaited before Lark gets its ack, so the
// caller keeps them fast (store, then return) and the platform's 3 s budget holds.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { larkDomain, sdkLogger } from './lark-gateway.ts';
import { lark } from './lark-sdk.ts';

export type LarkAppConfig = Extract<Config['lark'], { appId: string }>;

export interface LarkReceiverOptions {
  lark: LarkAppConfig;
  /** HTTP port for /healthz (and the webhook paths); 0 = ephemeral. */
  port: number;
  /** Interface to listen on. Default: all interfaces. */
  host?: string;
  logger: Logger;
  onMessageEvent: (raw: unknown) => Promise<void>;
  /** The returned object is the callback response (toast / card); `{}` acknowledges without UI change. */
  onCardAction: (raw: unknown) => Promise<object>;
  /** im.chat.member.bot.added_v1; logged and acknowledged when absent. */
  onBotAdded?: (raw: unknown) => Promise<void>;
  health: () => Promise<object>;
  /** Gets the first chance at every HTTP request (the board); returns true when it answers it. */
  httpHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** ws mode: how long start-up waits for the first connection before going on (it keeps retrying). Default 15 s. */
  readyTimeoutMs?: number;
  /** ws mode: first pause before starting a new long connection after the SDK gave up. Default WS_RESTART_MS. */
  wsRestartMs?: number;
  /** Webhook request limits (defaults: WEBHOOK_LIMITS). */
  limits?: Partial<WebhookLimits>;
  /** Milliseconds since epoch, for the signed timestamp's freshness (tests step it). Default Date.now. */
  now?: () => number;
}

export interface WebhookLimits {
  /** Largest body accepted (Lark's events are a few KB). */
  bodyBytes: number;
  /** A signed request whose X-Lark-Request-Timestamp is further off than this is refused (a replay). */
  replayWindowMs: number;
  /** Time allowed for a client to send the request headers (slow-loris). */
  headersTimeoutMs: number;
  /** Time allowed for the whole request, body included. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  idleTimeoutMs: number;
}

export const WEBHOOK_LIMITS: Readonly<WebhookLimits> = Object.freeze({
  bodyBytes: 1024 * 1024,
  replayWindowMs: 5 * 60_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 5_000,
});

export interface LarkReceiver {
  close(): Promise<void>;
  port: number;
  /** ws: 'connected' | 'connecting' | 'reconnecting' | 'failed' | 'idle'; webhook: 'webhook'. */
  status(): string;
}

const APP_ID_FOR_WS = /^cli_[0-9a-fA-F]{16}$/;
/** Endpoint answers that mean the credentials are wrong (notes §1.7 step 2): no point trying again. */
const FATAL_WS_CODES = new Set([403, 514]);
/** First pause before a new long connection after the SDK gave up; doubles up to the maximum. */
export const WS_RESTART_MS = 5_000;
const WS_RESTART_MAX_MS = 5 * 60_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new HttpError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new HttpError(413, `body over the ${maxBytes}-byte limit`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function buildDispatcher(opts: LarkReceiverOptions, log: Logger, params: { encryptKey?: string; verificationToken?: string }) {
  const dispatcher = new lark.EventDispatcher({
    ...params,
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.warn,
    logger: sdkLogger(log),
  });
  // card.action.trigger is not in the SDK's generated handler types (notes §1.9).
  dispatcher.register<{ 'card.action.trigger': (data: unknown) => Promise<object> }>({
    'im.message.receive_v1': async (data: unknown) => {
      await opts.onMessageEvent(data);
    },
    'im.chat.member.bot.added_v1': async (data: unknown) => {
      if (opts.onBotAdded) await opts.onBotAdded(data);
      else log.info('bot added to a chat', { chatId: (data as { chat_id?: unknown }).chat_id });
    },
    // Always answer with an object: an empty ack makes the Lark client show a callback error.
    'card.action.trigger': async (data: unknown) => (await opts.onCardAction(data)) ?? {},
  });
  return dispatcher;
}

function listen(server: http.Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function handleHealth(opts: LarkReceiverOptions, res: http.ServerResponse, log: Logger): Promise<void> {
  try {
    sendJson(res, 200, await opts.health());
  } catch (e) {
    log.error('health check failed', { err: e as Error });
    sendJson(res, 503, { ok: false, error: (e as Error).message });
  }
}

export async function startLarkReceiver(opts: LarkReceiverOptions): Promise<LarkReceiver> {
  return opts.lark.mode === 'ws' ? startWs(opts) : startWebhook(opts);
}

// ---- long connection ------------------------------------------------------------------------

async function startWs(opts: LarkReceiverOptions): Promise<LarkReceiver> {
  const { appId, appSecret, domain } = opts.lark;
  const log = opts.logger.child({ component: 'lark-ws' });
  // The SDK's start() silently does nothing for other app ids (notes §1.7 step 1).
  if (!APP_ID_FOR_WS.test(appId)) throw new AppError('config', `LARK_APP_ID: ${appId} is not a Lark app id (cli_ + 16 hex digits); the long connection needs one`);

  const dispatcher = buildDispatcher(opts, log, {});
  let settleReady: ((err?: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (err) => (err ? reject(err) : resolve());
  });
  // The SDK reconnects by itself, but gives up for good on an answer it deems final (the endpoint's
  // "system busy", an exhausted retry budget). Only bad credentials are final for us: for anything
  // else a new client is started after a pause that doubles up to a few minutes.
  const firstRestartMs = opts.wsRestartMs ?? WS_RESTART_MS;
  let restartMs = firstRestartMs;
  let restartTimer: NodeJS.Timeout | undefined;
  let connectedOnce = false;
  let closed = false;

  const scheduleRestart = (why: Error) => {
    if (closed || restartTimer) return;
    log.warn('lark long connection stopped; starting a new one', { err: why, inMs: restartMs });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      client.close({ force: true });
      client = makeClient();
      void client.start({ eventDispatcher: dispatcher });
    }, restartMs);
    restartTimer.unref();
    restartMs = Math.min(restartMs * 2, WS_RESTART_MAX_MS);
  };

  const makeClient = () =>
    new lark.WSClient({
      appId,
      appSecret,
      domain: larkDomain(domain),
      loggerLevel: lark.LoggerLevel.warn,
      logger: sdkLogger(log),
      autoReconnect: true,
      handshakeTimeoutMs: 15_000,
      // Terminate a half-open socket when no pong arrives; must stay below the server's PingInterval (notes §1.7 step 9).
      wsConfig: { pingTimeout: 30 },
      onReady: () => {
        log.info('lark long connection ready');
        connectedOnce = true;
        restartMs = firstRestartMs;
        settleReady?.();
      },
      onError: (err) => {
        const code = Number(/code=(\d+)/.exec(err.message)?.[1]);
        if (!connectedOnce && FATAL_WS_CODES.has(code)) {
          log.error('lark long connection refused: check LARK_APP_ID and LARK_APP_SECRET', { err, code });
          settleReady?.(err);
          return;
        }
        scheduleRestart(err);
      },
      onReconnecting: () => log.warn('lark long connection lost; reconnecting'),
      onReconnected: () => {
        restartMs = firstRestartMs;
        log.info('lark long connection re-established');
      },
    });
  let client = makeClient();

  const server = http.createServer((req, res) => {
    if (opts.httpHandler?.(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/healthz') void handleHealth(opts, res, log);
    else sendJson(res, 404, { error: 'not found' });
  });
  const port = await listen(server, opts.port, opts.host);

  await client.start({ eventDispatcher: dispatcher });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log.warn('lark long connection not ready yet; starting anyway, it keeps retrying', { waitedMs: opts.readyTimeoutMs ?? 15_000 });
          resolve();
        }, opts.readyTimeoutMs ?? 15_000);
      }),
    ]);
  } catch (e) {
    closed = true;
    client.close({ force: true });
    await closeServer(server);
    throw new AppError('lark-connect', `could not open the Lark long connection: ${(e as Error).message}`, {}, { cause: e });
  } finally {
    clearTimeout(timer);
    settleReady = undefined;
  }

  return {
    port,
    status: () => (restartTimer ? 'reconnecting' : client.getConnectionStatus().state),
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      client.close({ force: true });
      await closeServer(server);
    },
  };
}

// ---- webhook --------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Nonces of signed requests seen within the replay window: a second request with one is a replay. */
function createNonceCache(windowMs: number) {
  const seen = new Map<string, number>();
  return {
    /** False when the nonce was seen within the window. */
    add(nonce: string, now: number): boolean {
      // Insertion order is expiry order: the expired are at the front, so each request drops a few at most.
      for (const [n, until] of seen) {
        if (until >= now) break;
        seen.delete(n);
      }
      const until = seen.get(nonce);
      if (until !== undefined && until >= now) return false;
      // Kept twice the window: a request is fresh for `window` either side of its own timestamp.
      seen.set(nonce, now + 2 * windowMs);
      return true;
    },
  };
}

async function startWebhook(opts: LarkReceiverOptions): Promise<LarkReceiver> {
  const { encryptKey, verificationToken } = opts.lark;
  const log = opts.logger.child({ component: 'lark-webhook' });
  const limits: WebhookLimits = { ...WEBHOOK_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  const nonces = createNonceCache(limits.replayWindowMs);
  if (!encryptKey && !verificationToken) {
    log.warn('webhook mode without LARK_ENCRYPT_KEY or LARK_VERIFICATION_TOKEN: requests cannot be authenticated');
  }
  // We verify and decrypt ourselves and then invoke with needCheck:false: the SDK answers a bad
  // signature with HTTP 200 and an empty body, and signs JSON.stringify(parsed) instead of the raw body.
  const dispatcher = buildDispatcher(opts, log, { encryptKey, verificationToken });
  const cipher = encryptKey ? new lark.AESCipher(encryptKey) : undefined;

  /** Decrypt and authenticate one callback body; returns the plain payload. */
  function verify(req: http.IncomingMessage, rawBody: string, path: string): Json {
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body is not a JSON object');
    let plain = body as Json;
    const encrypted = typeof plain.encrypt === 'string';
    if (encrypted) {
      if (!cipher) throw new HttpError(400, 'encrypted body but LARK_ENCRYPT_KEY is not set');
      try {
        plain = JSON.parse(cipher.decrypt(plain.encrypt as string)) as Json;
      } catch {
        throw new HttpError(400, 'cannot decrypt body (wrong LARK_ENCRYPT_KEY?)');
      }
      if (!plain || typeof plain !== 'object') throw new HttpError(400, 'decrypted body is not a JSON object');
    }

    const isChallenge = plain.type === 'url_verification';
    const isLegacyCard = path === '/lark/cards' && !('schema' in plain) && !isChallenge && typeof plain.action === 'object';
    const timestamp = header(req, 'x-lark-request-timestamp') ?? '';
    const nonce = header(req, 'x-lark-request-nonce') ?? '';
    const signature = header(req, 'x-lark-signature');

    // The signature binds timestamp and nonce: a captured request sent again is refused, once seen
    // or once stale (Lark signs every delivery, retries included, afresh).
    const fresh = () => {
      const sentAt = Number(timestamp) * 1000;
      if (!Number.isFinite(sentAt) || Math.abs(now() - sentAt) > limits.replayWindowMs) {
        throw new HttpError(401, `request timestamp ${timestamp || '(none)'} is more than ${limits.replayWindowMs / 60_000} min off`);
      }
      if (!nonce || !nonces.add(nonce, now())) throw new HttpError(409, 'request nonce seen before (a replay)');
    };

    if (isLegacyCard) {
      // Old card callbacks: sha1(timestamp + nonce + verificationToken + body); their `token` is the card token.
      if (verificationToken) {
        const expected = crypto.createHash('sha1').update(timestamp + nonce + verificationToken + rawBody).digest('hex');
        if (!signature || !safeEqual(expected, signature)) throw new HttpError(401, 'bad card callback signature');
        fresh();
      }
      return plain;
    }

    // With an encrypt key Lark signs every callback: sha256(timestamp + nonce + encryptKey + body).
    // The URL check itself is accepted unsigned when it decrypted with our key or carries our token.
    if (encryptKey && !(isChallenge && (encrypted || signature === undefined))) {
      const expected = crypto.createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');
      if (!signature || !safeEqual(expected, signature)) throw new HttpError(401, 'bad signature');
      fresh();
    }
    if (verificationToken) {
      const headerObj = plain.header as { token?: unknown } | undefined;
      const token = 'schema' in plain ? headerObj?.token : plain.token;
      if (typeof token !== 'string' || !safeEqual(token, verificationToken)) throw new HttpError(401, 'bad verification token');
    } else if (isChallenge && encryptKey && !encrypted) {
      throw new HttpError(401, 'unencrypted url_verification while LARK_ENCRYPT_KEY is set');
    }
    return plain;
  }

  async function handleCallback(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    let plain: Json;
    try {
      plain = verify(req, await readBody(req, limits.bodyBytes), path);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 400;
      log.warn('rejected lark callback', { path, status, reason: (e as Error).message, remote: req.socket.remoteAddress });
      sendJson(res, status, { code: status, msg: (e as Error).message });
      return;
    }
    if (plain.type === 'url_verification') {
      sendJson(res, 200, { challenge: plain.challenge });
      return;
    }
    try {
      const isLegacyCard = path === '/lark/cards' && !('schema' in plain) && typeof plain.action === 'object';
      const result: unknown = isLegacyCard ? ((await opts.onCardAction(plain)) ?? {}) : await dispatcher.invoke(plain, { needCheck: false });
      if (typeof result === 'string') log.debug('lark event without handler', { result });
      sendJson(res, 200, result && typeof result === 'object' ? result : {});
    } catch (e) {
      // A non-2xx answer makes Lark redeliver the event later (15 s, 5 min, 1 h, 6 h).
      log.error('lark callback handler failed', { path, err: e as Error });
      sendJson(res, 500, { code: 500, msg: 'handler failed' });
    }
  }

  // Node checks the header and request deadlines on this interval (default 30 s): often enough to hold them.
  const server = http.createServer({ connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs / 2)) }, (req, res) => {
    if (opts.httpHandler?.(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      if (req.method === 'GET') void handleHealth(opts, res, log);
      else sendJson(res, 405, { error: 'method not allowed' });
    } else if (path === '/lark/events' || path === '/lark/cards') {
      if (req.method === 'POST') void handleCallback(req, res, path);
      else sendJson(res, 405, { error: 'method not allowed' });
    } else {
      sendJson(res, 404, { error: 'not found' });
    }
  });
  // Slow clients: headers and the whole request must arrive in time; idle keep-alives are closed.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    const status = timeout ? 408 : 400;
    log.warn('rejected lark callback', { status, reason: timeout ? 'request not received in time (slow client)' : `bad request: ${err.code ?? err.message}`, remote: (socket as import('node:net').Socket).remoteAddress });
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  const port = await listen(server, opts.port, opts.host);
  log.info('lark webhook listening', { port });

  return {
    port,
    status: () => 'webhook',
    close: () => closeServer(server),
  };
}
