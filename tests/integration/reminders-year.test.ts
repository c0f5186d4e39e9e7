// Issue 3, end to end: the real plan, the real SDK against the fake Lark, a clock stepped one day at
// a time (no real waiting). Task 68 ("每年3月1日前…报告, 4月1日前…公开") must reach its lead units'
// chats before each deadline on working days, each ladder step once; a unit reporting done stops
// its later steps and overdue notices.
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, daysBetween, fixedClock, instantAt } from '../../src/clock.ts';
import { outboxUuid } from '../../src/outbox/dispatch.ts';
import type { WorkCalendar } from '../../src/schedule/calendar.ts';
import { startFakeLark, type FakeLark, type SentMessage } from '../fakes/fake-lark.ts';
import {
  bindUnits,
  CHAT_QWB,
  CHAT_QZFB,
  cardActionEnvelope,
  contentText,
  findButtonValue,
  flattened,
  freshPlanDb,
  makeTempDir,
  messageEnvelope,
  repliesTo,
  startTestApp,
  TZ,
  USER_OPEN_ID,
  waitFor,
  type TestApp,
} from './helpers.ts';

const LADDER = ['D-30', 'D-7', 'W-3', 'W-1', 'D0'] as const;
const CHATS = { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB } as const;

let fake: FakeLark | undefined;
let t: TestApp | undefined;
let removeDir: (() => void) | undefined;

afterEach(async () => {
  await t?.app.close();
  await fake?.close();
  removeDir?.();
  t = fake = removeDir = undefined;
});

async function setup(start: string) {
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  const databaseUrl = await freshPlanDb(tmp.dir);
  await bindUnits(databaseUrl, { 区委办: CHAT_QWB, 区政府办: CHAT_QZFB });
  fake = await startFakeLark();
  const clock = fixedClock(instantAt(start, '09:30', TZ));
  t = await startTestApp({ fake, databaseUrl, clock });
  return { fake, app: t.app, clock };
}

/** Where the policy's ladder puts each step, worked out from the app's own calendar. */
function expectedSendDay(cal: WorkCalendar, occurrence: string, step: (typeof LADDER)[number]): string {
  const onOrBefore = (d: string) => {
    while (!cal.isWorkday(d)) d = addDays(d, -1);
    return d;
  };
  const workdaysBefore = (n: number) => {
    let d = occurrence;
    for (let i = 0; i < n; i++) {
      d = addDays(d, -1);
      while (!cal.isWorkday(d)) d = addDays(d, -1);
    }
    return d;
  };
  switch (step) {
    case 'D-30':
      return onOrBefore(addDays(occurrence, -30));
    case 'D-7':
      return onOrBefore(addDays(occurrence, -7));
    case 'W-3':
      return workdaysBefore(3);
    case 'W-1':
      return workdaysBefore(1);
    case 'D0':
      return onOrBefore(occurrence);
  }
}

/** The card's words for "N days left" (reminder-card daysLeft), i.e. how the step reads in the chat. */
const daysLeftWords = (d: number) => (d < 0 ? `逾期 ${-d} 天` : d === 0 ? '今天到期' : `还有 ${d} 天`);

type Delivery = { day: string; msg: SentMessage };

/** Steps the clock day by day at 09:30 Asia/Shanghai, one scheduler pass per day; who got what, when. */
async function runDays(
  env: { fake: FakeLark; app: TestApp['app']; clock: ReturnType<typeof fixedClock> },
  from: string,
  to: string,
  onDay?: (day: string) => Promise<void>,
): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const now = instantAt(day, '09:30', TZ);
    env.clock.set(now);
    const before = env.fake.sent.length;
    const { dispatched } = await env.app.schedulerPass(now);
    expect(dispatched.failed, `failed sends on ${day}`).toBe(0);
    for (const msg of env.fake.sent.slice(before)) out.push({ day, msg });
    await onDay?.(day);
  }
  return out;
}

/** Reminder steps of task 68 with the outbox row (→ Lark uuid) that carried them. */
async function task68Steps(app: TestApp['app']) {
  const task = await app.db.task.findUniqueOrThrow({ where: { number: 68 } });
  const rows = await app.db.reminder.findMany({ where: { taskId: task.id }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ ...r, uuid: r.outboxId ? outboxUuid(r.outboxId) : undefined }));
}

