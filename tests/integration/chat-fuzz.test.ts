// Issue 4: 10,000 seeded random messages (CJK, ASCII, digits, emoji, percent signs, full-width
// forms, command prefixes with garbage) through the inbound pipeline, storing and deduping as in
// production, but without HTTP: no crash, every message addressed to the bot answered exactly once,
// group chatter without @bot never answered, redeliveries never answered twice.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { fixedClock, instantAt } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { createInboundPipeline } from '../../src/jobs/handle-inbound.ts';
import { FAKE_BOT_OPEN_ID, seededRandom } from '../fakes/fake-lark.ts';
import { createMemoryGateway } from '../fakes/memory-gateway.ts';
import { ADMIN_OPEN_ID, bindUnits, CHAT_QWB, flattened, freshPlanDb, makeTempDir, messageEnvelope, testEnv, testLogger, TZ, USER_OPEN_ID } from './helpers.ts';

const COUNT = 10_000;
const SEED = 68_2027;

// Command words people type, followed by garbage. Most garbage makes them no command (a hint);
// those that still parse as a command (progress on a task, a task number) load the whole plan, so
// they are a small share here to keep 10,000 messages fast (each command is tested on its own).
const PREFIXES = [
  '帮助', '我的任务', '任务', '进度', '进展', '汇报', '逾期', '本周', '绑定', '登记', 'help', 'task', 'progress', 'my tasks', 'overdue',
  'this week', 'bind', 'register', '？', '?', '#68', '第68项', '进度68', '任务六十八', '进度 第', 'progress #',
];
const HEAVY_PREFIXES = ['任务 68', '进度 68', '进度 68 60%', '进度 68 已完成', '进度 68 受阻', '进展 12', 'task 68', 'progress 68 done', '我的任务', '逾期', '本周'];
const EMOJI = ['😀', '🎉', '👍🏽', '🇨🇳', '❤️', '🧑‍💻', '🔥', '✅'];
const FULL_WIDTH = ['％', '０', '６', '８', 'Ａ', 'ｚ', '　', '：', '，', '（', '）', '！', '？', '＃'];
const ODD = ['%', '%%', '100%', '-5%', '150%', '60.5%', '\n', '\t', '  ', '@_user_1', '@_all', '<at id=all></at>', '`', '"', '\\', '{}', '\u200b', '\u00a0'];

function makeFuzz(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: readonly T[]) => xs[int(xs.length)];
  const piece = (): string => {
    switch (int(7)) {
      case 0:
        return String.fromCharCode(0x4e00 + int(0x9fa5 - 0x4e00)); // CJK
      case 1:
        return String.fromCharCode(0x20 + int(0x5f)); // printable ASCII
      case 2:
        return String(int(1000));
      case 3:
        return pick(EMOJI);
      case 4:
        return pick(FULL_WIDTH);
      case 5:
        return pick(ODD);
      default:
        return ' ';
    }
  };
  return (): string => {
    const len = random() < 0.02 ? 200 + int(1800) : int(24);
    const r = random();
    let s = r < 0.005 ? pick(HEAVY_PREFIXES) + ' ' : r < 0.5 ? pick(PREFIXES) + (random() < 0.5 ? ' ' : '') : '';
    for (let i = 0; i < len; i++) s += piece();
    return s;
  };
}

let app: App | undefined;
let removeDir: (() => void) | undefined;

afterEach(async () => {
  await app?.close();
  removeDir?.();
  app = removeDir = undefined;
});

describe('10,000 random messages through the inbound pipeline', () => {
  it('never crashes; every addressed message is answered once; chatter without @bot is not', async () => {
    const tmp = makeTempDir();
    removeDir = tmp.remove;
    const databaseUrl = await freshPlanDb(tmp.dir);
    await bindUnits(databaseUrl, { 区委办: CHAT_QWB });
    const config = loadConfig(testEnv({ DATABASE_URL: databaseUrl, LARK_DOMAIN: 'http://127.0.0.1:9' }));
    const clock = fixedClock(instantAt('2027-02-22', '10:00', TZ));
    app = await createApp({ config, clock, logger: testLogger, gateway: createMemoryGateway(), botOpenId: () => FAKE_BOT_OPEN_ID });
    // app.inbound without its onQueued hook: replies stay in the outbox to be counted, and the
    // dispatcher's per-row work (claim, send, record) does not double the run time.
    const inbound = createInboundPipeline({
      db: app.db,
      clock,
      logger: testLogger,
      tz: config.tz,
      admins: config.admins,
      officeUnit: config.officeUnit,
      botOpenId: () => FAKE_BOT_OPEN_ID,
      policy: app.policy,
      calendar: app.calendar,
    });

    const random = seededRandom(SEED);
    const fuzz = makeFuzz(random);
    const chats = [CHAT_QWB, 'oc_e2e0000000000000000000000fuzz1'];
    const expectAnswered = new Set<string>();
    const expectSilent = new Set<string>();
    let redeliveries = 0;
    let previous: ReturnType<typeof messageEnvelope> | undefined;

    for (let i = 0; i < COUNT; i++) {
      const text = fuzz();
      const r = random();
      const kind = r < 0.6 ? 'group-at' : r < 0.8 ? 'group-plain' : 'p2p';
      const envelope = messageEnvelope(text, {
        chatType: kind === 'p2p' ? 'p2p' : 'group',
        chatId: kind === 'p2p' ? `oc_e2e_p2p_${i % 7}` : chats[i % chats.length],
        mentionBot: kind === 'group-at',
        sender: random() < 0.05 ? ADMIN_OPEN_ID : USER_OPEN_ID,
      });
      (kind === 'group-plain' ? expectSilent : expectAnswered).add(envelope.header.event_id);
      await inbound.onMessageEvent(flattened(envelope));
      // Now and then Lark delivers the previous message again (same event, or a new event_id).
      if (previous && random() < 0.03) {
        redeliveries++;
        const again = random() < 0.5 ? previous : { ...previous, header: { ...previous.header, event_id: `${previous.header.event_id}-re` } };
        await inbound.onMessageEvent(flattened(again));
      }
      previous = envelope;
    }
    await inbound.processPending();

    const events = await app.db.inboundEvent.groupBy({ by: ['status'], _count: { _all: true } });
    const byStatus = Object.fromEntries(events.map((e) => [e.status, e._count._all]));
    // Every stored message was handled; none failed or is left waiting.
    expect(byStatus).toEqual({ done: expectAnswered.size + expectSilent.size });
    expect(redeliveries).toBeGreaterThan(100);

    const replies = await app.db.outbox.findMany({ where: { kind: 'reply' }, select: { key: true } });
    expect(replies).toHaveLength(expectAnswered.size);
    const answered = new Set(replies.map((r) => r.key.replace(/^reply:/, '')));
    expect(answered).toEqual(expectAnswered);
    for (const id of expectSilent) expect(answered.has(id)).toBe(false);
  }, 120_000);
});
