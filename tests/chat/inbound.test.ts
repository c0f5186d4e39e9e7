import { describe, expect, it } from 'vitest';
import { toBotAdded, toCardAction, toInboundMessage, type InboundMessage } from '../../src/chat/inbound.ts';
import { AppError } from '../../src/errors.ts';
import { FAKE_BOT_OPEN_ID, flattenEnvelope } from '../fakes/fake-lark.ts';
import { loadLarkFixture } from '../fakes/lark-fixtures.ts';

const U1 = 'ou_00000000000000000000000000000001';
const U2 = 'ou_00000000000000000000000000000002';

function flat(name: Parameters<typeof loadLarkFixture>[0]) {
  return flattenEnvelope(loadLarkFixture(name));
}

function expectMessage(r: ReturnType<typeof toInboundMessage>): InboundMessage {
  if ('ignored' in r) throw new Error(`ignored: ${r.ignored}`);
  return r;
}

describe('toInboundMessage', () => {
  it('normalizes a group message that @-mentions the bot and someone else', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.group-mention'), FAKE_BOT_OPEN_ID));
    expect(m).toEqual({
      eventId: '00000000000000000000000000000e01',
      messageId: 'om_00000000000000000000000000000m01',
      chatId: 'oc_00000000000000000000000000000c01',
      chatType: 'group',
      senderOpenId: U1,
      text: '进度 68 60% 已完成初稿',
      mentionsBot: true,
      mentions: [{ openId: U2, name: '李四' }],
      createTime: 1717383000000,
    });
  });

  it('normalizes a p2p message, trimming full-width spaces', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.p2p'), FAKE_BOT_OPEN_ID));
    expect(m).toMatchObject({ chatType: 'p2p', text: '我的任务', mentionsBot: false, mentions: [], chatId: 'oc_00000000000000000000000000000p01' });
    expect(m.parentId).toBeUndefined();
  });

  it('keeps parent and root ids of a reply', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.reply'), FAKE_BOT_OPEN_ID));
    expect(m).toMatchObject({
      text: '已完成',
      mentionsBot: true,
      parentId: 'om_00000000000000000000000000000r01',
      rootId: 'om_00000000000000000000000000000r01',
      senderOpenId: U2,
    });
  });

  it('reads the plain text of a post message and sees the @bot element', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.post'), FAKE_BOT_OPEN_ID));
    expect(m.text).toBe('进度 12 30% 材料已报送');
    expect(m.mentionsBot).toBe(true);
  });

  it('accepts the unflattened envelope too', () => {
    const m = expectMessage(toInboundMessage(loadLarkFixture('im.message.receive_v1.group-mention'), FAKE_BOT_OPEN_ID));
    expect(m.messageId).toBe('om_00000000000000000000000000000m01');
  });

  it('does not count a mention of someone else as @bot when the bot id is known', () => {
    const env = loadLarkFixture('im.message.receive_v1.group-mention');
    const message = env.event.message as { mentions: unknown[]; content: string };
    message.mentions = message.mentions.slice(1);
    message.content = JSON.stringify({ text: '@_user_2 看一下' });
    const m = expectMessage(toInboundMessage(flattenEnvelope(env), FAKE_BOT_OPEN_ID));
    expect(m).toMatchObject({ mentionsBot: false, text: '看一下' });
    // Without the bot id, any group mention counts (Lark only delivers @bot group messages by default).
    expect(expectMessage(toInboundMessage(flattenEnvelope(env))).mentionsBot).toBe(true);
  });

  it('does not confuse @_user_1 with @_user_10', () => {
    const env = loadLarkFixture('im.message.receive_v1.group-mention');
    const message = env.event.message as { mentions: Array<{ key: string }>; content: string };
    message.mentions[1].key = '@_user_10';
    message.content = JSON.stringify({ text: '@_user_1 @_user_10 任务 5' });
    expect(expectMessage(toInboundMessage(flattenEnvelope(env), FAKE_BOT_OPEN_ID)).text).toBe('任务 5');
  });

  it('ignores messages from apps and from the bot itself', () => {
    const env = loadLarkFixture('im.message.receive_v1.p2p');
    (env.event.sender as { sender_type: string }).sender_type = 'app';
    expect(toInboundMessage(flattenEnvelope(env), FAKE_BOT_OPEN_ID)).toEqual({ ignored: 'sender is app, not a user' });

    const self = loadLarkFixture('im.message.receive_v1.p2p');
    (self.event.sender as { sender_id: { open_id: string } }).sender_id.open_id = FAKE_BOT_OPEN_ID;
    expect(toInboundMessage(flattenEnvelope(self), FAKE_BOT_OPEN_ID)).toEqual({ ignored: 'message from the bot itself' });
  });

  it('ignores message types that carry neither words nor evidence, with a reason', () => {
    const sticker = flat('im.message.receive_v1.image');
    Object.assign(sticker.message as object, { message_type: 'sticker', content: JSON.stringify({ file_key: 'file_v3_x' }) });
    expect(toInboundMessage(sticker, FAKE_BOT_OPEN_ID)).toEqual({ ignored: 'unsupported message type: sticker' });
    const noKey = flat('im.message.receive_v1.image');
    Object.assign(noKey.message as object, { content: '{}' });
    expect(toInboundMessage(noKey, FAKE_BOT_OPEN_ID)).toEqual({ ignored: 'image message without image_key' });
  });

  it('an image message: no text, no mention, the image as an attachment', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.image'), FAKE_BOT_OPEN_ID));
    expect(m).toMatchObject({ chatType: 'p2p', text: '', mentionsBot: false, attachments: [{ kind: 'image', key: 'img_v3_00000000-0000-0000-0000-000000000000' }] });
    expect(m.links).toBeUndefined();
  });

  it('a file sent in reply to a reminder: the file (with its name) and the replied-to message', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.file-reply'), FAKE_BOT_OPEN_ID));
    expect(m).toMatchObject({
      chatType: 'group',
      text: '',
      mentionsBot: false,
      parentId: 'om_00000000000000000000000000000r01',
      attachments: [{ kind: 'file', key: 'file_v3_00000000-0000-0000-0000-000000000f01', name: '法治政府建设报告.pdf' }],
    });
  });

  it('a post: its words are the report, its img/media elements attachments, its links kept', () => {
    const m = expectMessage(toInboundMessage(flat('im.message.receive_v1.post-attachments'), FAKE_BOT_OPEN_ID));
    expect(m.text).toBe('进度 68 已完成 报告已报区委，见公开页面');
    expect(m.mentionsBot).toBe(true);
    expect(m.attachments).toEqual([
      { kind: 'image', key: 'img_v3_00000000-0000-0000-0000-000000000i01' },
      { kind: 'file', key: 'file_v3_00000000-0000-0000-0000-000000000v01' },
    ]);
    expect(m.links).toEqual(['https://www.jinan.gov.cn/zfxxgk/2027/report.html']);
  });

  it('a text message has no attachments field', () => {
    expect(expectMessage(toInboundMessage(flat('im.message.receive_v1.group-mention'), FAKE_BOT_OPEN_ID)).attachments).toBeUndefined();
  });

  it('ignores malformed events with the failing field', () => {
    const env = flat('im.message.receive_v1.p2p');
    delete (env.message as { chat_id?: string }).chat_id;
    const r = toInboundMessage(env);
    expect('ignored' in r && r.ignored).toMatch(/message\.chat_id/);
    expect(toInboundMessage(null)).toHaveProperty('ignored');
  });
});

