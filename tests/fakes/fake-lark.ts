// A fake Lark/Feishu open platform on 127.0.0.1 for tests: enough HTTP for the real
// @larksuiteoapi/node-sdk Client (tenant token, IM messages/files/members, bot info, the web app
// login: authorize page, OAuth token, user_info) and the
// long-connection WebSocket (pbbp2 protobuf frames, see shared notes §1.7), with failure injection
// and per-window request accounting. It mimics platform rules we rely on: uuid de-duplication
// within 1 h, tokens that can be revoked (99991663), 429 + x-ogw-ratelimit-reset, 230020.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import { WebSocketServer, type WebSocket } from 'ws';

export const FAKE_APP_ID = 'cli_0123456789abcdef';
export const FAKE_APP_SECRET = 'fake-app-secret-0001';
export const FAKE_BOT_OPEN_ID = 'ou_000000000000000000000000000000b0';

export type FailureKind = '429' | '500' | '230020' | 'slow' | 'invalid-token';
/** A named failure, or any platform answer `{code, msg}` with an HTTP status (default 400). */
export type Failure = FailureKind | { code: number; msg?: string; httpStatus?: number };

export interface FakeLarkOptions {
  apps?: Array<{ appId: string; appSecret: string }>;
  botOpenId?: string;
  botName?: string;
  /** Seconds put in x-ogw-ratelimit-reset on 429 answers. Default 1. */
  rateLimitResetSeconds?: number;
  /** Delay of a 'slow' failure, in ms. Default 1500. */
  slowMs?: number;
  /** HTTP status of 230020 / 99991663 answers. The platform answers 400 (lark-samples#22). */
  businessErrorHttpStatus?: number;
  /** Seconds the issued tenant token lives ("expire"). Default 7200. */
  tokenExpireSeconds?: number;
  /** Page size cap for chat members, so paging is exercised. Default 2. */
  membersPageSize?: number;
  /** Enforce the platform send limits (50/s per app, 5/s per chat) with 429 / 230020. Off by default. */
  enforceRateLimits?: { appPerSecond?: number; chatPerSecond?: number };
  /** WS ClientConfig PingInterval in seconds. Default 120. */
  pingIntervalSeconds?: number;
  /** Clock for uuid de-duplication and request accounting. Default Date.now. */
  now?: () => number;
  /** How long pushEvent waits for the ack before rejecting. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** WS ClientConfig ReconnectInterval in seconds (the SDK waits this long between attempts). Default 1. */
  reconnectIntervalSeconds?: number;
}

/** What the fake refuses during an outage (see FakeLark.outage). */
export type Outage =
  /** The tenant-token endpoint answers HTTP 500. */
  | 'auth'
  /** The WS endpoint (asked before every connection attempt) answers HTTP 503: the SDK keeps retrying. */
  | 'ws'
  /** The WS endpoint answers code 1 "system busy", which the SDK treats as final (it stops retrying). */
  | 'ws-busy';

export interface SentMessage {
  messageId: string;
  kind: 'create' | 'reply';
  /** The chat id (create), or the chat of the replied-to message when the fake knows it. */
  receive_id: string | undefined;
  receive_id_type: string | undefined;
  msg_type: string;
  content: unknown;
  uuid: string | undefined;
  parentId?: string;
  replyInThread?: boolean;
  appId: string;
  at: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  appId: string | undefined;
  chatId: string | undefined;
  status: number;
  code: number | undefined;
  at: number;
  /** The failure injected into this request, if any. */
  injected?: string;
}

export interface PatchRecord {
  messageId: string;
  content: unknown;
  at: number;
}

export interface FileRecord {
  fileKey: string;
  fileType: string;
  fileName: string;
  data: Buffer;
  at: number;
}

/** A resource of a message (an image or a file the user sent), served by GET /im/v1/messages/:id/resources/:key. */
export interface FakeResource {
  data: Buffer;
  /** image_key resources answer only ?type=image, file_key ones only ?type=file. */
  type: 'image' | 'file';
  contentType?: string;
  /** Sent in content-disposition (files). */
  fileName?: string;
}

export interface AckPayload {
  code: number;
  /** The handler's return value, decoded from the base64 `data` of the ack. */
  data?: unknown;
  /** The raw base64 `data` as the SDK sent it. */
  dataBase64?: string;
}

