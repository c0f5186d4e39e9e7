// The only reader of process.env. Validated once at start-up; a bad value names the key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { AppError } from './errors.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyToUndefined, schema);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const EnvSchema = z.object({
  DATABASE_URL: opt(
    z.string().regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, 'expected file:<path> (SQLite) or postgresql://...').default('file:./data/duban.db'),
  ),
  LARK_APP_ID: opt(z.string().regex(/^cli_[0-9a-zA-Z]+$/, 'expected an app id like cli_a1b2c3d4e5f60789').optional()),
  LARK_APP_SECRET: opt(z.string().min(8, 'expected the app secret from the developer console').optional()),
  LARK_DOMAIN: opt(
    z.string().regex(/^(feishu|lark|https?:\/\/[^\s]+[^/])$/, 'expected feishu, lark, or a base URL without a trailing slash').default('feishu'),
  ),
  LARK_EVENT_MODE: opt(z.enum(['ws', 'webhook']).default('ws')),
  LARK_ENCRYPT_KEY: opt(z.string().optional()),
  LARK_VERIFICATION_TOKEN: opt(z.string().optional()),
  PORT: opt(z.coerce.number().int().min(0).max(65535).default(3000)),
  DUBAN_TZ: opt(z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai')),
  DUBAN_ADMINS: opt(z.string().optional()),
  DUBAN_PLAN: opt(z.string().default('data/plan.txt')),
  DUBAN_UNITS: opt(z.string().default('data/units.json')),
  DUBAN_OVERRIDES: opt(z.string().default('data/plan-overrides.json')),
  DUBAN_POLICY: opt(z.string().default('data/reminder-policy.json')),
  DUBAN_HOLIDAYS: opt(z.string().default('data/holidays-override.json')),
  DUBAN_OFFICE_UNIT: opt(z.string().default('依法治办')),
  DUBAN_SCHEDULER_CRON: opt(z.string().default('*/5 * * * *')),
  DUBAN_RATE_APP_PER_SECOND: opt(z.coerce.number().int().positive().default(50)),
  DUBAN_RATE_APP_PER_MINUTE: opt(z.coerce.number().int().positive().default(1000)),
  DUBAN_RATE_CHAT_PER_SECOND: opt(z.coerce.number().int().positive().default(5)),
  // Test knob: delay between acking an inbound message and processing it (crash-window tests).
  DUBAN_INBOUND_DELAY_MS: opt(z.coerce.number().int().min(0).max(600_000).default(0)),
  // The board (/board): the address people open it at, the key its session cookies are signed with, their lifetime.
  DUBAN_BOARD_URL: opt(z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*[^/])?$/, 'expected the public base URL, e.g. https://duban.example.gov.cn (no trailing slash)').optional()),
  DUBAN_SESSION_SECRET: opt(z.string().min(32, 'expected at least 32 characters (e.g. openssl rand -hex 32)').optional()),
  DUBAN_SESSION_HOURS: opt(z.coerce.number().int().min(1).max(24 * 30).default(12)),
  // Evidence (佐证材料): where files are kept, and the largest file accepted.
  DUBAN_EVIDENCE_DIR: opt(z.string().default('data/evidence')),
  DUBAN_EVIDENCE_MAX_MB: opt(z.coerce.number().positive('expected a size in MB such as 20').max(100, 'Lark serves resources up to 100 MB').default(20)),
  LOG_LEVEL: opt(z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  // Rehearsals, demos and tests: the clock starts at this instant and runs on from there.
  DUBAN_NOW: opt(
    z
      .string()
      .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'expected an ISO time such as 2027-02-22T09:30:00+08:00')
      .optional(),
  ),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  databaseUrl: string;
  lark:
    | { mode: 'local' }
    | {
        mode: 'ws' | 'webhook';
        appId: string;
        appSecret: string;
        domain: string; // 'feishu' | 'lark' | base URL
        encryptKey?: string;
        verificationToken?: string;
      };
  port: number;
  tz: string;
  admins: string[];
  planPath: string;
  unitsPath: string;
  overridesPath: string;
  policyPath: string;
  holidaysPath: string;
  officeUnit: string;
  schedulerCron: string;
  rateLimits: { appPerSecond: number; appPerMinute: number; chatPerSecond: number };
  inboundDelayMs: number;
  board: {
    /** Where people open the board: links in cards and the OAuth redirect (`${publicUrl}/board/auth/callback`). */
    publicUrl: string;
    /** HMAC key of the session cookies. */
    sessionSecret: string;
    sessionHours: number;
  };
  evidence: {
    /** Evidence files, content-addressed (<sha256>.<ext>); parts being downloaded under .tmp/. */
    dir: string;
    maxBytes: number;
  };
  logLevel: Env['LOG_LEVEL'];
  /** DUBAN_NOW: where the clock starts (it runs on from there); undefined = the real time. */
  startAt?: Date;
}

