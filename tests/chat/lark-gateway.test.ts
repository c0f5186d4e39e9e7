import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkGateway, fileNameOfDisposition, fileTypeFor, type RealLarkGateway } from '../../src/chat/lark-gateway.ts';
import { createUserNames } from '../../src/chat/user-names.ts';
import { LarkApiError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, startFakeLark, type FakeLark } from '../fakes/fake-lark.ts';

const CHAT = 'oc_00000000000000000000000000000c01';
const card = { schema: '2.0', config: { update_multi: true }, header: { title: { tag: 'plain_text', content: '任务 68 将于周五到期' } }, body: { elements: [] } };

let fake: FakeLark;
let gw: RealLarkGateway;

beforeEach(async () => {
  fake = await startFakeLark();
  gw = createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url }, silentLogger);
});
afterEach(async () => {
  await fake.close();
});

async function failure(p: Promise<unknown>): Promise<LarkApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LarkApiError);
  return e as LarkApiError;
}

describe('LarkGateway against the fake Lark', () => {
  it('sends text, card and file messages to a chat with the uuid passed through', async () => {
    const a = await gw.sendToChat(CHAT, { msgType: 'text', text: '你好' }, { uuid: 'outbox-1' });
    const b = await gw.sendToChat(CHAT, { msgType: 'interactive', card });
    const c = await gw.sendToChat(CHAT, { msgType: 'file', fileKey: 'file_v3_x' });
    expect(new Set([a.messageId, b.messageId, c.messageId]).size).toBe(3);
    expect(fake.sent.map((s) => [s.kind, s.receive_id, s.receive_id_type, s.msg_type, s.content, s.uuid])).toEqual([
      ['create', CHAT, 'chat_id', 'text', { text: '你好' }, 'outbox-1'],
      ['create', CHAT, 'chat_id', 'interactive', card, undefined],
      ['create', CHAT, 'chat_id', 'file', { file_key: 'file_v3_x' }, undefined],
    ]);
    expect(fake.tokenRequests).toBe(1);
  });

  it('replies to a message and patches a card', async () => {
    const { messageId } = await gw.sendToChat(CHAT, { msgType: 'interactive', card });
    const r = await gw.reply(messageId, { msgType: 'text', text: '已记录' }, { uuid: 'reply-1' });
    expect(fake.sent[1]).toMatchObject({ kind: 'reply', messageId: r.messageId, parentId: messageId, receive_id: CHAT, content: { text: '已记录' }, uuid: 'reply-1' });

    const updated = { ...card, header: { title: { tag: 'plain_text', content: '已完成' } } };
    await gw.updateCard(messageId, updated);
    expect(fake.patches).toEqual([{ messageId, content: updated, at: expect.any(Number) }]);
  });

  it('uploads files as xls or stream', async () => {
    const x = await gw.uploadFile('台账.xlsx', Buffer.from('PK\u0003\u0004fake-xlsx'));
    const t = await gw.uploadFile('notes.txt', Buffer.from('hello'));
    expect(fake.files.map((f) => [f.fileKey, f.fileType, f.fileName, f.data.toString()])).toEqual([
      [x.fileKey, 'xls', '台账.xlsx', 'PK\u0003\u0004fake-xlsx'],
      [t.fileKey, 'stream', 'notes.txt', 'hello'],
    ]);
    expect(fileTypeFor('a.XLS')).toBe('xls');
  });

  it('lists chat members across pages', async () => {
    const members = ['ou_a', 'ou_b', 'ou_c', 'ou_d', 'ou_e'].map((openId) => ({ openId }));
    fake.setChatMembers(CHAT, members);
    expect(await gw.listChatMembers(CHAT)).toEqual(['ou_a', 'ou_b', 'ou_c', 'ou_d', 'ou_e']);
    expect(fake.requests.filter((r) => r.path.endsWith('/members'))).toHaveLength(3);
  });

  it('reads the bot identity', async () => {
    expect(await gw.getBotInfo()).toEqual({ openId: FAKE_BOT_OPEN_ID, appName: 'Duban' });
  });

  it('maps 429 to a LarkApiError with retryAfterMs from x-ogw-ratelimit-reset', async () => {
    await fake.close();
    fake = await startFakeLark({ rateLimitResetSeconds: 3 });
    gw = createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url }, silentLogger);
    fake.failNext(1, '429');
    const e = await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'x' }));
    expect(e).toMatchObject({ method: 'im.v1.message.create', code: 99991400, httpStatus: 429, retryAfterMs: 3000 });
    expect(e.logId).toMatch(/^[0-9A-F]{24}$/);
    expect(fake.sent).toHaveLength(0);
    // No retries in the gateway: exactly one attempt reached the fake.
    expect(fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages')).toHaveLength(1);
  });

  it('maps HTTP 500 with a non-JSON body', async () => {
    fake.failNext(1, '500');
    const e = await failure(gw.reply('om_x', { msgType: 'text', text: 'x' }));
    expect(e).toMatchObject({ method: 'im.v1.message.reply', code: -1, httpStatus: 500, retryAfterMs: undefined });
    expect(e.logId).toBeDefined();
  });

  it('maps the group frequency limit 230020 (HTTP 400 as the platform answers, and HTTP 200)', async () => {
    fake.failNext(1, '230020');
    expect(await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'x' }))).toMatchObject({ code: 230020, httpStatus: 400 });
    fake.failNext(1, { code: 230020, msg: 'chat rate limit', httpStatus: 200 });
    expect(await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'x' }))).toMatchObject({ code: 230020, httpStatus: 200, msg: 'chat rate limit' });
  });

  it('maps an HTTP-200 body with code != 0 on every verb', async () => {
    const no = { code: 230002, msg: 'Bot/User can NOT be out of the chat.', httpStatus: 200 };
    fake.failNext(1, no);
    expect(await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'x' }))).toMatchObject({ method: 'im.v1.message.create', code: 230002, httpStatus: 200 });
    fake.failNext(1, no);
    expect(await failure(gw.updateCard('om_x', card))).toMatchObject({ method: 'im.v1.message.patch', code: 230002 });
    fake.failNext(1, no);
    expect(await failure(gw.uploadFile('a.xlsx', Buffer.from('x')))).toMatchObject({ method: 'im.v1.file.create', code: 230002 });
    fake.failNext(1, no);
    expect(await failure(gw.listChatMembers(CHAT))).toMatchObject({ method: 'im.v1.chatMembers.get', code: 230002 });
  });

  it('drops the cached token on 99991663 so the next call fetches a new one', async () => {
    await gw.sendToChat(CHAT, { msgType: 'text', text: 'first' });
    expect(fake.tokenRequests).toBe(1);
    fake.failNext(1, 'invalid-token'); // also revokes the issued token, as an expired one would be
    expect(await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'second' }))).toMatchObject({ code: 99991663 });
    await gw.sendToChat(CHAT, { msgType: 'text', text: 'third' });
    expect(fake.tokenRequests).toBe(2);
    expect(fake.sent.map((s) => (s.content as { text: string }).text)).toEqual(['first', 'third']);
  });

  it('turns a timeout into a LarkApiError without a platform code', async () => {
    gw = createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: fake.url }, silentLogger, { timeoutMs: 200 });
    fake.failNext(1, 'slow', { delayMs: 1000 });
    const e = await failure(gw.sendToChat(CHAT, { msgType: 'text', text: 'slow' }, { uuid: 'slow-1' }));
    expect(e).toMatchObject({ code: -1, httpStatus: undefined });
    expect(e.msg).toMatch(/timeout/i);
    // The platform may still have sent it; a retry with the same uuid cannot double-post.
    await gw.sendToChat(CHAT, { msgType: 'text', text: 'slow' }, { uuid: 'slow-1' });
    await expect.poll(() => fake.duplicates.length, { timeout: 3000 }).toBe(1);
    expect(fake.sent).toHaveLength(1);
  });

  it('turns a bad app secret into a LarkApiError', async () => {
    const bad = createLarkGateway({ appId: FAKE_APP_ID, appSecret: 'wrong-secret', domain: fake.url }, silentLogger);
    expect(await failure(bad.sendToChat(CHAT, { msgType: 'text', text: 'x' }))).toMatchObject({ code: 10014 });
  });

  it('turns a refused connection into a LarkApiError', async () => {
    const url = fake.url;
    await fake.close();
    const e = await failure(createLarkGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: url }, silentLogger).listChatMembers(CHAT));
    expect(e).toMatchObject({ code: -1, httpStatus: undefined });
    fake = await startFakeLark();
  });
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