export interface FakeLark {
  url: string;
  port: number;
  /** Accepted, unique messages (creates and replies) in arrival order. */
  sent: SentMessage[];
  /** Sends that repeated a uuid seen within 1 h: answered with the original message_id, not re-sent. */
  duplicates: SentMessage[];
  patches: PatchRecord[];
  files: FileRecord[];
  /** Every HTTP request except the tenant-token and WS-endpoint calls. */
  requests: RequestRecord[];
  tokenRequests: number;
  wsEndpointRequests: number;
  /** WebSocket connections accepted so far (including closed ones). */
  wsConnectionsTotal: number;
  pings: number;
  failNext(n: number, failure: Failure, opts?: { path?: RegExp; delayMs?: number }): void;
  /** Fail each IM API request with probability p, picking a kind uniformly; seeded for reproducibility. */
  setFailureRate(p: number, kinds: Failure[], seed: number): void;
  /** Revoke every issued token: requests carrying them get 99991663 until a new token is fetched. */
  revokeTokens(): void;
  setChatMembers(chatId: string, members: Array<{ openId: string; name?: string }>): void;
  /**
   * Who is signed in to the Lark client: its authorize page approves as this user at once (as Lark
   * does inside the client) and redirects back with a code; null shows a sign-in page instead.
   */
  setLoggedInUser(user: { openId: string; name: string } | null): void;
  /** Login codes issued by the authorize page, and the token requests made with them. */
  oauth: { authorizations: Array<{ clientId: string; redirectUri: string; state: string; code: string }>; tokenRequests: Array<{ code: string; ok: boolean }> };
  /** Serve a message's resource (the bytes of an image or file the user sent). */
  setResource(messageId: string, key: string, resource: FakeResource): void;
  /**
   * The next `n` resource downloads send the headers (full content-length) and `afterBytes` bytes,
   * then drop the connection: a download cut mid-way.
   */
  cutResourceNext(n: number, afterBytes: number): void;
  /** Resource downloads answered in full. */
  resourcesServed: Array<{ messageId: string; key: string; type: string; bytes: number }>;
  /** Names the contact API returns (also taken from setChatMembers). */
  setUserName(openId: string, name: string): void;
  /** The largest number of matching requests seen in any window of windowMs, and whose (app id or chat id). */
  maxRequestsInWindow(opts?: { windowMs?: number; by?: 'app' | 'chat'; path?: RegExp }): { max: number; key: string | undefined };
  /** Push an event envelope over the live WS connection; resolves with the SDK's ack payload. */
  pushEvent(envelope: unknown, opts?: { fragments?: number }): Promise<AckPayload>;
  /** Resolve once `total` WS connections have been accepted (1 = the first one) and one is open. */
  waitForConnection(total?: number, timeoutMs?: number): Promise<void>;
  /**
   * Terminate live WS connections from the server side (the SDK should reconnect). Events pushed and
   * not acked yet are delivered again on the next connection, as Lark redelivers unacknowledged events.
   */
  dropConnection(): void;
  /** Refuse `what` until the fake's clock reaches `untilMs` (its `now` option). */
  outage(what: Outage, untilMs: number): void;
  /** Events pushed again on a new connection because the old one dropped before their ack. */
  redelivered: number;
  close(): Promise<void>;
}

const PBBP2_PROTO = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;
const Frame = protobuf.parse(PBBP2_PROTO).root.lookupType('pbbp2.Frame');
const SERVICE_ID = 42;

interface DecodedFrame {
  SeqID: number | { toNumber(): number };
  LogID: number | { toNumber(): number };
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
}

const UUID_WINDOW_MS = 60 * 60 * 1000;
const TEXT_LIMIT = 150 * 1024;
const CARD_LIMIT = 30 * 1024;

/** mulberry32: tiny seeded PRNG so randomized failure runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** Binary answers: send only this many bytes of the body, then drop the connection. */
    readonly cutAfter?: number,
  ) {}
}