/**
 * The session key when DUBAN_SESSION_SECRET is unset: derived from the app secret, so replicas of one
 * app agree and a restart keeps sessions; the console (no Lark, no login) gets a random one.
 */
function defaultSessionSecret(appSecret: string | undefined): string {
  if (!appSecret) return crypto.randomBytes(32).toString('hex');
  return crypto.createHmac('sha256', appSecret).update('duban-board-session-v1').digest('hex');
}

/** Reads .env (if present) without overriding variables already set, like dotenv. */
export function readDotEnv(file = '.env', env: NodeJS.ProcessEnv = process.env): void {
  if (!fs.existsSync(file)) return;
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = raw.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/);
    if (!m || raw.trim().startsWith('#')) continue;
    const value = m[2].replace(/^(['"])(.*)\1$/, '$2');
    if (env[m[1]] === undefined) env[m[1]] = value;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('config', `invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.LARK_APP_ID && !e.LARK_APP_SECRET) {
    throw new AppError('config', 'invalid configuration: LARK_APP_SECRET: required when LARK_APP_ID is set');
  }
  const lark: Config['lark'] = e.LARK_APP_ID
    ? {
        mode: e.LARK_EVENT_MODE,
        appId: e.LARK_APP_ID,
        appSecret: e.LARK_APP_SECRET!,
        domain: e.LARK_DOMAIN,
        encryptKey: e.LARK_ENCRYPT_KEY,
        verificationToken: e.LARK_VERIFICATION_TOKEN,
      }
    : { mode: 'local' };
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    lark,
    port: e.PORT,
    tz: e.DUBAN_TZ,
    admins: (e.DUBAN_ADMINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    planPath: e.DUBAN_PLAN,
    unitsPath: e.DUBAN_UNITS,
    overridesPath: e.DUBAN_OVERRIDES,
    policyPath: e.DUBAN_POLICY,
    holidaysPath: e.DUBAN_HOLIDAYS,
    officeUnit: e.DUBAN_OFFICE_UNIT,
    schedulerCron: e.DUBAN_SCHEDULER_CRON,
    rateLimits: {
      appPerSecond: e.DUBAN_RATE_APP_PER_SECOND,
      appPerMinute: e.DUBAN_RATE_APP_PER_MINUTE,
      chatPerSecond: e.DUBAN_RATE_CHAT_PER_SECOND,
    },
    inboundDelayMs: e.DUBAN_INBOUND_DELAY_MS,
    board: Object.freeze({
      publicUrl: e.DUBAN_BOARD_URL ?? `http://localhost:${e.PORT}`,
      sessionSecret: e.DUBAN_SESSION_SECRET ?? defaultSessionSecret(e.LARK_APP_ID ? e.LARK_APP_SECRET : undefined),
      sessionHours: e.DUBAN_SESSION_HOURS,
    }),
    evidence: Object.freeze({ dir: e.DUBAN_EVIDENCE_DIR, maxBytes: Math.round(e.DUBAN_EVIDENCE_MAX_MB * 1024 * 1024) }),
    logLevel: e.LOG_LEVEL,
    ...(e.DUBAN_NOW ? { startAt: new Date(e.DUBAN_NOW) } : {}),
  });
}
