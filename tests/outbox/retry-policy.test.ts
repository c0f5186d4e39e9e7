import { describe, expect, it } from 'vitest';
import { AppError, LarkApiError } from '../../src/errors.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  classifyFailure,
  MAX_ATTEMPTS,
  MAX_THROTTLED_ATTEMPTS,
} from '../../src/outbox/retry-policy.ts';

const NOW = new Date('2026-03-02T01:00:00Z');
const after = (d: { action: string; at?: Date }) => (d.action === 'retry' && d.at ? d.at.getTime() - NOW.getTime() : NaN);
const lark = (code: number, httpStatus?: number, retryAfterMs?: number) =>
  new LarkApiError('im.message.create', code, `msg for ${code}`, httpStatus, 'log_x', retryAfterMs);
const low = { random: () => 0, chatId: 'oc_x' };
const high = { random: () => 0.999999, chatId: 'oc_x' };

describe('classifyFailure: rate limits', () => {
  it.each([
    ['429 with reset header', lark(99991400, 429, 5000)],
    ['99991400 on an old API (HTTP 400)', lark(99991400, 400, 5000)],
    ['HTTP 429 with another code', lark(0, 429, 5000)],
  ])('%s: retry at the reset time and pause the whole app', (_, err) => {
    const d = classifyFailure(err, 1, NOW, low);
    expect(d).toMatchObject({ action: 'retry', pauseAllMs: 5000 });
    expect(d).not.toHaveProperty('pauseChatMs');
    expect(after(d)).toBe(5000);
    expect(after(classifyFailure(err, 1, NOW, high))).toBeLessThanOrEqual(5500);
  });

  it('429 without a reset header waits a short default', () => {
    expect(after(classifyFailure(lark(99991400, 429), 1, NOW, low))).toBe(1000);
  });

  it('230020 backs off that chat only, growing with attempts', () => {
    const d1 = classifyFailure(lark(230020, 400), 1, NOW, high);
    const d3 = classifyFailure(lark(230020, 400), 3, NOW, high);
    expect(d1).toMatchObject({ action: 'retry' });
    expect(d1).not.toHaveProperty('pauseAllMs');
    if (d1.action !== 'retry' || d3.action !== 'retry') throw new Error('expected retries');
    expect(d1.pauseChatMs).toBeGreaterThan(0);
    expect(d3.pauseChatMs!).toBeGreaterThan(d1.pauseChatMs!);
    expect(after(d1)).toBe(d1.pauseChatMs);
  });

  it('rate limits do not use up the normal attempt budget, but are capped', () => {
    expect(classifyFailure(lark(99991400, 429, 1000), MAX_ATTEMPTS + 5, NOW, low).action).toBe('retry');
    expect(classifyFailure(lark(230020, 400), MAX_ATTEMPTS + 5, NOW, low).action).toBe('retry');
    expect(classifyFailure(lark(230020, 400), MAX_THROTTLED_ATTEMPTS, NOW, low)).toMatchObject({
      action: 'fail',
      reason: expect.stringMatching(/^gave up after 30 attempts/),
    });
  });
});

describe('classifyFailure: transient errors', () => {
  it.each([
    ['HTTP 503', lark(-1, 503)],
    ['unknown Lark code', lark(12345, 400)],
    ['expired token', lark(99991663, 200)],
    ['network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a thrown string', 'boom'],
  ])('%s: exponential backoff with jitter', (_, err) => {
    for (let n = 1; n < MAX_ATTEMPTS; n++) {
      const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1));
      expect(after(classifyFailure(err, n, NOW, low))).toBe(full / 2);
      const hi = after(classifyFailure(err, n, NOW, high));
      expect(hi).toBeGreaterThan(full / 2);
      expect(hi).toBeLessThanOrEqual(full);
    }
  });

  it('all retries of a possibly-delivered send happen inside the 1 h uuid window', () => {
    let total = 0;
    for (let n = 1; n < MAX_ATTEMPTS; n++) total += after(classifyFailure(lark(-1, 503), n, NOW, high));
    expect(total).toBeLessThan(30 * 60_000);
  });

  it(`gives up after MAX_ATTEMPTS (${MAX_ATTEMPTS})`, () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(classifyFailure(lark(-1, 503), MAX_ATTEMPTS - 1, NOW, low).action).toBe('retry');
    const d = classifyFailure(lark(-1, 503), MAX_ATTEMPTS, NOW, low);
    expect(d).toEqual({ action: 'fail', reason: expect.stringContaining('gave up after 8 attempts: im.message.create failed: code -1 (HTTP 503)') });
  });
});

describe('classifyFailure: permanent errors fail at once with a hint', () => {
  it.each([
    [230001, /check the message body/],
    [230002, /^bot is not in chat oc_x: add it to the group/],
    [230006, /turn on "Bot"/],
    [230027, /grant im:message/],
    [99991672, /grant it in the developer console/],
    [230025, /shorten/],
    [230099, /card JSON/],
  ])('%i', (code, hint) => {
    const d = classifyFailure(lark(code, 400), 1, NOW, low);
    expect(d.action).toBe('fail');
    if (d.action !== 'fail') return;
    expect(d.reason).toMatch(hint);
    expect(d.reason).toContain(`code ${code}`);
    expect(d.reason).toContain('log_x');
    expect(d.reason).not.toContain('\n');
  });

  it('our own AppError is not retried', () => {
    expect(classifyFailure(new AppError('x', 'bad card'), 1, NOW, low)).toEqual({ action: 'fail', reason: 'AppError: bad card' });
  });
});