export async function startFakeLark(opts: FakeLarkOptions = {}): Promise<FakeLark> {
  const apps = opts.apps ?? [{ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET }];
  const now = opts.now ?? Date.now;
  const botOpenId = opts.botOpenId ?? FAKE_BOT_OPEN_ID;
  const bizStatus = opts.businessErrorHttpStatus ?? 400;
  const slowMs = opts.slowMs ?? 1500;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 5000;

  const tokens = new Map<string, string>(); // token -> appId
  const revoked = new Set<string>();
  const uuids = new Map<string, { messageId: string; at: number }>(); // appId:uuid -> first send
  const messages = new Map<string, { chatId: string | undefined; msgType: string }>();
  const members = new Map<string, Array<{ openId: string; name?: string }>>();
  const userNames = new Map<string, string>();
  const resources = new Map<string, FakeResource>(); // messageId\0key -> resource
  const cuts: number[] = [];
  let loggedIn: { openId: string; name: string } | null = null;
  const codes = new Map<string, { openId: string; name: string; appId: string; redirectUri: string; at: number; used: boolean }>();
  const userTokens = new Map<string, { openId: string; name: string }>();
  const failQueue: Array<{ failure: Failure; path?: RegExp; delayMs?: number }> = [];
  let random: { p: number; kinds: Failure[]; next: () => number } | undefined;
  const outages = new Map<Outage, number>();
  const inOutage = (what: Outage) => (outages.get(what) ?? -Infinity) > now();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}${String(++seq).padStart(24, '0')}`;

  const fake: FakeLark = {
    url: '',
    port: 0,
    sent: [],
    duplicates: [],
    patches: [],
    files: [],
    requests: [],
    tokenRequests: 0,
    wsEndpointRequests: 0,
    wsConnectionsTotal: 0,
    pings: 0,
    redelivered: 0,
    outage(what, untilMs) {
      outages.set(what, untilMs);
    },
    failNext(n, failure, o = {}) {
      for (let i = 0; i < n; i++) failQueue.push({ failure, path: o.path, delayMs: o.delayMs });
    },
    setFailureRate(p, kinds, seedValue) {
      random = p > 0 && kinds.length > 0 ? { p, kinds, next: seededRandom(seedValue) } : undefined;
    },
    revokeTokens() {
      for (const t of tokens.keys()) revoked.add(t);
    },
    setChatMembers(chatId, list) {
      members.set(chatId, list);
      for (const x of list) if (x.name) userNames.set(x.openId, x.name);
    },
    setResource(messageId, key, resource) {
      resources.set(`${messageId}\0${key}`, resource);
    },
    cutResourceNext(n, afterBytes) {
      for (let i = 0; i < n; i++) cuts.push(afterBytes);
    },
    resourcesServed: [],
    setUserName(openId, name) {
      userNames.set(openId, name);
    },
    setLoggedInUser(user) {
      loggedIn = user;
    },
    oauth: { authorizations: [], tokenRequests: [] },
    maxRequestsInWindow({ windowMs = 1000, by = 'app', path = /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/ } = {}) {
      const groups = new Map<string, number[]>();
      for (const r of fake.requests) {
        if (!path.test(r.path)) continue;
        const key = by === 'app' ? r.appId : r.chatId;
        if (!key) continue;
        const list = groups.get(key) ?? [];
        list.push(r.at);
        groups.set(key, list);
      }
      let best = { max: 0, key: undefined as string | undefined };
      for (const [key, times] of groups) {
        times.sort((a, b) => a - b);
        let lo = 0;
        for (let hi = 0; hi < times.length; hi++) {
          while (times[hi] - times[lo] >= windowMs) lo++;
          if (hi - lo + 1 > best.max) best = { max: hi - lo + 1, key };
        }
      }
      return best;
    },
    pushEvent: (envelope, o) => pushEvent(envelope, o),
    waitForConnection: (total, timeoutMs) => waitForConnection(total, timeoutMs),
    dropConnection() {
      for (const s of sockets) s.terminate();
    },
    close: () => close(),
  };

  // ---- failure selection -------------------------------------------------------------------
  function pickFailure(path: string): { failure: Failure; delayMs?: number } | undefined {
    const i = failQueue.findIndex((f) => !f.path || f.path.test(path));
    if (i >= 0) return failQueue.splice(i, 1)[0];
    if (random && random.next() < random.p) {
      const k = random.kinds[Math.floor(random.next() * random.kinds.length)];
      return { failure: k };
    }
    return undefined;
  }

  const logId = () => crypto.randomBytes(12).toString('hex').toUpperCase();

  function failureAnswer(failure: Failure): HttpAnswer {
    const lid = logId();
    const h = { 'x-tt-logid': lid };
    if (typeof failure === 'object') {
      return new HttpAnswer(failure.httpStatus ?? 400, { code: failure.code, msg: failure.msg ?? `fake error ${failure.code}`, error: { log_id: lid } }, h);
    }
    switch (failure) {
      case '429':
        return new HttpAnswer(
          429,
          { code: 99991400, msg: 'request trigger frequency limit', error: { log_id: lid } },
          { ...h, 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': String(opts.rateLimitResetSeconds ?? 1) },
        );
      case '500':
        return new HttpAnswer(500, 'Internal Server Error', h);
      case '230020':
        return new HttpAnswer(bizStatus, { code: 230020, msg: 'This operation triggers the frequency limit, ext=chat rate limit', error: { log_id: lid } }, h);
      case 'invalid-token':
        fake.revokeTokens();
        return invalidToken();
      case 'slow':
        throw new Error('slow is not an answer');
    }
  }

  function invalidToken(): HttpAnswer {
    const lid = logId();
    return new HttpAnswer(
      bizStatus,
      { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.', error: { log_id: lid } },
      { 'x-tt-logid': lid },
    );
  }

  // ---- request handling --------------------------------------------------------------------
  async function readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  function parseJson(buf: Buffer): Record<string, unknown> {
    if (buf.length === 0) return {};
    const v: unknown = JSON.parse(buf.toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  }

  const ok = (data: unknown, extra: Record<string, unknown> = {}) =>
    new HttpAnswer(200, { code: 0, msg: 'success', data, ...extra }, { 'x-tt-logid': logId() });
  const bad = (code: number, msg: string) => new HttpAnswer(400, { code, msg }, { 'x-tt-logid': logId() });

  function recordSend(kind: 'create' | 'reply', appId: string, fields: Omit<SentMessage, 'messageId' | 'kind' | 'appId' | 'at'>): HttpAnswer {
    const at = now();
    if (fields.uuid) {
      const prior = uuids.get(`${appId}:${fields.uuid}`);
      if (prior && at - prior.at < UUID_WINDOW_MS) {
        fake.duplicates.push({ ...fields, messageId: prior.messageId, kind, appId, at });
        return ok(messageData(prior.messageId, fields));
      }
    }
    const messageId = nextId('om_');
    if (fields.uuid) uuids.set(`${appId}:${fields.uuid}`, { messageId, at });
    messages.set(messageId, { chatId: fields.receive_id, msgType: fields.msg_type });
    fake.sent.push({ ...fields, messageId, kind, appId, at });
    return ok(messageData(messageId, fields));
  }

  function messageData(messageId: string, f: { receive_id: string | undefined; msg_type: string; parentId?: string }) {
    return {
      message_id: messageId,
      msg_type: f.msg_type,
      chat_id: f.receive_id,
      parent_id: f.parentId,
      create_time: String(now()),
      sender: { id: apps[0].appId, id_type: 'app_id', sender_type: 'app' },
    };
  }

  function checkContent(msgType: string, content: unknown): { parsed: unknown } | HttpAnswer {
    if (typeof content !== 'string') return bad(99992402, 'field validation failed: content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return bad(230001, 'invalid message content: not JSON');
    }
    const size = Buffer.byteLength(content);
    if (msgType === 'text') {
      if (!parsed || typeof (parsed as { text?: unknown }).text !== 'string') return bad(230001, 'invalid message content: text');
      if (size > TEXT_LIMIT) return bad(230025, 'message content too long');
    } else if (msgType === 'interactive') {
      if (!parsed || typeof parsed !== 'object' || Object.keys(parsed).length === 0) return bad(230001, 'invalid message content: card');
      if (size > CARD_LIMIT) return bad(230025, 'message content too long');
    } else if (msgType === 'file') {
      if (!parsed || typeof (parsed as { file_key?: unknown }).file_key !== 'string') return bad(230001, 'invalid message content: file');
    } else if (!['post', 'image', 'share_chat', 'share_user', 'audio', 'media', 'sticker'].includes(msgType)) {
      return bad(230001, `invalid msg_type ${msgType}`);
    }
    return { parsed };
  }

  function chatOfRequest(method: string, path: string, body: Record<string, unknown>): string | undefined {
    if (method === 'POST' && path === '/open-apis/im/v1/messages') return typeof body.receive_id === 'string' ? body.receive_id : undefined;
    const m = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply)?$/);
    if (m) return messages.get(m[1])?.chatId;
    const c = path.match(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/);
    if (c) return c[1];
    return undefined;
  }

  function overLimit(kind: 'app' | 'chat', key: string, limit: number, at: number): boolean {
    const path = /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/;
    let n = 0;
    for (const r of fake.requests) {
      if (!path.test(r.path) || r.status !== 200 || at - r.at >= 1000) continue;
      if ((kind === 'app' ? r.appId : r.chatId) === key) n++;
    }
    return n >= limit;
  }

  async function route(req: http.IncomingMessage, raw: Buffer, url: URL): Promise<{ answer: HttpAnswer; record?: Omit<RequestRecord, 'status' | 'code'> }> {
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
      fake.tokenRequests++;
      if (inOutage('auth')) return { answer: new HttpAnswer(500, 'fake lark: auth outage') };
      const body = parseJson(raw);
      const app = apps.find((a) => a.appId === body.app_id);
      if (!app || app.appSecret !== body.app_secret) return { answer: new HttpAnswer(200, { code: 10014, msg: 'app secret invalid' }) };
      const token = `t-${app.appId}-${crypto.randomBytes(6).toString('hex')}`;
      tokens.set(token, app.appId);
      return { answer: new HttpAnswer(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: opts.tokenExpireSeconds ?? 7200 }) };
    }
    if (method === 'POST' && path === '/callback/ws/endpoint') {
      fake.wsEndpointRequests++;
      if (inOutage('ws')) return { answer: new HttpAnswer(503, 'fake lark: long connection refused') };
      if (inOutage('ws-busy')) return { answer: new HttpAnswer(200, { code: 1, msg: 'system busy', data: {} }) };
      const body = parseJson(raw);
      const app = apps.find((a) => a.appId === body.AppID);
      if (!app || app.appSecret !== body.AppSecret) return { answer: new HttpAnswer(200, { code: 514, msg: 'auth failed', data: {} }) }; // the SDK destructures data even on errors
      return {
        answer: new HttpAnswer(200, {
          code: 0,
          msg: 'ok',
          data: {
            // device_id first: the SDK querystring-parses the whole URL (notes §1.7 step 2).
            URL: `ws://127.0.0.1:${fake.port}/ws?device_id=fake-device&service_id=${SERVICE_ID}`,
            ClientConfig: { PingInterval: opts.pingIntervalSeconds ?? 120, ReconnectCount: -1, ReconnectInterval: opts.reconnectIntervalSeconds ?? 1, ReconnectNonce: 0 },
          },
        }),
      };
    }

    // ---- the web app login (the OAuth code flow): no tenant token involved ----
    if (method === 'GET' && path === '/open-apis/authen/v1/authorize') {
      const clientId = url.searchParams.get('client_id') ?? '';
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const state = url.searchParams.get('state') ?? '';
      if (!apps.some((a) => a.appId === clientId) || !/^https?:\/\//.test(redirectUri)) {
        return { answer: new HttpAnswer(400, 'fake lark: unknown client_id or bad redirect_uri') };
      }
      if (!loggedIn) return { answer: new HttpAnswer(200, 'fake lark: sign in to Lark first') };
      const code = `fake-code-${crypto.randomBytes(12).toString('hex')}`;
      codes.set(code, { ...loggedIn, appId: clientId, redirectUri, at: now(), used: false });
      fake.oauth.authorizations.push({ clientId, redirectUri, state, code });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', state);
      return { answer: new HttpAnswer(302, '', { location: back.toString() }) };
    }
    if (method === 'POST' && path === '/oauth/v3/token') {
      const body = parseJson(raw);
      const code = String(body.code ?? '');
      const grant = codes.get(code);
      const app = apps.find((a) => a.appId === body.client_id);
      // Codes live 5 minutes and work once (obtain-oauth-code doc); the redirect_uri must be the authorize one.
      const fresh = grant && !grant.used && now() - grant.at < 5 * 60_000 && grant.appId === body.client_id && grant.redirectUri === body.redirect_uri;
      fake.oauth.tokenRequests.push({ code, ok: !!(app && app.appSecret === body.client_secret && fresh) });
      if (!app || app.appSecret !== body.client_secret) {
        return { answer: new HttpAnswer(401, { code: 20002, error: 'invalid_client', error_description: 'client authentication failed' }) };
      }
      if (body.grant_type !== 'authorization_code' || !grant || !fresh) {
        return { answer: new HttpAnswer(400, { code: 20050, error: 'invalid_grant', error_description: 'the authorization code is invalid, expired or already used' }) };
      }
      grant.used = true;
      const accessToken = `u-fake-${crypto.randomBytes(12).toString('hex')}`;
      userTokens.set(accessToken, { openId: grant.openId, name: grant.name });
      return { answer: new HttpAnswer(200, { code: 0, access_token: accessToken, token_type: 'Bearer', expires_in: 7200, scope: '' }) };
    }
    if (method === 'GET' && path === '/open-apis/authen/v1/user_info') {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const user = userTokens.get(bearer);
      if (!user) return { answer: new HttpAnswer(401, { code: 99991668, msg: 'Invalid access token for authorization' }) };
      return {
        answer: new HttpAnswer(200, {
          code: 0,
          msg: 'success',
          data: { name: user.name, en_name: user.name, open_id: user.openId, union_id: `on_${user.openId.slice(3)}`, tenant_key: 'fake-tenant' },
        }),
      };
    }

    // Everything below needs a tenant token.
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const appId = tokens.get(token);
    const body = (req.headers['content-type'] ?? '').startsWith('application/json') ? parseJson(raw) : {};
    const record = { method, path, appId, chatId: chatOfRequest(method, path, body), at: now() };
    if (!appId || revoked.has(token)) return { answer: invalidToken(), record };

    if (path.startsWith('/open-apis/im/')) {
      const failure = pickFailure(path);
      if (failure) {
        const label = typeof failure.failure === 'string' ? failure.failure : String(failure.failure.code);
        if (failure.failure === 'slow') {
          await delay(failure.delayMs ?? slowMs);
        } else {
          return { answer: failureAnswer(failure.failure), record: { ...record, injected: label } };
        }
      }
      const limits = opts.enforceRateLimits;
      if (limits && /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(path) && method === 'POST') {
        if (overLimit('app', appId, limits.appPerSecond ?? 50, record.at)) return { answer: failureAnswer('429'), record: { ...record, injected: 'limit-429' } };
        if (record.chatId && overLimit('chat', record.chatId, limits.chatPerSecond ?? 5, record.at))
          return { answer: failureAnswer('230020'), record: { ...record, injected: 'limit-230020' } };
      }
    }

    if (method === 'GET' && path === '/open-apis/bot/v3/info') {
      return {
        answer: new HttpAnswer(200, {
          code: 0,
          msg: 'ok',
          bot: { activate_status: 2, app_name: opts.botName ?? 'Duban', avatar_url: '', ip_white_list: [], open_id: botOpenId },
        }),
        record,
      };
    }
    if (method === 'POST' && path === '/open-apis/im/v1/messages') {
      const receiveIdType = url.searchParams.get('receive_id_type') ?? undefined;
      if (!receiveIdType) return { answer: bad(99992402, 'field validation failed: receive_id_type is required'), record };
      const msgType = String(body.msg_type ?? '');
      const checked = checkContent(msgType, body.content);
      if (checked instanceof HttpAnswer) return { answer: checked, record };
      if (typeof body.receive_id !== 'string' || !body.receive_id) return { answer: bad(99992402, 'field validation failed: receive_id'), record };
      const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
      if (uuid && uuid.length > 50) return { answer: bad(99992402, 'field validation failed: uuid longer than 50'), record };
      return {
        answer: recordSend('create', appId, { receive_id: body.receive_id, receive_id_type: receiveIdType, msg_type: msgType, content: checked.parsed, uuid }),
        record,
      };
    }
    let m = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/);
    if (method === 'POST' && m) {
      const msgType = String(body.msg_type ?? '');
      const checked = checkContent(msgType, body.content);
      if (checked instanceof HttpAnswer) return { answer: checked, record };
      const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
      if (uuid && uuid.length > 50) return { answer: bad(99992402, 'field validation failed: uuid longer than 50'), record };
      return {
        answer: recordSend('reply', appId, {
          receive_id: messages.get(m[1])?.chatId,
          receive_id_type: undefined,
          msg_type: msgType,
          content: checked.parsed,
          uuid,
          parentId: m[1],
          replyInThread: body.reply_in_thread === true ? true : undefined,
        }),
        record,
      };
    }
    m = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/);
    if (method === 'PATCH' && m) {
      const known = messages.get(m[1]);
      if (known && known.msgType !== 'interactive') return { answer: bad(230001, 'only card messages can be patched'), record };
      const checked = checkContent('interactive', body.content);
      if (checked instanceof HttpAnswer) return { answer: checked, record };
      fake.patches.push({ messageId: m[1], content: checked.parsed, at: now() });
      return { answer: ok({}), record };
    }
    if (method === 'POST' && path === '/open-apis/im/v1/files') {
      const parts = parseMultipart(raw, req.headers['content-type'] ?? '');
      const file = parts.get('file');
      const fileType = parts.get('file_type')?.data.toString('utf8') ?? '';
      const fileName = parts.get('file_name')?.data.toString('utf8') ?? '';
      if (!file || file.data.length === 0) return { answer: bad(234010, 'file is empty'), record };
      if (!['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'].includes(fileType)) return { answer: bad(234001, 'invalid file_type'), record };
      if (!fileName) return { answer: bad(234001, 'file_name is required'), record };
      const fileKey = nextId('file_v3_');
      fake.files.push({ fileKey, fileType, fileName, data: file.data, at: now() });
      return { answer: ok({ file_key: fileKey }), record };
    }
    m = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/);
    if (method === 'GET' && m) {
      const [messageId, key] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
      const type = url.searchParams.get('type');
      if (type !== 'image' && type !== 'file') return { answer: bad(234001, 'Invalid request param: type'), record };
      const r = resources.get(`${messageId}\0${key}`);
      // Lark: the key must belong to the message (234003) and the type must be the resource's (234001).
      if (!r) return { answer: bad(234003, 'File not in msg.'), record };
      if (r.type !== type) return { answer: bad(234001, 'Invalid request param: type does not match the resource'), record };
      const headers: Record<string, string> = {
        'content-type': r.contentType ?? (type === 'image' ? 'image/png' : 'application/octet-stream'),
        'content-length': String(r.data.length),
        'x-tt-logid': logId(),
      };
      if (r.fileName) headers['content-disposition'] = `attachment; filename="${encodeURIComponent(r.fileName)}"; filename*=UTF-8''${encodeURIComponent(r.fileName)}`;
      const cut = cuts.shift();
      if (cut === undefined) fake.resourcesServed.push({ messageId, key, type, bytes: r.data.length });
      return { answer: new HttpAnswer(200, r.data, headers, cut), record };
    }
    m = path.match(/^\/open-apis\/contact\/v3\/users\/([^/]+)$/);
    if (method === 'GET' && m) {
      const name = userNames.get(decodeURIComponent(m[1]));
      // Without the contact scope or data range Lark answers 41050; the fake does so for unknown users.
      if (!name) return { answer: bad(41050, 'no user authority error'), record };
      return { answer: ok({ user: { open_id: m[1], name } }), record };
    }
    m = path.match(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/);
    if (method === 'GET' && m) {
      const list = members.get(m[1]);
      if (!list) return { answer: bad(230002, 'Bot/User can NOT be out of the chat.'), record };
      const cap = opts.membersPageSize ?? 2;
      const size = Math.min(Number(url.searchParams.get('page_size') ?? cap) || cap, cap);
      const start = Number(url.searchParams.get('page_token') ?? '0') || 0;
      const page = list.slice(start, start + size);
      const more = start + size < list.length;
      return {
        answer: ok({
          items: page.map((x) => ({ member_id: x.openId, member_id_type: url.searchParams.get('member_id_type') ?? 'open_id', name: x.name ?? '', tenant_key: 'fake-tenant' })),
          has_more: more,
          page_token: more ? String(start + size) : '',
          member_total: list.length,
        }),
        record,
      };
    }
    return { answer: new HttpAnswer(404, { code: 404, msg: `fake lark: no route ${method} ${path}` }), record };
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let answer: HttpAnswer;
      let record: Omit<RequestRecord, 'status' | 'code'> | undefined;
      try {
        const raw = await readBody(req);
        ({ answer, record } = await route(req, raw, url));
      } catch (e) {
        answer = new HttpAnswer(400, { code: 99992402, msg: `fake lark: bad request: ${(e as Error).message}` });
      }
      if (record) {
        const code = answer.body && typeof answer.body === 'object' ? (answer.body as { code?: number }).code : undefined;
        fake.requests.push({ ...record, status: answer.status, code });
      }
      if (res.destroyed) return;
      if (Buffer.isBuffer(answer.body)) {
        res.writeHead(answer.status, answer.headers);
        if (answer.cutAfter === undefined) res.end(answer.body);
        else res.write(answer.body.subarray(0, answer.cutAfter), () => setImmediate(() => res.socket?.destroy()));
        return;
      }
      const isJson = typeof answer.body !== 'string';
      res.writeHead(answer.status, { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain', ...answer.headers });
      res.end(isJson ? JSON.stringify(answer.body) : (answer.body as string));
    })();
  });

  // ---- WebSocket (long connection) ---------------------------------------------------------
  const wss = new WebSocketServer({ server, path: '/ws' });
  const sockets = new Set<WebSocket>();
  const pendingAcks = new Map<string, { resolve: (a: AckPayload) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; envelope: unknown; parts: number; sock: WebSocket }>();
  const connectionWaiters = new Set<() => void>();
  let frameSeq = 0;

  const header = (f: DecodedFrame, key: string) => f.headers.find((h) => h.key === key)?.value;

  wss.on('connection', (sock) => {
    fake.wsConnectionsTotal++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sockets.delete(sock));
    // Lark redelivers what the dropped connection never acknowledged: the same event in a new frame,
    // once the client is listening (its 'open' handler runs after this event).
    const redeliver = setTimeout(() => {
      timers.delete(redeliver);
      for (const [id, p] of [...pendingAcks]) {
        if (p.sock === sock || p.sock.readyState === p.sock.OPEN || sock.readyState !== sock.OPEN) continue;
        pendingAcks.delete(id);
        fake.redelivered++;
        const again = eventFrames(p.envelope, p.parts);
        pendingAcks.set(again.messageId, { ...p, sock });
        for (const f of again.frames) sock.send(f);
      }
    }, 100);
    timers.add(redeliver);
    for (const w of [...connectionWaiters]) w();
    sock.on('message', (data) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const f = Frame.toObject(Frame.decode(buf), { longs: Number }) as DecodedFrame;
      if (f.method === 0 && header(f, 'type') === 'ping') {
        fake.pings++;
        const pong = Frame.create({
          SeqID: 0,
          LogID: 0,
          service: f.service,
          method: 0,
          headers: [{ key: 'type', value: 'pong' }],
          payload: Buffer.from(
            JSON.stringify({ PingInterval: opts.pingIntervalSeconds ?? 120, ReconnectCount: -1, ReconnectInterval: opts.reconnectIntervalSeconds ?? 1, ReconnectNonce: 0 }),
          ),
        });
        sock.send(Frame.encode(pong).finish());
        return;
      }
      if (f.method === 1) {
        const id = header(f, 'message_id') ?? '';
        const pending = pendingAcks.get(id);
        if (!pending) return;
        pendingAcks.delete(id);
        clearTimeout(pending.timer);
        try {
          const payload = JSON.parse(Buffer.from(f.payload ?? new Uint8Array()).toString('utf8')) as { code: number; data?: string };
          const ack: AckPayload = { code: payload.code };
          if (payload.data) {
            ack.dataBase64 = payload.data;
            ack.data = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
          }
          pending.resolve(ack);
        } catch (e) {
          pending.reject(e as Error);
        }
      }
    });
  });

  function liveSocket(): WebSocket | undefined {
    const open = [...sockets].filter((s) => s.readyState === s.OPEN);
    return open[open.length - 1];
  }

  /** An event as the frames of one delivery, under a fresh frame message id. */
  function eventFrames(envelope: unknown, parts: number): { messageId: string; frames: Uint8Array[] } {
    const n = ++frameSeq;
    const messageId = `fake-msg-${n}`;
    const payload = Buffer.from(JSON.stringify(envelope));
    const size = Math.ceil(payload.length / parts);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < parts; i++) {
      const frame = Frame.create({
        SeqID: n,
        LogID: n,
        service: SERVICE_ID,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: String(parts) },
          { key: 'seq', value: String(i) },
          { key: 'trace_id', value: `fake-trace-${n}` },
        ],
        payload: payload.subarray(i * size, (i + 1) * size),
      });
      frames.push(Frame.encode(frame).finish());
    }
    return { messageId, frames };
  }

  function pushEvent(envelope: unknown, o: { fragments?: number } = {}): Promise<AckPayload> {
    const sock = liveSocket();
    if (!sock) return Promise.reject(new Error('fake lark: no live WS connection (await waitForConnection() first)'));
    rememberEventMessage(envelope);
    const parts = Math.max(1, o.fragments ?? 1);
    const { messageId, frames } = eventFrames(envelope, parts);
    return new Promise<AckPayload>((resolve, reject) => {
      const timer = setTimeout(() => {
        for (const [id, p] of pendingAcks) if (p.timer === timer) pendingAcks.delete(id);
        reject(new Error(`fake lark: no ack for ${messageId} within ${ackTimeoutMs} ms`));
      }, ackTimeoutMs);
      pendingAcks.set(messageId, { resolve, reject, timer, envelope, parts, sock });
      for (const f of frames) sock.send(f);
    });
  }

  /** Inbound messages become known, so a reply to them is counted against their chat. */
  function rememberEventMessage(envelope: unknown): void {
    const msg = (envelope as { event?: { message?: { message_id?: unknown; chat_id?: unknown; message_type?: unknown } } })?.event?.message;
    if (msg && typeof msg.message_id === 'string') {
      messages.set(msg.message_id, { chatId: typeof msg.chat_id === 'string' ? msg.chat_id : undefined, msgType: String(msg.message_type ?? 'text') });
    }
  }

  function waitForConnection(total = 1, timeoutMs = 5000): Promise<void> {
    const ready = () => fake.wsConnectionsTotal >= total && liveSocket() !== undefined;
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        connectionWaiters.delete(check);
        clearTimeout(timer);
        // The 'connection' event fires before the client's 'open' handler runs; give it a tick.
        setImmediate(resolve);
      };
      const timer = setTimeout(() => {
        connectionWaiters.delete(check);
        reject(new Error(`fake lark: ${total} WS connection(s) not reached within ${timeoutMs} ms (have ${fake.wsConnectionsTotal})`));
      }, timeoutMs);
      connectionWaiters.add(check);
    });
  }

  async function close(): Promise<void> {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const [, p] of pendingAcks) {
      clearTimeout(p.timer);
      p.reject(new Error('fake lark closed'));
    }
    pendingAcks.clear();
    for (const s of sockets) s.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}

