// The board in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
// browser), against the app in webhook mode with the real SDK and the fake Lark. Skipped, saying so,
// where /usr/bin/chromium is missing (.ci/run installs it). DUBAN_SCREENSHOTS=docs also writes the
// README's screenshots (docs/board.png, docs/task.png).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { createBoardHandler } from '../../src/board/routes.ts';
import { createLarkLogin } from '../../src/board/lark-login.ts';
import { SESSION_COOKIE, sign } from '../../src/board/session.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { createGroupsOf } from '../../src/chat/lark-membership.ts';
import { createUnitRepo } from '../../src/store/unit-repo.ts';
import { officeNameOf } from '../../src/board/access.ts';
import { createProgressRepo } from '../../src/store/progress-repo.ts';
import { startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';
import { bindUnits, CHAT_QWB, CHAT_QZFB, freePort, USER_OPEN_ID, freshPlanDb, larkOf, makeTempDir, messageEnvelope, postWebhook, startTestApp, testLogger, TZ, waitFor, type TestApp } from '../integration/helpers.ts';
import { NOW, XSS } from './world.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) process.stderr.write(`tests/board/browser.test.ts: SKIPPED, ${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)\n`);
// As the machine notes say: no background traffic (the network is closed), a fresh profile each time.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.DUBAN_SCREENSHOTS;

const OFFICE_CHAT = 'oc_e2e0000000000000000000000office';
const OFFICE_MEMBER = { openId: 'ou_browser000000000000000000000m1', name: '督办科' };
const LIAISON = { openId: 'ou_browser000000000000000000000l1', name: '司法局联络员' };

let fake: FakeLark;
let t: TestApp;
let receiver: LarkReceiver;
let base: string;
const cleanups: Array<() => void | Promise<void>> = [];
const clock = fixedClock(NOW);

function withoutFakedClock(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'LD_PRELOAD' && !e[0].startsWith('FAKETIME')));
}

/** A browser with a profile of its own, signed in to "Lark" as this user. */
async function browserAs(user: { openId: string; name: string } | null): Promise<BrowserContext> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale: 'zh-CN',
    viewport: { width: 1280, height: 900 },
    // Chromium hangs under a faked process clock (the suite is also run with faketime); the bot here
    // runs on a pinned clock of its own, so the browser keeps the real one.
    env: withoutFakedClock(process.env),
  });
  cleanups.push(async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  fake.setLoggedInUser(user);
  return context;
}

const say = (text: string, chatId: string) => postWebhook(base, '/lark/events', messageEnvelope(text, { chatId }));

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  fake = await startFakeLark();
  fake.setChatMembers(OFFICE_CHAT, [{ openId: OFFICE_MEMBER.openId }]);
  // The person who reports from 区委办's group (messageEnvelope's default sender), as Lark's contact API names them.
  fake.setUserName(USER_OPEN_ID, '区委办 张敏');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ fake, databaseUrl, clock });
  const unitRepo = createUnitRepo(t.app.db);
  await unitRepo.bind(officeNameOf(await unitRepo.list(), t.config.officeUnit), OFFICE_CHAT, { actor: 'test', source: 'cli' });
  await createUnitRepo(t.app.db).addLiaison(LIAISON.openId, '区司法局', { actor: 'test', source: 'cli' });
  // A month of the plan: the February reminders went out; some units answered, some did not.
  clock.set(instantAt('2027-02-22', '10:00', TZ));
  await t.app.schedulerPass();
  const progress = createProgressRepo(t.app.db);
  const report = (taskNumber: number, unitName: string, status: 'progress' | 'done' | 'blocked', percent: number | null, text: string, day: string) =>
    progress.record({ taskNumber, unitName, status, percent, text, reporterId: `ou_${unitName}`, reporterName: `${unitName}联络员`, via: 'command', at: instantAt(day, '15:00', TZ) });
  await report(68, '区司法局', 'done', 100, '配合材料已报区委办', '2027-02-26');
  await report(1, '区委编办', 'progress', 60, '权责清单初稿已完成，正在征求意见', '2027-02-24');
  await report(2, '区发改局', 'blocked', null, '等待市级部门批复', '2027-02-25');
  clock.set(NOW);
  await t.app.schedulerPass();
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port,
    host: '127.0.0.1',
    logger: testLogger,
    onMessageEvent: (raw) => t.app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => t.app.inbound.onCardAction(raw),
    health: () => t.app.health(),
    httpHandler: createBoardHandler({
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
    }),
  });
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await receiver?.close();
  await t?.app.close();
  await fake?.close();
});

