import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('runs on the embedded defaults with nothing set: SQLite, local console, Shanghai time', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'file:./data/duban.db',
      lark: { mode: 'local' },
      port: 3000,
      tz: 'Asia/Shanghai',
      planPath: 'data/plan.txt',
      admins: [],
      rateLimits: { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 },
    });
  });

  it('with credentials runs the long connection by default; empty strings count as unset', () => {
    const c = loadConfig({ LARK_APP_ID: 'cli_0123456789abcdef', LARK_APP_SECRET: 'secret-secret', LARK_DOMAIN: '', DUBAN_ADMINS: 'ou_a, ou_b' });
    expect(c.lark).toMatchObject({ mode: 'ws', domain: 'feishu', appId: 'cli_0123456789abcdef' });
    expect(c.admins).toEqual(['ou_a', 'ou_b']);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ DUBAN_TZ: 'Mars/Olympus' }, /DUBAN_TZ: expected an IANA time zone/],
    [{ LARK_EVENT_MODE: 'poll' }, /LARK_EVENT_MODE/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: expected file:<path> \(SQLite\) or postgresql/],
    [{ LARK_DOMAIN: 'http://127.0.0.1:3000/' }, /LARK_DOMAIN: .*without a trailing slash/],
    [{ LARK_APP_ID: 'cli_0123456789abcdef' }, /LARK_APP_SECRET: required when LARK_APP_ID is set/],
  ])('a bad value stops start-up naming the key: %o', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
