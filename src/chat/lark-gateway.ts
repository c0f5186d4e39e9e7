// The real LarkGateway over @larksuiteoapi/node-sdk's Client. Every failure becomes a LarkApiError
// (HTTP errors, HTTP-200 bodies with code != 0, network errors and timeouts); nothing is retried
// here because the dispatcher owns retries and rate limiting.
import type * as Sdk from '@larksuiteoapi/node-sdk';
import { lark } from './lark-sdk.ts';
import { LarkApiError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Readable } from 'node:stream';
import type { Card, DownloadedResource, LarkGateway, OutgoingMessage, SendOptions } from './gateway.ts';

export interface LarkCredentials {
  appId: string;
  appSecret: string;
  /** 'feishu' | 'lark' | a base URL without trailing slash (tests: the fake Lark server). */
  domain: string;
}

export interface LarkGatewayOptions {
  /** Per-request timeout; a timeout becomes LarkApiError code -1. Default 15 s. */
  timeoutMs?: number;
}

export interface BotInfo {
  openId: string;
  appName: string;
}

export type RealLarkGateway = LarkGateway & {
  /** The SDK Client, for calls the gateway does not cover (typed unknown on purpose: keep the SDK here). */
  client: unknown;
  /** GET /open-apis/bot/v3/info: the bot's own open_id, needed to tell "@bot" from other mentions. */
  getBotInfo(): Promise<BotInfo>;
  getUserName(openId: string): Promise<string | null>;
  downloadResource(messageId: string, fileKey: string, type: 'image' | 'file'): Promise<DownloadedResource>;
};

/** Codes meaning the tenant token is no good: drop it so the next call fetches a fresh one (notes §1.3). */
const INVALID_TOKEN_CODES = new Set([99991663]);
/** LarkApiError.code when the platform gave no code (network error, timeout, non-JSON body). */
export const NO_PLATFORM_CODE = -1;
const MAX_MEMBER_PAGES = 200;

export function larkDomain(domain: string): Sdk.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

/** A DefaultCache we can empty: the SDK never drops a token the platform rejected. */
class TokenCache extends lark.DefaultCache {
  clear(): void {
    this.values.clear();
  }
}

/** Thrown by our response interceptor for HTTP-2xx bodies whose code != 0. */
class BusinessError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: number; msg?: unknown; error?: { log_id?: unknown } },
    readonly headers: Record<string, unknown>,
  ) {
    super(`code ${body.code}`);
  }
}

interface AxiosLikeError {
  isAxiosError: true;
  message: string;
  code?: string;
  response?: { status: number; data: unknown; headers: Record<string, unknown> };
}

const isAxiosError = (e: unknown): e is AxiosLikeError => typeof e === 'object' && e !== null && (e as { isAxiosError?: unknown }).isAxiosError === true;

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const get = (headers as { get?: (n: string) => unknown }).get;
  const v = typeof get === 'function' ? get.call(headers, name) : headers[name];
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