describe.sequential('reminders over a year (real plan, real SDK, fake Lark)', () => {
  it('sends task 68’s ladder before 1 March and 1 April to both lead units, on working days, each step once', async () => {
    const env = await setup('2026-11-30');
    const deliveries = await runDays(env, '2026-11-30', '2027-12-31');
    const { fake, app } = env;

    // Nothing twice: every Lark message is a distinct outbox row, and no resend was even needed.
    const uuids = fake.sent.map((m) => m.uuid);
    expect(uuids.every(Boolean)).toBe(true);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(fake.duplicates).toEqual([]);
    // Only the two bound chats hear anything, and only on working days.
    expect(new Set(fake.sent.map((m) => m.receive_id))).toEqual(new Set([CHAT_QWB, CHAT_QZFB]));
    for (const d of deliveries) expect(app.calendar.isWorkday(d.day), `sent on ${d.day}, a day off`).toBe(true);

    const steps = await task68Steps(app);
    const byUuid = new Map(deliveries.map((d) => [d.msg.uuid, d]));
    for (const occurrence of ['2027-03-01', '2027-04-01']) {
      const mk = `annual:${occurrence.slice(5)}`;
      for (const [unit, chat] of Object.entries(CHATS)) {
        const ladder = steps.filter((s) => s.chatId === chat && s.milestoneKey === mk && s.occurrence === occurrence && s.kind === 'reminder');
        // Each step exactly once, in ladder order.
        expect(ladder.map((s) => s.step), `${unit} ${occurrence}`).toEqual([...LADDER]);
        for (const s of ladder) {
          const day = expectedSendDay(app.calendar, occurrence, s.step as (typeof LADDER)[number]);
          expect(s.sendOn, `${unit} ${occurrence} ${s.step}`).toBe(day);
          expect(day <= occurrence).toBe(true);
          // What Lark received: one card to the unit's chat on that very day, naming task 68 and the step.
          const d = byUuid.get(s.uuid);
          expect(d, `no Lark message for ${unit} ${occurrence} ${s.step}`).toBeDefined();
          expect(d!.day).toBe(day);
          expect(d!.msg).toMatchObject({ kind: 'create', receive_id: chat, receive_id_type: 'chat_id', msg_type: 'interactive' });
          const words = contentText(d!.msg);
          expect(words).toContain(unit);
          expect(words).toContain('任务 68');
          expect(words).toContain(occurrence);
          expect(words).toContain(daysLeftWords(daysBetween(day, occurrence)));
          expect(fake.sent.filter((m) => m.uuid === s.uuid)).toHaveLength(1);
        }
      }
    }
    // Every queued step of task 68 (ladder, overdue notices, quarterly calls) went out once.
    const sentUuids = new Set(uuids);
    for (const s of steps) expect(sentUuids.has(s.uuid), `${s.key} not sent`).toBe(true);
  }, 90_000);

  it('a unit reporting done stops its later steps and overdue notices; the other lead unit is still reminded', async () => {
    const env = await setup('2027-02-15');
    const { fake, app } = env;
    let doneMessageId = '';
    let cardDone: { toast?: { type: string; content: string } } | undefined;
    await runDays(env, '2027-02-15', '2027-05-31', async (day) => {
      if (day === '2027-02-23') {
        // 区委办's group, the day after the D-7 card: "@督办 进度 68 已完成" through the inbound pipeline.
        const envelope = messageEnvelope('进度 68 已完成', { chatId: CHAT_QWB });
        doneMessageId = envelope.event.message.message_id;
        await app.inbound.onMessageEvent(flattened(envelope));
        await app.inbound.processPending();
        await waitFor(() => repliesTo(fake, doneMessageId).length === 1, 'the progress reply');
      }
      if (day === '2027-03-26') {
        // 区政府办 presses "done" on the 1 April item of yesterday's D-7 card.
        const card = fake.sent.find((m) => m.receive_id === CHAT_QZFB && contentText(m).includes('2027-04-01') && contentText(m).includes('还有 7 天'));
        expect(card).toBeDefined();
        const value = findButtonValue(card!.content, (v) => v.op === 'done' && v.task === 68 && v.occ === '2027-04-01');
        cardDone = (await app.inbound.onCardAction(
          flattened(cardActionEnvelope({ value, chatId: CHAT_QZFB, messageId: card!.messageId, operator: USER_OPEN_ID })),
        )) as typeof cardDone;
      }
    });

    expect(contentText(repliesTo(fake, doneMessageId)[0])).toContain('已记录：任务 68 · 区委办 · 已完成');
    expect(cardDone?.toast).toEqual({ type: 'success', content: '已记录任务 68 · 区政府办 的进展' });
    const progress = await app.db.progress.findMany({ include: { unit: true } });
    expect(progress.map((p) => [p.unit.name, p.status, p.milestoneKey, p.occurrence, p.via])).toEqual([
      ['区委办', 'done', 'annual:03-01', '2027-03-01', 'command'],
      ['区政府办', 'done', 'annual:04-01', '2027-04-01', 'card'],
    ]);

    const steps = await task68Steps(app);
    const of = (chat: string, occ: string) => steps.filter((s) => s.chatId === chat && s.occurrence === occ && s.milestoneKey.startsWith('annual')).map((s) => s.step);
    // 区委办 was reminded up to D-7 for 1 March (D-30, missed before the first pass on 15 February, went
    // out late on that pass), then nothing more for it: no W-3/W-1/D0, no overdue notice.
    expect(of(CHAT_QWB, '2027-03-01')).toEqual(['D-30', 'D-7']);
    // 区政府办 did not report for 1 March: full ladder and weekly overdue notices (capped at 8).
    expect(of(CHAT_QZFB, '2027-03-01')).toEqual([...LADDER, 'OD+1', 'OD+W1', 'OD+W2', 'OD+W3', 'OD+W4', 'OD+W5', 'OD+W6', 'OD+W7', 'OD+W8']);
    // 1 April: 区政府办 pressed done after D-7; 区委办 (whose done was for 1 March) keeps its ladder and overdue notices.
    expect(of(CHAT_QZFB, '2027-04-01')).toEqual(['D-30', 'D-7']);
    expect(of(CHAT_QWB, '2027-04-01').slice(0, 6)).toEqual(['D-30', 'D-7', 'W-3', 'W-1', 'D0', 'OD+1']);
    // And what Lark received matches the store: each queued step in exactly one message.
    expect(fake.duplicates).toEqual([]);
    expect(new Set(fake.sent.map((m) => m.uuid)).size).toBe(fake.sent.length);
    const sentUuids = new Set(fake.sent.map((m) => m.uuid));
    for (const s of steps) expect(sentUuids.has(s.uuid)).toBe(true);
  }, 60_000);
});

/** The callback value of the first button in a card whose value matches. */