/** Minimal multipart/form-data parser (fields and one file per name), enough for im/v1/files. */
function parseMultipart(body: Buffer, contentType: string): Map<string, { data: Buffer; filename?: string }> {
  const out = new Map<string, { data: Buffer; filename?: string }>();
  const m = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/i);
  if (!m) return out;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before the next
    const sep = part.indexOf('\r\n\r\n');
    if (sep >= 0) {
      const head = part.subarray(0, sep).toString('utf8');
      const name = head.match(/name="([^"]*)"/i)?.[1];
      const filename = head.match(/filename="([^"]*)"/i)?.[1];
      if (name) out.set(name, { data: Buffer.from(part.subarray(sep + 4)), filename });
    }
    pos = next;
  }
  return out;
}

// ---- helpers for webhook tests: build what the platform would POST --------------------------

/** The schema-2.0 envelope the platform sends (notes §2.1). */
export function makeEnvelope(eventType: string, event: unknown, opts: { eventId?: string; token?: string; appId?: string; createTime?: string } = {}) {
  return {
    schema: '2.0',
    header: {
      event_id: opts.eventId ?? crypto.randomBytes(16).toString('hex'),
      event_type: eventType,
      create_time: opts.createTime ?? '1717000000000',
      token: opts.token ?? 'fake-verification-token',
      app_id: opts.appId ?? FAKE_APP_ID,
      tenant_key: 'fake-tenant',
    },
    event,
  };
}

/** What the SDK hands to handlers: `{schema, ...header, ...event}` (notes §1.8). */
export function flattenEnvelope(envelope: { header: object; event: object; schema?: string }): Record<string, unknown> {
  const { header, event, ...rest } = envelope;
  return { ...rest, ...header, ...event };
}

/** Encrypt a body the way Lark does: AES-256-CBC, key = sha256(encryptKey), random IV prefix, base64. */
export function encryptForLark(payload: unknown, encryptKey: string): string {
  const key = crypto.createHash('sha256').update(encryptKey).digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  const enc = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, enc]).toString('base64');
}

/** The X-Lark-* headers of a signed callback: sha256_hex(timestamp + nonce + encryptKey + rawBody). */
export function signForLark(rawBody: string, encryptKey: string, timestamp = String(Math.floor(Date.now() / 1000)), nonce = crypto.randomBytes(8).toString('hex')) {
  const signature = crypto.createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}
