import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkGateway, type RealLarkGateway } from '../../src/chat/lark-gateway.ts';
import { createUserNames } from '../../src/chat/user-names.ts';
import { LarkApiError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';

let fake: FakeLark;
let gw: RealLarkGateway;
beforeEach(async () => {
  fake = await startFakeLark();
  gw = createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url }, silentLogger);
});
afterEach(async () => {
  await fake.close();
});

describe('reporter names from the contact API', () => {
  it('reads a name through the SDK; a user Lark will not describe is a LarkApiError', async () => {
    fake.setUserName('ou_wang', '王晓明');
    expect(await gw.getUserName('ou_wang')).toBe('王晓明');
    await expect(gw.getUserName('ou_nobody')).rejects.toMatchObject({ code: 41050 } satisfies Partial<LarkApiError>);
  });

  it('caches names (and the lack of one) so a report does not ask Lark each time', async () => {
    fake.setUserName('ou_wang', '王晓明');
    let t = 0;
    const names = createUserNames(gw, () => t);
    expect(await names('ou_wang')).toBe('王晓明');
    expect(await names('ou_nobody')).toBeNull();
    const asked = () => fake.requests.filter((r) => r.path.startsWith('/open-apis/contact/v3/users/')).length;
    const before = asked();
    expect(await names('ou_wang')).toBe('王晓明');
    expect(await names('ou_nobody')).toBeNull();
    expect(asked()).toBe(before);
    // An unknown name is asked again after an hour (the contact scope may have been granted since).
    fake.setUserName('ou_nobody', '李四');
    t += 3600_001;
    expect(await names('ou_nobody')).toBe('李四');
  });
});