describe.skipIf(!HAVE_CHROMIUM).sequential('the board in Chromium', () => {
  it('opens the board (through the Lark login), filters to red, and opens a task with a report made a moment before in chat', async () => {
    const context = await browserAs(OFFICE_MEMBER);
    const page = await context.newPage();
    await page.goto(`${base}/board`);
    await expect.poll(() => page.url()).toBe(`${base}/board`);
    expect(await page.locator('h1').textContent()).toBe('督办看板');
    expect(await page.locator('header .who').textContent()).toContain('督办科');
    expect(await page.locator('figure.chart svg a.bar').count()).toBeGreaterThan(10);
    expect(await page.locator('tr.row').count()).toBe(100);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'board.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1150 } });

    // Choosing a light applies the filter at once (the page's script submits the form).
    await page.selectOption('select[name=light]', 'red');
    await page.waitForURL(/light=red/);
    const lights = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-light')));
    expect(lights.length).toBeGreaterThan(0);
    expect(new Set(lights)).toEqual(new Set(['red']));
    expect(await page.locator('.chip.light-red b').textContent()).toBe(String(lights.length));

    // 区委办's group reports on task 68 through Lark (webhook → real pipeline), then the office opens the task.
    await say('进度 68 70% 报告初稿已完成，正在征求各部门意见', CHAT_QWB);
    await waitFor(async () => (await t.app.db.progress.count({ where: { unit: { name: '区委办' } } })) === 1, 'the report stored');
    await page.selectOption('select[name=unit]', '区委办');
    await page.waitForURL(/unit=/);
    await page.locator('tr.row[data-task="68"] td.num a').first().click();
    await page.waitForURL(/\/board\/task\/68/);
    const report = page.locator('table.history tr.report').first();
    expect(await report.locator('td').nth(1).textContent()).toBe('区委办');
    expect(await report.locator('td').nth(2).textContent()).toBe('区委办 张敏');
    expect(await report.locator('td.words').textContent()).toBe('报告初稿已完成，正在征求各部门意见');
    expect(await report.locator('td').last().textContent()).toBe('群内命令');
    expect(await page.locator('table.reminders tr.reminder').count()).toBeGreaterThan(0);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'task.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });

    // A report that carries markup shows as the words typed, and none of it runs.
    await say(`进度 68 20% ${XSS}`, CHAT_QZFB);
    await waitFor(async () => (await t.app.db.progress.count({ where: { unit: { name: '区政府办' } } })) === 1, 'the second report stored');
    await page.reload();
    expect(await page.locator('table.history tr.report td.words').first().textContent()).toBe(XSS);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('table.history img').count()).toBe(0);
  });

  it('a liaison logging in with Lark sees only their unit', async () => {
    const context = await browserAs(LIAISON);
    const page = await context.newPage();
    await page.goto(`${base}/board`);
    await expect.poll(() => page.url()).toBe(`${base}/board`);
    const units = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit')));
    expect(units.length).toBeGreaterThan(0);
    expect(new Set(units)).toEqual(new Set(['区司法局']));
    expect(await page.locator('figure.chart svg a.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-unit')))).toEqual(['区司法局']);
    const other = await page.goto(`${base}/board/unit/${encodeURIComponent('区委办')}`);
    expect(other?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('无权查看');
  });

  it('refuses a forged cookie', async () => {
    const context = await browserAs(null);
    const forged = sign({ v: 1, sub: t.config.admins[0], name: 'admin', exp: 4_000_000_000 }, 'a guessed secret, not the real one');
    await context.addCookies([{ name: SESSION_COOKIE, value: forged, domain: '127.0.0.1', path: '/board' }]);
    const page = await context.newPage();
    const res = await page.goto(`${base}/board`);
    expect(res?.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('登录凭证无效');
    expect(await page.locator('tr.row').count()).toBe(0);
    expect((await context.cookies(base)).some((c) => c.name === SESSION_COOKIE)).toBe(false);
  });
});
