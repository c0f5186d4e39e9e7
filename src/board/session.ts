// Signed values for the board's cookies: a session (who, until when) and the OAuth state. Each is
// base64url(JSON) + "." + base64url(HMAC-SHA256); anything altered, truncated or expired is refused.
import crypto from 'node:crypto';
import { z } from 'zod';

export const SESSION_COOKIE = 'duban_board';
export const STATE_COOKIE = 'duban_board_state';

const SessionSchema = z.object({ v: z.literal(1), sub: z.string().min(1).max(200), name: z.string().max(200), exp: z.number().int() });
export type Session = z.infer<typeof SessionSchema>;

const StateSchema = z.object({ v: z.literal(1), nonce: z.string().min(16), next: z.string(), exp: z.number().int() });
export type LoginState = z.infer<typeof StateSchema>;

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function mac(secret: string, payload: string): Buffer {
  return crypto.createHmac('sha256', secret).update(payload).digest();
}

export function sign(value: object, secret: string): string {
  const payload = b64(JSON.stringify(value));
  return `${payload}.${b64(mac(secret, payload))}`;
}

function verify<T extends { exp: number }>(token: string, secret: string, schema: z.ZodType<T>, now: Date): Verified<T> {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const r = schema.safeParse(parsed);
  if (!r.success) return { ok: false, reason: 'malformed' };
  if (r.data.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, value: r.data };
}

export function signSession(who: { openId: string; name: string }, secret: string, now: Date, hours: number): string {
  const session: Session = { v: 1, sub: who.openId, name: who.name, exp: Math.floor(now.getTime() / 1000) + Math.round(hours * 3600) };
  return sign(session, secret);
}

export const verifySession = (token: string, secret: string, now: Date) => verify(token, secret, SessionSchema, now);

/** Login lasts at most this long between leaving for Lark's page and coming back with a code. */
export const STATE_TTL_SECONDS = 600;

export function signState(next: string, secret: string, now: Date): { token: string; nonce: string } {
  const nonce = crypto.randomBytes(16).toString('base64url');
  const state: LoginState = { v: 1, nonce, next, exp: Math.floor(now.getTime() / 1000) + STATE_TTL_SECONDS };
  return { token: sign(state, secret), nonce };
}

export const verifyState = (token: string, secret: string, now: Date) => verify(token, secret, StateSchema, now);

/** name=value pairs of a Cookie header (the first of a repeated name wins). */
export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function cookie(name: string, value: string, opts: { maxAgeSeconds: number; secure: boolean }): string {
  return [`${name}=${value}`, 'Path=/board', `Max-Age=${opts.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(opts.secure ? ['Secure'] : [])].join('; ');
}
