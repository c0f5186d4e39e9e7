// The board as the console serves it (npm start without Lark): loopback, no login, the whole plan.
// Pages escape every plan and report string; task and unit pages show history, reminders, answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import ExcelJS from 'exceljs';
import { instantAt } from '../../src/clock.ts';
import { createBoardHandler } from '../../src/board/routes.ts';
import { startLocalServer, type LocalServer } from '../../src/board/local-server.ts';
import { silentLogger } from '../../src/log.ts';
import { createClient, rowUnits } from './http-client.ts';
import { makeBoardWorld, NOW, TZ, XSS, type BoardWorld } from './world.ts';

let w: BoardWorld;
let server: LocalServer;
let base: string;
const client = createClient();

beforeAll(async () => {
  w = await makeBoardWorld();
  // The 7-day reminders of 2027-02-22 go out; 区委办 answers on 03-02, 区政府办 never does.
  w.clock.set(instantAt('2027-02-22', '10:00', TZ));
  await w.app.schedulerPass();
  await w.report({ taskNumber: 68, unitName: '区委办', status: 'done', percent: 100, text: XSS, at: instantAt('2027-03-02', '15:00', TZ) });
  w.clock.set(NOW);
  await w.app.schedulerPass();
  const board = createBoardHandler({ db: w.app.db, policy: w.app.policy, calendar: w.app.calendar, tz: TZ, officeUnit: w.officeUnit, clock: w.clock, logger: silentLogger, auth: { mode: 'local' } });
  server = await startLocalServer({ port: 0, board, health: () => w.app.health(), logger: silentLogger });
  base = `http://127.0.0.1:${server.port}`;
}, 90_000);
afterAll(async () => {
  await server?.close();
  await w?.close();
});

/** fetch() will not send a Host header of our choosing; node:http will. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('the board on the console', () => {
  it('serves /healthz and the board, in Chinese by default and English on request', async () => {
    expect(JSON.parse((await client.get(`${base}/healthz`)).text)).toMatchObject({ ok: true, db: 'ok', lark: 'local' });
    const zh = await client.get(`${base}/`);
    expect(zh).toMatchObject({ status: 200, url: `${base}/board` });
    expect(zh.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('各单位事项状态');
    expect(zh.text).toContain('截至 2027-03-05');
    expect(rowUnits(zh.text).length).toBe(100);
    const en = await client.get(`${base}/board`, { headers: { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' } });
    expect(en.text).toContain('Items per unit by light');
    expect((await client.get(`${base}/board?lang=en`)).text).toContain('<html lang="en">');
  });

  it('escapes a report that carries markup, on every page that shows it', async () => {
    for (const path of ['/board?unit=区委办', '/board/task/68', '/board/unit/区委办', '/board/unit/%E5%8C%BA%E5%A7%94%E5%8A%9E?lang=en']) {
      const p = await client.get(`${base}${path}`);
      expect(p.status, path).toBe(200);
      expect(p.text, path).not.toContain('<script>window');
      expect(p.text, path).not.toContain('<img src=x');
      expect(p.text, path).toContain('&#60;script&#62;window.__xss&#61;1&#60;/script&#62;');
    }
  });

  it('a task page lists units, milestones, every report with its source, and the reminders with their outbox status', async () => {
    const p = (await client.get(`${base}/board/task/68`)).text;
    expect(p).toContain('任务 68');
    expect(p).toMatch(/<td>区委办<\/td><td>区委办联络员<\/td><td>已完成<\/td><td>100%<\/td>/);
    expect(p).toContain('群内命令');
    expect(p).toContain('每年3月1日前');
    expect(p).toMatch(/<tr class="reminder outbox-sent"><td>2027-02-22<\/td><td>区政府办<\/td>/);
    expect(p).toContain('已发送');
    const api = JSON.parse((await client.get(`${base}/board/api/task/68`)).text);
    expect(api.history[0]).toMatchObject({ unitName: '区委办', via: 'command', percent: 100 });
    expect(api.reminders.some((r: { unitName: string; status: string }) => r.unitName === '区政府办' && r.status === 'sent')).toBe(true);
  });

  it('a unit page shows its last answer, unanswered reminders and median response time', async () => {
    const qwb = JSON.parse((await client.get(`${base}/board/api/unit/区委办`)).text);
    expect(qwb.lastAnswer).toMatchObject({ taskNumber: 68, status: 'done' });
    // Reminded 02-22 10:00, answered 03-02 15:00: 197 hours.
    expect(qwb.response).toMatchObject({ medianHours: 197 });
    expect((await client.get(`${base}/board/unit/区委办`)).text).toContain('中位时间 8.2 天');
    const zfb = JSON.parse((await client.get(`${base}/board/api/unit/区政府办`)).text);
    expect(zfb.lastAnswer).toBeNull();
    expect(zfb.unanswered.map((u: { taskNumber: number }) => u.taskNumber)).toContain(68);
    expect(zfb.response).toMatchObject({ answered: 0, medianHours: null });
  });

  it('filters to red and downloads the same rows as the ledger', async () => {
    const red = await client.get(`${base}/board?light=red`);
    expect(red.text).toMatch(/data-light="red"/);
    expect(red.text).not.toMatch(/data-light="(?!red)/);
    const file = await client.bytes(`${base}/board/export.xlsx?light=red`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6-2027-03-05.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.data as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('台账')!;
    const states = sheet.getColumn(8).values.slice(2);
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['逾期']));
    const csv = (await client.bytes(`${base}/board/export.csv?unit=区政府办`)).data.toString('utf8');
    expect(csv.split('\r\n')[0]).toContain('任务编号');
    expect(csv.split('\r\n').slice(1).filter(Boolean).every((l) => l.includes(',区政府办,'))).toBe(true);
  });

  it('answers only this machine, and says what is missing', async () => {
    // A page on another site that points its own name at 127.0.0.1 (DNS rebinding) gets nothing.
    expect(await statusWithHost(`${base}/board`, 'board.attacker.example')).toBe(403);
    expect(await statusWithHost(`${base}/board`, `localhost:${server.port}`)).toBe(200);
    expect((await client.get(`${base}/board/task/9999`)).text).toContain('没有编号为 9999 的任务');
    expect((await client.get(`${base}/board/unit/火星局`)).status).toBe(404);
    expect((await client.get(`${base}/board/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/board`, { method: 'POST' })).status).toBe(405);
    expect((await client.get(`${base}/board?light=purple`)).text).toContain('以下筛选条件无法识别，已忽略：light&#61;purple');
  });
});
