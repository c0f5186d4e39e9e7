// The board behind Lark's login (webhook mode: the receiver's server offers each request to the board
// first), with the real SDK against the fake Lark: the OAuth code flow, who sees what on every route,
// and cookies that are forged, tampered with or expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { fixedClock } from '../../src/clock.ts';
import { createBoardHandler } from '../../src/board/routes.ts';
import { createLarkLogin } from '../../src/board/lark-login.ts';
import { SESSION_COOKIE, sign, signSession } from '../../src/board/session.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { createGroupsOf } from '../../src/chat/lark-membership.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { officeNameOf } from '../../src/board/access.ts';
import { startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import {
  ADMIN_OPEN_ID,
  bindUnits,
  CHAT_QWB,
  freePort,
  freshPlanDb,
  larkOf,
  makeTempDir,
  messageEnvelope,
  postWebhook,
  startTestApp,
  testLogger,
  TZ,
  waitFor,
  type TestApp,
} from '../integration/helpers.ts';
import { createClient, rowUnits } from './http-client.ts';
import { NOW, XSS } from './world.ts';

const OFFICE_CHAT = 'oc_e2e0000000000000000000000office';
const LIAISON = { openId: 'ou_board00000000000000000000000l1', name: '司法局联络员' };
const OFFICE_MEMBER = { openId: 'ou_board00000000000000000000000m1', name: '督办科' };
const STRANGER = { openId: 'ou_board00000000000000000000000s1', name: '路人' };
const ADMIN = { openId: ADMIN_OPEN_ID, name: '管理员' };

let fake: FakeLark;
let t: TestApp;
let receiver: LarkReceiver;
let base: string;
let removeDir: () => void;
const clock = fixedClock(NOW);

async function loginAs(user: { openId: string; name: string }, path = '/board') {
  fake.setLoggedInUser(user);
  const client = createClient();
  const page = await client.get(`${base}${path}`);
  return { client, page };
}

beforeAll(async () => {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB });
  fake = await startFakeLark();
  fake.setChatMembers(OFFICE_CHAT, [{ openId: OFFICE_MEMBER.openId }]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ fake, databaseUrl, clock });
  const unitRepo = createUnitRepo(t.app.db);
  await unitRepo.bind(officeNameOf(await unitRepo.list(), t.config.officeUnit), OFFICE_CHAT, { actor: 'test', source: 'cli' });
  const board = createBoardHandler({
    db: t.app.db,
    policy: t.app.policy,
    calendar: t.app.calendar,
    tz: TZ,
    officeUnit: t.config.officeUnit,
    clock,
    logger: testLogger,
    auth: {
      mode: 'lark',
      login: createLarkLogin(larkOf(t.config), testLogger),
      groupsOf: createGroupsOf(t.gateway, () => createUnitRepo(t.app.db).list()),
      admins: t.config.admins,
      publicUrl: base,
      sessionSecret: t.config.board.sessionSecret,
      sessionHours: t.config.board.sessionHours,
    },
  });
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port,
    host: '127.0.0.1',
    logger: testLogger,
    onMessageEvent: (raw) => t.app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => t.app.inbound.onCardAction(raw),
    health: () => t.app.health(),
    httpHandler: board,
  });
  // The liaison registers in a direct chat (登记), and 区委办's group reports on task 68 — both through the chat.
  await postWebhook(base, '/lark/events', messageEnvelope('登记 区司法局', { chatType: 'p2p', sender: LIAISON.openId, chatId: 'oc_e2e0000000000000000000000p2pl1' }));
  await postWebhook(base, '/lark/events', messageEnvelope(`进度 68 50% ${XSS}`, { chatId: CHAT_QWB }));
  await waitFor(async () => (await t.app.db.liaison.count()) === 1 && (await t.app.db.progress.count()) === 1, 'registration and report processed');
}, 90_000);

afterAll(async () => {
  await receiver?.close();
  await t?.app.close();
  await fake?.close();
  removeDir?.();
});

