// Shared setup for the end-to-end tests: the real plan imported once (dated 2026-11-29) into a
// template SQLite file that each test copies, the real app and SDK gateway pointed at the fake Lark,
// Lark-shaped event envelopes, webhook sealing, child processes and bounded polling.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createApp, type App } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { instantAt } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createUserNames } from '../../src/chat/user-names.ts';
import { createLarkGateway, type RealLarkGateway } from '../../src/chat/lark-gateway.ts';
import { importRegistry } from '../../src/jobs/import-registry.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';
import type { RateLimiter } from '../../src/outbox/rate-limiter.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { encryptForLark, FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, makeEnvelope, signForLark, type FakeLark, type SentMessage } from '../fakes/fake-lark.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TZ = 'Asia/Shanghai';
/** The day the plan was first imported (go-live): occurrences before it are not chased. */
export const FIRST_IMPORT = instantAt('2026-11-29', '10:00', TZ);
export const ENCRYPT_KEY = 'duban-e2e-encrypt-key';
export const VERIFICATION_TOKEN = 'duban-e2e-verification-token';
export const ADMIN_OPEN_ID = 'ou_e2e00000000000000000000000000ad';
export const USER_OPEN_ID = 'ou_e2e00000000000000000000000000u1';
export const CHAT_QWB = 'oc_e2e000000000000000000000000qwb'; // 区委办
export const CHAT_QZFB = 'oc_e2e00000000000000000000000qzfb'; // 区政府办

/** Set DUBAN_E2E_LOG=debug to see the app's logs while debugging a test. */
export const testLogger: Logger = process.env.DUBAN_E2E_LOG ? createLogger(process.env.DUBAN_E2E_LOG as 'debug') : silentLogger;

// ---- temp dirs and the template database ------------------------------------------------------

// SQLite commits fsync; on a RAM disk (when there is one) the many small transactions of these
// tests cost a fraction of the time. Nothing else changes.
const TMP_BASE = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();