describe('toCardAction', () => {
  it('normalizes a card.action.trigger form submit', () => {
    expect(toCardAction(flat('card.action.trigger.form'))).toEqual({
      eventId: '00000000000000000000000000000e06',
      openId: U1,
      chatId: 'oc_00000000000000000000000000000c01',
      messageId: 'om_00000000000000000000000000000r01',
      value: { op: 'progress', task: '68', reminder: 'rem_0001' },
      formValue: { progress: '80', note: '已报送区委办' },
      token: 'c-0000000000000000000000000000000000000001',
      actionName: 'submit_68',
      actionTag: 'button',
    });
  });

  it('falls back to top-level ids of legacy card callbacks and parses a string value', () => {
    const legacy = {
      open_id: U2,
      user_id: 'u0000002',
      open_message_id: 'om_legacy',
      open_chat_id: 'oc_legacy',
      tenant_key: 't',
      token: 'c-legacy',
      action: { value: '{"op":"done","task":"7"}', tag: 'button' },
    };
    expect(toCardAction(legacy)).toMatchObject({ openId: U2, messageId: 'om_legacy', chatId: 'oc_legacy', value: { op: 'done', task: '7' }, formValue: {}, eventId: 'c-legacy' });
  });

  it('throws an AppError when ids are missing', () => {
    const raw = flat('card.action.trigger.form');
    delete raw.context;
    expect(() => toCardAction(raw)).toThrow(AppError);
    expect(() => toCardAction({})).toThrow(AppError);
  });
});

describe('toBotAdded', () => {
  it('normalizes im.chat.member.bot.added_v1', () => {
    expect(toBotAdded(flat('im.chat.member.bot.added_v1'))).toEqual({
      eventId: '00000000000000000000000000000e07',
      chatId: 'oc_00000000000000000000000000000c02',
      operatorOpenId: U1,
      name: '区司法局工作群',
    });
  });
});