describe('the board behind Lark login', () => {
  it('logs in with the OAuth code flow and lands on the page asked for', async () => {
    const { client, page } = await loginAs(OFFICE_MEMBER, '/board/task/68');
    expect(page).toMatchObject({ status: 200, url: `${base}/board/task/68` });
    expect(page.text).toContain('当前用户：督办科 · 可见：全部单位');
    const [auth] = fake.oauth.authorizations.slice(-1);
    expect(auth).toMatchObject({ clientId: larkOf(t.config).appId, redirectUri: `${base}/board/auth/callback` });
    expect(fake.oauth.tokenRequests.slice(-1)).toEqual([{ code: auth.code, ok: true }]);
    expect(client.jar.has(SESSION_COOKIE)).toBe(true);
    // The report made through the chat a moment before is on the page, escaped.
    expect(page.text).toContain('&#60;script&#62;window.__xss');
    expect(page.text).not.toContain('<script>window');
    // A code works once: replaying the callback fails.
    const replay = await client.get(`${base}/board/auth/callback?code=${auth.code}&state=${encodeURIComponent(auth.state)}`);
    expect(replay.status).toBe(400);
  });

  it('the office (its group, or an admin) sees every unit', async () => {
    for (const user of [OFFICE_MEMBER, ADMIN]) {
      const { client } = await loginAs(user);
      const api = JSON.parse((await client.get(`${base}/board/api/board`)).text);
      expect(api.perUnit.length).toBeGreaterThan(20);
      expect(api.total).toBeGreaterThan(900);
    }
  });

  it('a liaison sees their own unit on every page, API and download, and nothing of others', async () => {
    const { client, page } = await loginAs(LIAISON);
    expect(page.status).toBe(200);
    expect(page.text).toContain('可见：区司法局');
    expect(new Set(rowUnits(page.text))).toEqual(new Set(['区司法局']));
    const api = JSON.parse((await client.get(`${base}/board/api/board?unit=区委办`)).text);
    expect(api.total).toBe(0);
    const all = JSON.parse((await client.get(`${base}/board/api/board`)).text);
    expect(all.perUnit.map((u: { unitName: string }) => u.unitName)).toEqual(['区司法局']);
    expect(all.units).toEqual(['区司法局']);

    // Task 68 involves 区司法局: its own row only, not 区委办's report or reminders.
    const task = JSON.parse((await client.get(`${base}/board/api/task/68`)).text);
    expect(task.units.map((u: { unitName: string }) => u.unitName)).toEqual(['区司法局']);
    expect(task.history).toEqual([]);
    expect(task.reminders.every((r: { unitName: string }) => r.unitName === '区司法局')).toBe(true);
    const taskPage = await client.get(`${base}/board/task/68`);
    expect(taskPage.text).not.toContain('区委办');
    expect(taskPage.text).not.toContain('__xss');
    // A task 区司法局 has no part in, another unit's page: refused, as page and as API.
    const other = (await t.app.db.task.findMany({ include: { units: { include: { unit: true } } } })).find((x) => !x.units.some((u) => u.unit.name === '区司法局'))!;
    for (const path of [`/board/task/${other.number}`, `/board/api/task/${other.number}`, '/board/unit/区委办', '/board/api/unit/区委办']) {
      const p = await client.get(`${base}${path}`);
      expect(p.status, path).toBe(403);
      expect(p.text, path).not.toContain('__xss');
    }
    expect((await client.get(`${base}/board/unit/区司法局`)).status).toBe(200);

    const xlsx = await client.bytes(`${base}/board/export.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.data as unknown as ArrayBuffer);
    expect(new Set(book.getWorksheet('台账')!.getColumn(4).values.slice(2))).toEqual(new Set(['区司法局']));
    expect(book.getWorksheet('进展记录')!.rowCount).toBe(1);
    expect(book.getWorksheet('操作记录')!.rowCount).toBe(1);
    const csv = (await client.bytes(`${base}/board/export.csv?unit=区委办`)).data.toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('someone who speaks for no unit gets 403 after logging in', async () => {
    const { client, page } = await loginAs(STRANGER);
    expect(page.status).toBe(403);
    expect(page.text).toContain('你没有查看此页面的权限');
    expect((await client.get(`${base}/board/api/board`)).status).toBe(403);
  });

  it('refuses forged and tampered cookies, sends an expired session back to login, and asks the API to log in', async () => {
    const forged = sign({ v: 1, sub: ADMIN_OPEN_ID, name: 'x', exp: 4_000_000_000 }, 'not-the-secret-'.repeat(3));
    const refused = await fetch(`${base}/board`, { headers: { cookie: `${SESSION_COOKIE}=${forged}` }, redirect: 'manual' });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('登录凭证无效或已被篡改');
    expect(refused.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));

    const liaison = signSession(LIAISON, t.config.board.sessionSecret, NOW, 12);
    const [, sig] = liaison.split('.');
    const raised = `${Buffer.from(JSON.stringify({ v: 1, sub: ADMIN_OPEN_ID, name: 'x', exp: 4_000_000_000 })).toString('base64url')}.${sig}`;
    expect((await fetch(`${base}/board/api/board`, { headers: { cookie: `${SESSION_COOKIE}=${raised}` } })).status).toBe(401);

    const expired = signSession(ADMIN, t.config.board.sessionSecret, new Date(NOW.getTime() - 13 * 3600_000), 12);
    const again = await fetch(`${base}/board/task/68`, { headers: { cookie: `${SESSION_COOKIE}=${expired}` }, redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/board/login?next=%2Fboard%2Ftask%2F68');

    const anonymous = await fetch(`${base}/board/api/board`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'not signed in' });
  });

  it('a callback that was not started in this browser is refused; the webhook paths still work', async () => {
    fake.setLoggedInUser(ADMIN);
    const attacker = createClient();
    await attacker.get(`${base}/board/login`, { follow: false });
    const stolen = fake.oauth.authorizations.length;
    const start = await attacker.get(`${base}/board/login?next=/board`, { follow: false });
    const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = authorize.headers.get('location')!;
    expect(fake.oauth.authorizations.length).toBe(stolen + 1);
    // A victim's browser is sent the attacker's callback link: no state cookie, no login.
    const victim = await createClient().get(callback);
    expect(victim.status).toBe(400);
    expect(victim.text).toContain('登录链接已过期或不是从本页面发起的');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/lark/events`)).status).toBe(405);
  });
});
