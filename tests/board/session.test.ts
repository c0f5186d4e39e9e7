// Session cookies and login state: signed, expiring, and refused when altered in any way.
import { describe, expect, it } from 'vitest';
import { readCookies, sign, signSession, signState, verifySession, verifyState } from '../../src/board/session.ts';
import { pickLang } from '../../src/board/words.ts';

const SECRET = 'a'.repeat(64);
const T0 = new Date('2027-03-05T02:00:00Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3600_000);

describe('board sessions', () => {
  it('a signed session holds who and until when', () => {
    const token = signSession({ openId: 'ou_alice', name: '王芳' }, SECRET, T0, 12);
    expect(verifySession(token, SECRET, hours(11.9))).toMatchObject({ ok: true, value: { sub: 'ou_alice', name: '王芳' } });
    expect(verifySession(token, SECRET, hours(12))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a changed payload, another key, a foreign signature and junk', () => {
    const token = signSession({ openId: 'ou_alice', name: 'a' }, SECRET, T0, 12);
    const [payload, sig] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, sub: 'ou_admin', name: 'x', exp: 9e9 })).toString('base64url');
    expect(verifySession(`${forgedPayload}.${sig}`, SECRET, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession(token, 'b'.repeat(64), T0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession(sign({ v: 1, sub: 'ou_admin', name: '', exp: 9e9 }, 'wrong-key'), SECRET, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession(`${payload}.`, SECRET, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession('junk', SECRET, T0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySession(sign({ hello: 'world' }, SECRET), SECRET, T0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('login state carries where to go back to, for ten minutes', () => {
    const { token, nonce } = signState('/board/task/68', SECRET, T0);
    expect(verifyState(token, SECRET, hours(0.1))).toMatchObject({ ok: true, value: { next: '/board/task/68', nonce } });
    expect(verifyState(token, SECRET, hours(0.2))).toEqual({ ok: false, reason: 'expired' });
  });

  it('reads cookies and picks the page language', () => {
    expect(readCookies('a=1; duban_board=x.y; a=2')).toEqual(new Map([['a', '1'], ['duban_board', 'x.y']]));
    expect(pickLang(null, undefined)).toBe('zh');
    expect(pickLang(null, 'en-US,en;q=0.9')).toBe('en');
    expect(pickLang(null, 'en;q=0.5, zh-CN;q=0.8')).toBe('zh');
    expect(pickLang('en', 'zh-CN')).toBe('en');
    expect(pickLang('fr', 'fr-FR')).toBe('zh');
  });
});