describe('downloadResource (im.v1.messageResource.get) against the fake Lark', () => {
  const read = async (s: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  it('streams the bytes with content-type, content-length and the (Chinese) file name', async () => {
    const data = Buffer.from('%PDF-1.7 report');
    fake.setResource('om_1', 'file_v3_a', { type: 'file', data, fileName: '法治 报告.pdf', contentType: 'application/pdf' });
    const r = await gw.downloadResource('om_1', 'file_v3_a', 'file');
    expect({ contentType: r.contentType, contentLength: r.contentLength, fileName: r.fileName }).toEqual({ contentType: 'application/pdf', contentLength: data.length, fileName: '法治 报告.pdf' });
    expect((await read(r.stream)).equals(data)).toBe(true);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/open-apis/im/v1/messages/om_1/resources/file_v3_a', status: 200 });
  });

  it('a key not in the message, or the wrong type, is a LarkApiError with the platform code', async () => {
    fake.setResource('om_1', 'img_v3_a', { type: 'image', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    expect(await failure(gw.downloadResource('om_1', 'img_v3_missing', 'image'))).toMatchObject({ code: 234003, httpStatus: 400 });
    expect(await failure(gw.downloadResource('om_1', 'img_v3_a', 'file'))).toMatchObject({ code: 234001, httpStatus: 400 });
    fake.failNext(1, '500', { path: /resources/ });
    expect(await failure(gw.downloadResource('om_1', 'img_v3_a', 'image'))).toMatchObject({ httpStatus: 500, method: 'im.v1.messageResource.get' });
  });

  it('reads file names from either form of content-disposition', () => {
    expect(fileNameOfDisposition(`attachment; filename="%E6%8A%A5%E5%91%8A.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`)).toBe('报告.pdf');
    expect(fileNameOfDisposition('attachment; filename="plan.docx"')).toBe('plan.docx');
    expect(fileNameOfDisposition('inline')).toBeUndefined();
    expect(fileNameOfDisposition(undefined)).toBeUndefined();
  });
});
