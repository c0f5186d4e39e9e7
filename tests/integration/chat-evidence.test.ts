// Issue 12 (evidence), end to end as main.ts wires it: createApp + the webhook receiver + the real SDK
// gateway against the fake Lark, which serves the message resources. A unit replies to its reminder card
// with an image or a file, or sends a post `进度 68 …` with attachments; the bot downloads them through
// GET /im/v1/messages/:id/resources/:key, stores them under data/evidence (here a temp dir), answers in
// the chat, and the CLI gives the bytes back.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { startLarkReceiver, type LarkReceiver } from '../../src/chat/lark-receiver.ts';
import { startFakeLark, type FakeLark, type SentMessage } from '../fakes/fake-lark.ts';
import { loadLarkFixture } from '../fakes/lark-fixtures.ts';
import { cli } from '../support/cli.ts';
import {
  bindUnits,
  CHAT_QWB,
  CHAT_QZFB,
  contentText,
  freshPlanDb,
  larkOf,
  makeTempDir,
  messageEnvelope,
  postWebhook,
  repliesTo,
  startTestApp,
  testLogger,
  TZ,
  USER_OPEN_ID,
  VERIFICATION_TOKEN,
  waitFor,
  type TestApp,
} from './helpers.ts';

const NOW = instantAt('2027-02-22', '10:00', TZ); // a week before task 68's 1 March deadline
const MAX_MB = 1; // small, so "oversized" is a small test file

let fake: FakeLark;
let t: TestApp;
let receiver: LarkReceiver;
let base: string;
let dir: string;
let evidenceDir: string;
let databaseUrl: string;
let removeDir: () => void;
let seq = 0;

beforeEach(async () => {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  dir = tmp.dir;
  evidenceDir = path.join(dir, 'evidence');
  databaseUrl = await freshPlanDb(dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  fake = await startFakeLark();
  fake.setUserName(USER_OPEN_ID, '王晓明');
  t = await startTestApp({ fake, databaseUrl, clock: fixedClock(NOW), env: { DUBAN_EVIDENCE_DIR: evidenceDir, DUBAN_EVIDENCE_MAX_MB: String(MAX_MB) } });
  receiver = await startLarkReceiver({
    lark: larkOf(t.config),
    port: 0,
    host: '127.0.0.1',
    logger: testLogger,
    onMessageEvent: (raw) => t.app.inbound.onMessageEvent(raw),
    onCardAction: (raw) => t.app.inbound.onCardAction(raw),
    health: () => t.app.health(),
  });
  base = `http://127.0.0.1:${receiver.port}`;
});

afterEach(async () => {
  await receiver?.close();
  await t?.app.close();
  await fake?.close();
  removeDir?.();
});

const env = () => ({ DATABASE_URL: databaseUrl, DUBAN_EVIDENCE_DIR: evidenceDir, DUBAN_TZ: TZ, LOG_LEVEL: 'silent' });
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
/** Bytes that start like a real PNG / PDF, then random. */
const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(n - 8)]);
const pdf = (n: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(n - 9)]);

/** The reminder card 区委办 got this morning (one item: task 68, due 1 March). */
async function reminderCard(): Promise<SentMessage> {
  await t.app.schedulerPass(instantAt('2027-02-22', '09:30', TZ));
  const card = fake.sent.find((m) => m.receive_id === CHAT_QWB && contentText(m).includes('任务 68'));
  if (!card) throw new Error('no reminder card for 区委办');
  return card;
}

type Env = ReturnType<typeof loadLarkFixture>;

/** A fixture re-addressed: fresh ids, our chat, our sender, the e2e verification token. */
function readdress(env: Env, o: { parentId?: string; chatId?: string }): Env & { messageId: string } {
  const messageId = `om_evidence${String(++seq).padStart(8, '0')}${crypto.randomBytes(4).toString('hex')}`;
  env.header.event_id = crypto.randomBytes(16).toString('hex');
  env.header.token = VERIFICATION_TOKEN;
  const ev = env.event as { sender: { sender_id: Record<string, string> }; message: Record<string, unknown> };
  ev.sender.sender_id = { union_id: 'on_u1', user_id: 'u1', open_id: USER_OPEN_ID };
  Object.assign(ev.message, { message_id: messageId, chat_id: o.chatId ?? CHAT_QWB, chat_type: 'group' });
  if (o.parentId) Object.assign(ev.message, { parent_id: o.parentId, root_id: o.parentId });
  else {
    delete ev.message.parent_id;
    delete ev.message.root_id;
  }
  return Object.assign(env, { messageId });
}