export function makeTempDir(prefix = 'duban-e2e-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(TMP_BASE, prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let template: Promise<Buffer> | null = null;

/** Imports data/plan.txt once per worker (first import 2026-11-29) and keeps the database image in memory. */
function templateDb(): Promise<Buffer> {
  template ??= (async () => {
    const { dir, remove } = makeTempDir('duban-e2e-template-');
    try {
      const file = path.join(dir, 'template.db');
      const db = await openDb(`file:${file}`);
      try {
        const config = baseConfig({ DATABASE_URL: `file:${file}` });
        await importRegistry(
          db,
          path.join(ROOT, config.planPath),
          { unitsPath: path.join(ROOT, config.unitsPath), overridesPath: path.join(ROOT, config.overridesPath) },
          { now: FIRST_IMPORT, tz: TZ, actor: 'e2e' },
        );
      } finally {
        await db.$disconnect();
      }
      const raw = new Database(file);
      try {
        return raw.serialize();
      } finally {
        raw.close();
      }
    } finally {
      remove();
    }
  })();
  return template;
}

/** A fresh database file holding the real plan as first imported on 2026-11-29. Returns its DATABASE_URL. */
export async function freshPlanDb(dir: string): Promise<string> {
  const file = path.join(dir, 'duban.db');
  fs.writeFileSync(file, await templateDb());
  return `file:${file}`;
}

export async function bindUnits(databaseUrlOrDb: string | Db, bindings: Record<string, string>): Promise<void> {
  const db = typeof databaseUrlOrDb === 'string' ? await openDb(databaseUrlOrDb) : databaseUrlOrDb;
  try {
    const units = createUnitRepo(db);
    for (const [unit, chat] of Object.entries(bindings)) await units.bind(unit, chat, { actor: 'e2e', source: 'cli' });
  } finally {
    if (typeof databaseUrlOrDb === 'string') await db.$disconnect();
  }
}

// ---- configuration and the app ----------------------------------------------------------------

/** Env as an operator would set it; paths stay relative to the repo root (vitest runs there). */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    LARK_APP_ID: FAKE_APP_ID,
    LARK_APP_SECRET: FAKE_APP_SECRET,
    LARK_EVENT_MODE: 'webhook',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    DUBAN_ADMINS: ADMIN_OPEN_ID,
    DUBAN_TZ: TZ,
    LOG_LEVEL: 'silent',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function baseConfig(extra: Record<string, string | undefined> = {}): Config {
  return loadConfig(testEnv({ LARK_DOMAIN: 'http://127.0.0.1:9', ...extra }));
}

export type LarkConfig = Extract<Config['lark'], { appId: string }>;

export function larkOf(config: Config): LarkConfig {
  if (config.lark.mode === 'local') throw new Error('test config has no Lark app');
  return config.lark;
}

export interface TestApp {
  app: App;
  config: Config;
  gateway: RealLarkGateway;
  botOpenId: string;
}

/** createApp with the real SDK gateway against the fake, the bot identity read from it (as main.ts does). */
export async function startTestApp(opts: {
  fake: FakeLark;
  databaseUrl: string;
  clock: Clock;
  env?: Record<string, string | undefined>;
  limiter?: RateLimiter;
  larkStatus?: () => string;
}): Promise<TestApp> {
  const config = loadConfig(testEnv({ DATABASE_URL: opts.databaseUrl, LARK_DOMAIN: opts.fake.url, ...opts.env }));
  const gateway = createLarkGateway(larkOf(config), testLogger);
  const botOpenId = (await gateway.getBotInfo()).openId;
  const app = await createApp({
    config,
    clock: opts.clock,
    logger: testLogger,
    gateway,
    botOpenId: () => botOpenId,
    userName: createUserNames(gateway),
    limiter: opts.limiter,
    larkStatus: opts.larkStatus,
  });
  return { app, config, gateway, botOpenId };
}

// ---- Lark-shaped events -----------------------------------------------------------------------

let idSeq = 0;
const hexId = (prefix: string) => `${prefix}${crypto.randomBytes(12).toString('hex')}${String(++idSeq).padStart(8, '0')}`;

export interface MessageOpts {
  chatId?: string;
  chatType?: 'group' | 'p2p';
  sender?: string;
  /** Group messages: @mention the bot (default true). */
  mentionBot?: boolean;
  messageId?: string;
  eventId?: string;
  parentId?: string;
  token?: string;
}

/**
 * An im.message.receive_v1 envelope as the platform sends it (shape of tests/fixtures/lark/
 * im.message.receive_v1.group-mention.json): in a group the @bot mention is a `@_user_1`
 * placeholder in the text plus a `mentions` entry carrying the bot's open_id.
 */
export interface Envelope<E> {
  schema: string;
  header: { event_id: string; event_type: string; create_time: string; token: string; app_id: string; tenant_key: string };
  event: E;
}

export type MessageEnvelope = Envelope<{
  sender: { sender_id: { open_id: string }; sender_type: string };
  message: { message_id: string; chat_id: string; chat_type: string; content: string; parent_id?: string };
}>;

export function messageEnvelope(text: string, o: MessageOpts = {}): MessageEnvelope {
  const chatType = o.chatType ?? 'group';
  const mention = chatType === 'group' && o.mentionBot !== false;
  const messageId = o.messageId ?? hexId('om_');
  const sender = o.sender ?? USER_OPEN_ID;
  return makeEnvelope(
    'im.message.receive_v1',
    {
      sender: { sender_id: { union_id: `on_${sender.slice(3)}`, user_id: 'u' + sender.slice(-6), open_id: sender }, sender_type: 'user', tenant_key: 'fake-tenant' },
      message: {
        message_id: messageId,
        ...(o.parentId ? { root_id: o.parentId, parent_id: o.parentId } : {}),
        create_time: '1798000000000',
        update_time: '1798000000000',
        chat_id: o.chatId ?? (chatType === 'p2p' ? 'oc_e2e0000000000000000000000p2p01' : CHAT_QWB),
        chat_type: chatType,
        message_type: 'text',
        content: JSON.stringify({ text: mention ? `@_user_1 ${text}` : text }),
        ...(mention
          ? {
              mentions: [
                { key: '@_user_1', id: { union_id: 'on_bot', user_id: '', open_id: FAKE_BOT_OPEN_ID }, name: '督办', tenant_key: 'fake-tenant' },
              ],
            }
          : {}),
        user_agent: 'Mozilla/5.0 Lark/7.30.5',
      },
    },
    { eventId: o.eventId ?? hexId(''), token: o.token ?? VERIFICATION_TOKEN },
  ) as MessageEnvelope;
}

/** card.action.trigger (shape of tests/fixtures/lark/card.action.trigger.form.json). */
export function cardActionEnvelope(o: {
  value: unknown;
  formValue?: Record<string, unknown>;
  chatId: string;
  messageId: string;
  operator?: string;
  name?: string;
  eventId?: string;
  token?: string;
}): Envelope<Record<string, unknown>> {
  const operator = o.operator ?? USER_OPEN_ID;
  return makeEnvelope(
    'card.action.trigger',
    {
      operator: { tenant_key: 'fake-tenant', user_id: 'u' + operator.slice(-6), open_id: operator, union_id: `on_${operator.slice(3)}` },
      token: `c-${crypto.randomBytes(16).toString('hex')}`,
      action: {
        value: o.value,
        tag: 'button',
        ...(o.name ? { name: o.name } : {}),
        ...(o.formValue ? { form_value: o.formValue } : {}),
        timezone: TZ,
      },
      host: 'im_message',
      delivery_type: 'url_callback',
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
    { eventId: o.eventId ?? hexId(''), token: o.token ?? VERIFICATION_TOKEN },
  ) as Envelope<Record<string, unknown>>;
}

/** The SDK hands handlers `{schema, ...header, ...event}` (notes §1.8): what onMessageEvent receives. */
export function flattened(envelope: { schema: string; header: object; event: object }): Record<string, unknown> {
  const { header, event, ...rest } = envelope;
  return { ...rest, ...header, ...event };
}

// ---- webhook ----------------------------------------------------------------------------------

/** Encrypt and sign like the platform: body {"encrypt": …}, X-Lark-Signature over the raw body. */
export function sealed(payload: unknown, key = ENCRYPT_KEY): { raw: string; headers: Record<string, string> } {
  const raw = JSON.stringify({ encrypt: encryptForLark(payload, key) });
  return { raw, headers: signForLark(raw, key) };
}

export async function postWebhook(
  base: string,
  pathName: '/lark/events' | '/lark/cards',
  payload: unknown,
  opts: { raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const s = opts.raw !== undefined ? { raw: opts.raw, headers: opts.headers ?? {} } : sealed(payload);
  const res = await fetch(`${base}${pathName}`, { method: 'POST', body: s.raw, headers: { 'content-type': 'application/json', ...s.headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

// ---- what the fake received -------------------------------------------------------------------

/** All text of a sent message (text body or every string inside the card). */
export function contentText(m: Pick<SentMessage, 'content'>): string {
  const c = m.content as { text?: unknown } | undefined;
  if (c && typeof c.text === 'string') return c.text;
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.content);
  return out.join('\n');
}

/** The value of the first callback button in a card whose value matches (what a click sends back). */
export function findButtonValue(card: unknown, pred: (v: Record<string, unknown>) => boolean): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === 'callback' && o.value && typeof o.value === 'object' && pred(o.value as Record<string, unknown>)) {
      found = o.value as Record<string, unknown>;
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error('no matching button in the card');
  return found;
}

export const repliesTo = (fake: FakeLark, messageId: string) => fake.sent.filter((m) => m.kind === 'reply' && m.parentId === messageId);

// ---- waiting and processes --------------------------------------------------------------------

/** Polls until pred() is truthy; throws with `what` after timeoutMs. */
export async function waitFor<T>(pred: () => T | Promise<T>, what: string, timeoutMs = 10_000, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGKILL unless already exited; resolves when it is gone. */
  kill: () => Promise<void>;
}

/**
 * The faked process clock (Debian's faketime: LD_PRELOAD and FAKETIME*) this suite runs under, if any,
 * so children see the same date as the test that signs their requests and pins their deadlines.
 */
export function inheritedClockEnv(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(from).filter((e): e is [string, string] => e[1] !== undefined && (e[0] === 'LD_PRELOAD' || e[0].startsWith('FAKETIME'))),
  );
}

/**
 * node_modules/.bin/tsx SCRIPT ARGS in the repo root, with exactly this environment on top of
 * PATH/HOME (and the faked clock, if the suite runs under one). tsx runs the script in a node child of its own, so the pair gets its own process group
 * and kill() SIGKILLs the whole group (a SIGKILL cannot be relayed to the grandchild).
 */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), TZ: 'UTC', ...inheritedClockEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    async kill() {
      if (done || proc.pid === undefined) return;
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
      await exited;
    },
  };
}
