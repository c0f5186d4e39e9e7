// The chat side of evidence: which messages reach the collector, for which task and unit, and the words
// of the answer. The collector here records the requests and answers as the real one would for small
// files (the download and storage are tested end to end in tests/integration/chat-evidence.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceOutcome, EvidenceRequest } from '../../../src/evidence/outcome.ts';
import { makeFixture, shown, type Fixture } from './fixture.ts';

let f: Fixture;
let requests: EvidenceRequest[];
beforeEach(async () => {
  f = await makeFixture();
  requests = [];
  f.ctx.evidence = async (req) => {
    requests.push(req);
    return req.attachments
      .map((a, i): EvidenceOutcome => ({
        kind: 'stored',
        record: { id: i + 1, taskNumber: req.taskNumber, unitName: req.unitName, kind: a.kind, name: a.name ?? 'x.png', size: 2048, contentType: null, sha256: 'ab', storagePath: 'ab.png', url: null, reporterId: req.reporterId, reporterName: null, chatId: req.chatId, messageId: req.messageId, fileKey: a.key, at: req.at },
      }))
      .concat(req.links.map((url, i) => ({ kind: 'stored', record: { id: 100 + i, taskNumber: req.taskNumber, unitName: req.unitName, kind: 'link', name: url, size: null, contentType: null, sha256: null, storagePath: null, url, reporterId: req.reporterId, reporterName: null, chatId: req.chatId, messageId: req.messageId, fileKey: null, at: req.at } })));
  };
});
afterEach(async () => {
  await f.close();
});

const quotedReminder = { taskNumber: 68, unitName: '区司法局', milestoneKey: 'annual:03-01', occurrence: '2026-03-01' };
const file = { kind: 'file' as const, key: 'file_v3_a', name: '报告.pdf' };

describe('evidence in chat', () => {
  it('a bare file replying to a reminder goes to the reminder\'s task and unit, without a mention', async () => {
    const r = shown(await f.say('', { mentionsBot: false, quotedReminder, parentId: 'om_card', attachments: [file] }));
    expect(r).toBe('📎 已保存佐证材料「报告.pdf」（2 KB），记入任务 68 · 区司法局（编号 1）。');
    expect(requests.map((q) => [q.taskNumber, q.unitName, q.attachments, q.links])).toEqual([[68, '区司法局', [file], []]]);
  });

  it('a bare file in a group that replies to nothing is not answered; in a direct chat it gets the how-to', async () => {
    expect(await f.say('', { mentionsBot: false, attachments: [file] })).toBeNull();
    expect(shown(await f.say('', { chatType: 'p2p', chatId: 'oc_p2p', mentionsBot: false, attachments: [file] }))).toContain('收到文件，但不知道它是哪项任务的佐证材料');
    expect(requests).toEqual([]);
  });

  it('a reply to a card with several items asks for a post naming the task', async () => {
    const quotedReminders = [quotedReminder, { ...quotedReminder, taskNumber: 5 }];
    expect(shown(await f.say('', { mentionsBot: false, quotedReminders, attachments: [file] }))).toContain('这条提醒包含任务 68、5，无法确定文件属于哪一项');
    expect(requests).toEqual([]);
  });

  it('进度 68 with a file and no words: evidence only, no report', async () => {
    expect(shown(await f.say('进度 68', { attachments: [file] }))).toBe('📎 已保存佐证材料「报告.pdf」（2 KB），记入任务 68 · 区司法局（编号 1）。');
    expect(await f.db.progress.count()).toBe(0);
  });

  it('progress words with a link: the report, then the link', async () => {
    const r = shown(await f.say('进度 68 60% 初稿见 https://x.cn/d/1'));
    expect(r.split('\n')).toEqual([expect.stringContaining('已记录：任务 68 · 区司法局 · 进行中 · 60%'), '🔗 已记录链接 https://x.cn/d/1，作为任务 68 · 区司法局 的佐证材料（编号 100）。']);
  });

  it('a chat that does not speak for the reminder\'s unit is refused, nothing collected', async () => {
    expect(shown(await f.say('', { chatId: 'oc_czj', mentionsBot: false, quotedReminder, attachments: [file] }))).toContain('你不能代表区司法局报进展');
    expect(requests).toEqual([]);
  });
});