/** An image message replying to the card (as Lark sends it: no text, no mentions). */
function imageReply(parentId: string, imageKey: string) {
  const e = readdress(loadLarkFixture('im.message.receive_v1.image'), { parentId });
  Object.assign((e.event as { message: object }).message, { content: JSON.stringify({ image_key: imageKey }) });
  return e;
}

function fileReply(parentId: string, fileKey: string, fileName: string) {
  const e = readdress(loadLarkFixture('im.message.receive_v1.file-reply'), { parentId });
  Object.assign((e.event as { message: object }).message, { content: JSON.stringify({ file_key: fileKey, file_name: fileName }) });
  return e;
}

/** POST as Lark does; wait for the bot's answer in the chat. */
async function send(envelope: Env & { messageId: string }): Promise<string> {
  expect(await postWebhook(base, '/lark/events', envelope)).toEqual({ status: 200, body: {} });
  const [reply] = await waitFor(() => {
    const rs = repliesTo(fake, envelope.messageId);
    return rs.length ? rs : undefined;
  }, `the reply to ${envelope.messageId}`);
  return contentText(reply);
}

const storedFiles = () => (fs.existsSync(evidenceDir) ? fs.readdirSync(evidenceDir).filter((n) => n !== '.tmp') : []);
const parts = () => (fs.existsSync(path.join(evidenceDir, '.tmp')) ? fs.readdirSync(path.join(evidenceDir, '.tmp')) : []);