/** x-ogw-ratelimit-reset is in seconds (frequency-control doc, notes §3.3). */
function retryAfter(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headerValue(headers, 'x-ogw-ratelimit-reset');
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

function bodyFields(data: unknown): { code?: number; msg?: string; logId?: string } {
  if (!data || typeof data !== 'object') return typeof data === 'string' && data ? { msg: data.slice(0, 200) } : {};
  const d = data as { code?: unknown; msg?: unknown; error?: { log_id?: unknown } };
  return {
    code: typeof d.code === 'number' ? d.code : undefined,
    msg: typeof d.msg === 'string' ? d.msg : undefined,
    logId: typeof d.error?.log_id === 'string' ? d.error.log_id : undefined,
  };
}

/** Map anything a Client call can throw to a LarkApiError. */
export function toLarkApiError(method: string, e: unknown): LarkApiError {
  if (e instanceof LarkApiError) return e;
  if (e instanceof BusinessError) {
    const f = bodyFields(e.body);
    return new LarkApiError(method, e.body.code, f.msg ?? '', e.status, headerValue(e.headers, 'x-tt-logid') ?? f.logId, retryAfter(e.headers), { cause: e });
  }
  if (isAxiosError(e)) {
    const r = e.response;
    if (!r) return new LarkApiError(method, NO_PLATFORM_CODE, `${e.code ? `${e.code}: ` : ''}${e.message}`, undefined, undefined, undefined, { cause: e });
    const f = bodyFields(r.data);
    return new LarkApiError(method, f.code ?? NO_PLATFORM_CODE, f.msg ?? e.message, r.status, headerValue(r.headers, 'x-tt-logid') ?? f.logId, retryAfter(r.headers), {
      cause: e,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new LarkApiError(method, NO_PLATFORM_CODE, msg, undefined, undefined, undefined, { cause: e });
}

/** An axios instance like the SDK's default one (returns the body), but a code != 0 body throws. */
function createHttpInstance(timeoutMs: number): Sdk.HttpInstance {
  const http = lark.defaultHttpInstance.create({ timeout: timeoutMs });
  http.interceptors.response.use((resp) => {
    const body: unknown = resp.data;
    if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number' && (body as { code: number }).code !== 0) {
      throw new BusinessError(resp.status, body as BusinessError['body'], resp.headers as Record<string, unknown>);
    }
    if ((resp.config as { $return_headers?: boolean }).$return_headers) return { data: body, headers: resp.headers } as never;
    return body as never;
  });
  // The interceptor makes it resolve to bodies, which is the HttpInstance contract.
  return http as unknown as Sdk.HttpInstance;
}

/** SDK log lines go to our logger; the Client's own error logs duplicate our LarkApiErrors, so keep it quiet. */
export function sdkLogger(logger: Logger) {
  const line = (args: unknown[]) =>
    args
      .flat()
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : safeJson(a)))
      .join(' ');
  return {
    error: (...args: unknown[]) => logger.error('lark sdk', { detail: line(args) }),
    warn: (...args: unknown[]) => logger.warn('lark sdk', { detail: line(args) }),
    info: (...args: unknown[]) => logger.info('lark sdk', { detail: line(args) }),
    debug: (...args: unknown[]) => logger.debug('lark sdk', { detail: line(args) }),
    trace: (...args: unknown[]) => logger.debug('lark sdk', { detail: line(args) }),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 500) ?? String(v);
  } catch {
    return String(v);
  }
}

function content(message: OutgoingMessage): { msg_type: string; content: string } {
  switch (message.msgType) {
    case 'text':
      return { msg_type: 'text', content: JSON.stringify({ text: message.text }) };
    case 'interactive':
      return { msg_type: 'interactive', content: JSON.stringify(message.card) };
    case 'file':
      return { msg_type: 'file', content: JSON.stringify({ file_key: message.fileKey }) };
  }
}

/** .xlsx/.xls go up as 'xls' so Lark previews them; everything else as a generic 'stream'. */
export function fileTypeFor(fileName: string): 'xls' | 'pdf' | 'doc' | 'stream' {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (ext === 'xlsx' || ext === 'xls') return 'xls';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'docx' || ext === 'doc') return 'doc';
  return 'stream';
}

/** The body of an error answer that came as a stream: parsed JSON when it is JSON, else its text (first 64 KB). */
async function readErrorBody(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      size += (c as Buffer).length;
      if (size > 64 * 1024) break;
    }
  } catch {
    // a broken error body: keep what arrived
  } finally {
    stream.destroy();
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** filename*=UTF-8''… (RFC 5987) first, else filename="…" (Lark percent-encodes non-ASCII names there too). */
export function fileNameOfDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)?''([^;]+)/i.exec(value);
  if (star) return decode(star[1].trim().replace(/^"|"$/g, ''));
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
  if (plain) return decode((plain[2] ?? plain[1]).trim());
  return undefined;
}

