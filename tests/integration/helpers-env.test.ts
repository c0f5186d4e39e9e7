import { describe, expect, it } from 'vitest';
import { inheritedClockEnv } from './helpers.ts';

describe('child processes of the suite', () => {
  it('inherit a faked clock (faketime) and nothing else of the parent environment', () => {
    const env = { LD_PRELOAD: '/usr/lib/faketime/libfaketime.so.1', FAKETIME: '@2027-03-01 10:00:00', FAKETIME_DONT_FAKE_MONOTONIC: '1', DATABASE_URL: 'file:x.db', LARK_APP_ID: 'cli_x' };
    expect(inheritedClockEnv(env)).toEqual({ LD_PRELOAD: '/usr/lib/faketime/libfaketime.so.1', FAKETIME: '@2027-03-01 10:00:00', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
  });

  it('inherit nothing when the suite runs on the real clock', () => {
    expect(inheritedClockEnv({ PATH: '/usr/bin', HOME: '/root' })).toEqual({});
  });
});