describe.sequential('evidence sent in chat (real SDK, fake Lark, webhook)', () => {
  it('an image in reply to a reminder is stored, and evidence get returns it byte for byte', async () => {
    const card = await reminderCard();
    const bytes = png(48_000);
    const e = imageReply(card.messageId, 'img_v3_0000000000000000000000000001');
    fake.setResource(e.messageId, 'img_v3_0000000000000000000000000001', { type: 'image', data: bytes, contentType: 'image/png' });

    const answer = await send(e);
    const rows = await t.app.db.evidence.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'image', size: 48_000, sha256: sha(bytes), contentType: 'image/png', reporterId: USER_OPEN_ID, reporterName: '王晓明', chatId: CHAT_QWB, messageId: e.messageId });
    expect(answer).toBe(`📎 已保存佐证材料「${rows[0].name}」（47 KB），记入任务 68 · 区委办（编号 ${rows[0].id}）。`);
    expect(fake.resourcesServed).toEqual([{ messageId: e.messageId, key: 'img_v3_0000000000000000000000000001', type: 'image', bytes: 48_000 }]);
    const audit = await t.app.db.auditEvent.findMany({ where: { action: 'evidence' } });
    expect(audit.map((a) => [a.actor, a.subject, JSON.parse(a.detail).evidenceId])).toEqual([[USER_OPEN_ID, 'task 68 / 区委办', rows[0].id]]);

    const out = path.join(dir, 'out.png');
    const got = await cli(['evidence', 'get', String(rows[0].id), '--out', out], env());
    expect(got).toMatchObject({ code: 0, err: '' });
    expect(fs.readFileSync(out).equals(bytes)).toBe(true);
    expect(got.out).toContain(`sha256 ${sha(bytes)}`);

    const list = await cli(['evidence', 'list', '--task', '68', '--json'], env());
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ id: rows[0].id, taskNumber: 68, unitName: '区委办', kind: 'image', sha256: sha(bytes) })]);
    const unknown = await cli(['evidence', 'get', '999', '--out', out], env());
    expect(unknown).toMatchObject({ code: 1, err: 'duban: evidence get: there is no evidence 999 (see: evidence list)' });

    // A file whose bytes were changed on disk is not handed out.
    fs.writeFileSync(path.join(evidenceDir, rows[0].storagePath!), 'tampered');
    const damaged = await cli(['evidence', 'get', String(rows[0].id), '--out', path.join(dir, 'again.png')], env());
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/does not match its sha256/);
    expect(fs.existsSync(path.join(dir, 'again.png'))).toBe(false);
  });

  it('a post 进度 68 已完成 … with an image, a video and a link: progress recorded, the image stored, the video refused, the link kept', async () => {
    const e = readdress(loadLarkFixture('im.message.receive_v1.post-attachments'), {});
    const image = png(20_000);
    fake.setResource(e.messageId, 'img_v3_00000000-0000-0000-0000-000000000i01', { type: 'image', data: image, contentType: 'image/png' });
    fake.setResource(e.messageId, 'file_v3_00000000-0000-0000-0000-000000000v01', { type: 'file', data: crypto.randomBytes(5000), contentType: 'video/mp4', fileName: '现场.mp4' });

    const answer = await send(e);
    const progress = await t.app.db.progress.findMany({ include: { task: true, unit: true } });
    expect(progress.map((p) => [p.task.number, p.unit.name, p.status, p.percent, p.text])).toEqual([[68, '区委办', 'done', 100, '已完成 报告已报区委，见公开页面']]);
    const rows = await t.app.db.evidence.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.kind, r.sha256, r.url])).toEqual([
      ['image', sha(image), null],
      ['link', null, 'https://www.jinan.gov.cn/zfxxgk/2027/report.html'],
    ]);
    expect(answer.split('\n')).toEqual([
      expect.stringMatching(/^已记录：任务 68 · 区委办 · 已完成/),
      `📎 已保存佐证材料「${rows[0].name}」（20 KB），记入任务 68 · 区委办（编号 ${rows[0].id}）。`,
      '未保存「现场.mp4」：不接受 .mp4 文件。佐证材料可以是 PDF、Word（doc/docx）、Excel（xls/xlsx）、图片（jpg/jpeg/png）或 zip 压缩包。',
      `🔗 已记录链接 https://www.jinan.gov.cn/zfxxgk/2027/report.html，作为任务 68 · 区委办 的佐证材料（编号 ${rows[1].id}）。`,
    ]);
    expect(storedFiles()).toEqual([`${sha(image)}.png`]);
  });

  it('a link in plain progress words is recorded as evidence (nothing fetched)', async () => {
    const m = messageEnvelope('进度 68 60% 初稿见 https://docs.example.cn/d/abc123。');
    await postWebhook(base, '/lark/events', m);
    const [reply] = await waitFor(() => {
      const rs = repliesTo(fake, m.event.message.message_id);
      return rs.length ? rs : undefined;
    }, 'the reply');
    const rows = await t.app.db.evidence.findMany();
    expect(rows.map((r) => [r.kind, r.url, r.name, r.storagePath])).toEqual([['link', 'https://docs.example.cn/d/abc123', 'https://docs.example.cn/d/abc123', null]]);
    expect(contentText(reply)).toContain(`🔗 已记录链接 https://docs.example.cn/d/abc123，作为任务 68 · 区委办 的佐证材料（编号 ${rows[0].id}）。`);
    expect(fake.requests.filter((r) => /resources/.test(r.path))).toEqual([]);
  });

  it('an oversized file is refused with the sentence: no row, no file, no part', async () => {
    const card = await reminderCard();
    const e = fileReply(card.messageId, 'file_v3_big', '全年台账.pdf');
    fake.setResource(e.messageId, 'file_v3_big', { type: 'file', data: pdf(1_572_864), fileName: '全年台账.pdf' }); // 1.5 MB
    expect(await send(e)).toBe('未保存「全年台账.pdf」：文件 1.5 MB，超过 1 MB 的上限。请压缩或拆分后重新发送。');
    expect(await t.app.db.evidence.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect(parts()).toEqual([]);
  });

  it('a type outside the allow-list is refused before anything is downloaded; a gif image after Lark names its type', async () => {
    const card = await reminderCard();
    const e = fileReply(card.messageId, 'file_v3_ppt', '汇报.pptx');
    fake.setResource(e.messageId, 'file_v3_ppt', { type: 'file', data: crypto.randomBytes(1000), fileName: '汇报.pptx' });
    expect(await send(e)).toBe('未保存「汇报.pptx」：不接受 .pptx 文件。佐证材料可以是 PDF、Word（doc/docx）、Excel（xls/xlsx）、图片（jpg/jpeg/png）或 zip 压缩包。');
    expect(fake.requests.filter((r) => /resources/.test(r.path))).toEqual([]);

    const gif = imageReply(card.messageId, 'img_v3_gif');
    fake.setResource(gif.messageId, 'img_v3_gif', { type: 'image', data: Buffer.from('GIF89a' + 'x'.repeat(100)), contentType: 'image/gif' });
    expect(await send(gif)).toMatch(/^未保存「图片」：不接受 \.gif 文件。/);
    expect(await t.app.db.evidence.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect(parts()).toEqual([]);
  });

  it('a download cut mid-way, then a 5xx: retried by the inbound retry, stored once, no part left', async () => {
    const card = await reminderCard();
    const bytes = pdf(300_000);
    const e = fileReply(card.messageId, 'file_v3_report', '法治政府建设报告.pdf');
    fake.setResource(e.messageId, 'file_v3_report', { type: 'file', data: bytes, fileName: '法治政府建设报告.pdf' });
    fake.cutResourceNext(1, 100_000);

    expect(await postWebhook(base, '/lark/events', e)).toEqual({ status: 200, body: {} });
    const row = () => t.app.db.inboundEvent.findFirstOrThrow({ where: { messageId: e.messageId } });
    // First attempt: the stream is cut after 100 000 bytes.
    await waitFor(async () => (await row()).attempts === 1 && (await row()).status === 'received', 'the first attempt to fail');
    expect((await row()).error).toMatch(/evidence download failed for task 68 \/ 区委办, message om_evidence\w+, key file_v3_report: (aborted|download cut short)/);
    expect(await t.app.db.evidence.count()).toBe(0);
    expect(parts()).toEqual([]);
    expect(storedFiles()).toEqual([]);
    // The next pass (the cron's retry) gets a 5xx.
    fake.failNext(1, '500', { path: /\/resources\// });
    await t.app.inbound.processPending();
    expect((await row()).attempts).toBe(2);
    expect((await row()).error).toMatch(/HTTP 500/);
    expect(await t.app.db.evidence.count()).toBe(0);
    // And the one after that gets the file.
    await t.app.inbound.processPending();
    await t.app.dispatch();
    expect((await row()).status).toBe('done');
    const rows = await t.app.db.evidence.findMany();
    expect(rows.map((r) => [r.name, r.size, r.sha256])).toEqual([['法治政府建设报告.pdf', 300_000, sha(bytes)]]);
    expect(fs.readFileSync(path.join(evidenceDir, rows[0].storagePath!)).equals(bytes)).toBe(true);
    expect(parts()).toEqual([]);
    expect(repliesTo(fake, e.messageId).map(contentText)).toEqual([`📎 已保存佐证材料「法治政府建设报告.pdf」（293 KB），记入任务 68 · 区委办（编号 ${rows[0].id}）。`]);
  });

  it('a part left by a process killed mid-download is swept when the bot starts, and never read', async () => {
    fs.mkdirSync(path.join(evidenceDir, '.tmp'), { recursive: true });
    const left = path.join(evidenceDir, '.tmp', 'killed-mid-download.part');
    fs.writeFileSync(left, Buffer.alloc(4096, 1));
    const long = new Date('2026-01-01T00:00:00Z'); // older than any in-flight download
    fs.utimesSync(left, long, long);
    const second = await startTestApp({ fake, databaseUrl, clock: fixedClock(NOW), env: { DUBAN_EVIDENCE_DIR: evidenceDir } });
    try {
      expect(parts()).toEqual([]);
      expect(storedFiles()).toEqual([]);
      expect(await second.app.db.evidence.count()).toBe(0);
    } finally {
      await second.app.close();
    }
  });

  it('a resource Lark will not give (not in the message: 234003) is answered at once, not retried', async () => {
    const card = await reminderCard();
    const e = fileReply(card.messageId, 'file_v3_gone', '撤回的文件.pdf'); // no resource registered
    expect(await send(e)).toBe('未能从飞书取得「撤回的文件.pdf」（错误 234003），请重新发送。');
    expect(await t.app.db.inboundEvent.findFirstOrThrow({ where: { messageId: e.messageId } })).toMatchObject({ status: 'done', attempts: 0 });
    expect(await t.app.db.evidence.count()).toBe(0);
  });

  it('the same file sent twice for the same task and unit is recorded once, and the chat says so', async () => {
    const card = await reminderCard();
    const bytes = pdf(10_000);
    const first = fileReply(card.messageId, 'file_v3_a', '报告.pdf');
    fake.setResource(first.messageId, 'file_v3_a', { type: 'file', data: bytes, fileName: '报告.pdf' });
    const a = await send(first);
    const second = fileReply(card.messageId, 'file_v3_b', '报告（再次）.pdf');
    fake.setResource(second.messageId, 'file_v3_b', { type: 'file', data: bytes, fileName: '报告（再次）.pdf' });
    const b = await send(second);
    const rows = await t.app.db.evidence.findMany();
    expect(rows).toHaveLength(1);
    expect(a).toBe(`📎 已保存佐证材料「报告.pdf」（10 KB），记入任务 68 · 区委办（编号 ${rows[0].id}）。`);
    expect(b).toBe(`「报告.pdf」已在任务 68 · 区委办 的佐证材料中（编号 ${rows[0].id}），未重复保存。`);
    expect(storedFiles()).toEqual([`${sha(bytes)}.pdf`]);
    expect(await t.app.db.auditEvent.count({ where: { action: 'evidence' } })).toBe(1);
  });

  it('任务 68, registry show 68 and the ledger show each unit\'s evidence', async () => {
    const card = await reminderCard();
    const bytes = pdf(2048);
    const e = fileReply(card.messageId, 'file_v3_shown', '年度报告.pdf');
    fake.setResource(e.messageId, 'file_v3_shown', { type: 'file', data: bytes, fileName: '年度报告.pdf' });
    await send(e);
    const link = messageEnvelope('进度 68 60% 公开稿 https://www.jinan.gov.cn/r/68');
    await postWebhook(base, '/lark/events', link);
    await waitFor(() => repliesTo(fake, link.event.message.message_id).length > 0, 'the reply');
    const [file, url] = await t.app.db.evidence.findMany({ orderBy: { id: 'asc' } });

    // 任务 68 in the chat: 区委办's block lists both.
    const task = messageEnvelope('任务 68');
    await postWebhook(base, '/lark/events', task);
    const [taskCard] = await waitFor(() => {
      const rs = repliesTo(fake, task.event.message.message_id);
      return rs.length ? rs : undefined;
    }, 'the task card');
    const words = contentText(taskCard);
    expect(words).toContain('📎 **佐证材料**（2）');
    expect(words).toContain(`• 年度报告.pdf · 2 KB · 王晓明 · 2027-02-22 10:00 · 编号 ${file.id}`);
    expect(words).toContain(`• https://www.jinan.gov.cn/r/68 · 王晓明 · 2027-02-22 10:00 · 编号 ${url.id}`);

    // registry show 68
    const show = await cli(['registry', 'show', '68'], env());
    expect(show.code).toBe(0);
    expect(show.out).toContain('佐证材料 evidence (2):\n  区委办 (2):');
    expect(show.out).toContain(`    #${file.id}  任务 68  区委办  file  年度报告.pdf  2 KB  sha256 ${sha(bytes)}  — 王晓明 2027-02-22 10:00`);
    expect(show.out).toContain(`    #${url.id}  任务 68  区委办  link  https://www.jinan.gov.cn/r/68  — 王晓明 2027-02-22 10:00`);
    expect(JSON.parse((await cli(['registry', 'show', '68', '--json'], env())).out).evidence).toHaveLength(2);

    // The ledger: the count on 区委办's rows of task 68, and the 佐证材料 sheet.
    const out = path.join(dir, '台账.xlsx');
    expect((await cli(['export', '--format', 'xlsx', '--out', out], env(), '2027-02-22T12:00:00+08:00')).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ledger = wb.getWorksheet('台账')!;
    const header = (ledger.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const counts = new Map<string, number>();
    ledger.eachRow((row, n) => {
      if (n > 1 && row.getCell(col('任务编号')).value === 68) counts.set(String(row.getCell(col('责任单位')).value), Number(row.getCell(col('佐证材料(件)')).value));
    });
    expect(counts.get('区委办')).toBe(2);
    expect(counts.get('区政府办')).toBe(0);
    const sheet = wb.getWorksheet('佐证材料')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['编号', '任务编号', '单位', '名称', '类型', '大小(字节)', 'SHA-256', '链接', '报送人', '报送时间']);
    expect(rows.slice(1).map((r) => r.slice(0, 8))).toEqual([
      [file.id, 68, '区委办', '年度报告.pdf', '文件 application/pdf', 2048, sha(bytes), ''],
      [url.id, 68, '区委办', 'https://www.jinan.gov.cn/r/68', '链接', undefined, '', 'https://www.jinan.gov.cn/r/68'], // an empty cell reads back as undefined,
    ]);
  });

  it('a file in a group that replies to no reminder is not answered; one from a chat that does not speak for the unit is refused', async () => {
    const card = await reminderCard();
    const stray = readdress(loadLarkFixture('im.message.receive_v1.file-reply'), {});
    expect(await postWebhook(base, '/lark/events', stray)).toEqual({ status: 200, body: {} });
    await t.app.inbound.processPending();
    await t.app.dispatch();
    expect(repliesTo(fake, stray.messageId)).toEqual([]);

    // 区政府办's group replying to 区委办's card (e.g. forwarded into the wrong chat).
    const e = readdress(loadLarkFixture('im.message.receive_v1.file-reply'), { parentId: card.messageId, chatId: CHAT_QZFB });
    expect(await send(e)).toContain('你不能代表区委办报进展');
    expect(await t.app.db.evidence.count()).toBe(0);
    expect(fake.requests.filter((r) => /resources/.test(r.path))).toEqual([]);
  });
});