export function createLarkGateway(creds: LarkCredentials, logger: Logger, opts: LarkGatewayOptions = {}): RealLarkGateway {
  const cache = new TokenCache();
  const client = new lark.Client({
    appId: creds.appId,
    appSecret: creds.appSecret,
    domain: larkDomain(creds.domain),
    cache,
    httpInstance: createHttpInstance(opts.timeoutMs ?? 15_000),
    loggerLevel: lark.LoggerLevel.fatal,
    logger: sdkLogger(logger.child({ component: 'lark-client' })),
  });

  /** Run one SDK call; map its failure, dropping the token when the platform rejected it. */
  async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = toLarkApiError(method, e);
      if (INVALID_TOKEN_CODES.has(err.code)) {
        cache.clear();
        logger.warn('lark rejected the tenant token; it will be fetched again on the next call', { method, code: err.code, logId: err.logId });
      }
      throw err;
    }
  }

  function messageId(method: string, res: unknown): string {
    const id = (res as { data?: { message_id?: unknown } } | undefined)?.data?.message_id;
    if (typeof id !== 'string' || !id) throw new LarkApiError(method, NO_PLATFORM_CODE, 'response has no data.message_id', 200, undefined, undefined);
    return id;
  }

  return {
    client,

    async sendToChat(chatId: string, message: OutgoingMessage, sendOpts: SendOptions = {}) {
      const method = 'im.v1.message.create';
      const res = await call(method, () =>
        client.im.v1.message.create({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: chatId, ...content(message), ...(sendOpts.uuid ? { uuid: sendOpts.uuid } : {}) },
        }),
      );
      return { messageId: messageId(method, res) };
    },

    async reply(parentId: string, message: OutgoingMessage, sendOpts: SendOptions = {}) {
      const method = 'im.v1.message.reply';
      const res = await call(method, () =>
        client.im.v1.message.reply({
          path: { message_id: parentId },
          data: { ...content(message), ...(sendOpts.uuid ? { uuid: sendOpts.uuid } : {}) },
        }),
      );
      return { messageId: messageId(method, res) };
    },

    async updateCard(id: string, card: Card) {
      await call('im.v1.message.patch', () => client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card) } }));
    },

    async uploadFile(fileName: string, data: Buffer) {
      const method = 'im.v1.file.create';
      const res = await call(method, () => client.im.v1.file.create({ data: { file_type: fileTypeFor(fileName), file_name: fileName, file: data } }));
      const fileKey = res?.file_key;
      if (!fileKey) throw new LarkApiError(method, NO_PLATFORM_CODE, 'response has no file_key', 200, undefined, undefined);
      return { fileKey };
    },

    async listChatMembers(chatId: string) {
      const method = 'im.v1.chatMembers.get';
      const ids: string[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
        const res = await call(method, () =>
          client.im.v1.chatMembers.get({
            path: { chat_id: chatId },
            params: { member_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
          }),
        );
        for (const item of res?.data?.items ?? []) if (item.member_id) ids.push(item.member_id);
        pageToken = res?.data?.page_token || undefined;
        if (!res?.data?.has_more || !pageToken) return ids;
      }
      logger.warn('chat member listing stopped at the page cap', { chatId, pages: MAX_MEMBER_PAGES });
      return ids;
    },

    async getUserName(openId: string) {
      const res = await call('contact.v3.user.get', () =>
        client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } }),
      );
      const name = res?.data?.user?.name;
      return typeof name === 'string' && name ? name : null;
    },
    async downloadResource(messageId: string, fileKey: string, type: 'image' | 'file') {
      const method = 'im.v1.messageResource.get';
      const res = await call(method, async () => {
        try {
          return await client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type } });
        } catch (e) {
          // An error answer arrives as a stream too (responseType stream): read its JSON body, so the
          // platform's code (234003 "File not in msg.", …) reaches the LarkApiError, and free the socket.
          const response = (e as { response?: { data?: unknown } }).response;
          if (response?.data && typeof (response.data as Readable).on === 'function') response.data = await readErrorBody(response.data as Readable);
          throw e;
        }
      });
      const headers = (res.headers ?? {}) as Record<string, unknown>;
      const length = Number(headerValue(headers, 'content-length'));
      const fileName = fileNameOfDisposition(headerValue(headers, 'content-disposition'));
      const contentType = headerValue(headers, 'content-type');
      return {
        stream: res.getReadableStream() as Readable,
        ...(contentType ? { contentType } : {}),
        ...(Number.isFinite(length) && length >= 0 && headerValue(headers, 'content-length') !== undefined ? { contentLength: length } : {}),
        ...(fileName ? { fileName } : {}),
      };
    },

    async getBotInfo() {
      const method = 'bot.v3.info';
      const res = await call(method, () => client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }));
      const bot = (res as { bot?: { open_id?: unknown; app_name?: unknown } } | undefined)?.bot;
      if (typeof bot?.open_id !== 'string') throw new LarkApiError(method, NO_PLATFORM_CODE, 'response has no bot.open_id', 200, undefined, undefined);
      return { openId: bot.open_id, appName: typeof bot.app_name === 'string' ? bot.app_name : '' };
    },
  };
}
