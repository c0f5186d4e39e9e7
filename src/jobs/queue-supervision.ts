// The office's side of a scheduler pass: one card a day in the office's chat (key office:<chat>:<day>)
// with its own items, the overdue list, the red-item escalations and, on digest days, the weekly
// digest. Escalations are recorded in the Reminder table like unit steps (exactly once per key); the
// digest is marked sent per chat and ISO week in the same transaction as the card.
import { dayOf, instantAt } from '../clock.ts';
import { createMetaRepo } from '../store/meta-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { WEEKDAYS } from '../schedule/policy.ts';
import type { PlannedReminder } from '../schedule/types.ts';
import { buildDigest } from '../supervision/digest.ts';
import { dueEscalations, type Escalation } from '../supervision/escalations.ts';
import { dayInIsoWeek, isoWeekOf } from '../supervision/iso-week.ts';
import { loadSupervisionData } from '../supervision/load-supervision.ts';
import { isOfficeDayEmpty, officeCard, type OfficeDay } from '../supervision/office-card.ts';
import { undecidedExtensions } from '../schedule/extensions.ts';
import { dailyCardKey, freshSteps, queueDailyCard, stepOf, toReminderItem, type QueueResult, type ReminderStep, type ScheduleDeps } from './queue-reminders.ts';

export interface SupervisionResult {
  /**
   * The office's card of the day. queued: enqueued now; sent-already: it had today's card; not-due:
   * before its time (on digest days, the digest's time); nothing: nothing to tell today; unbound: no office chat.
   */
  office: 'queued' | 'sent-already' | 'not-due' | 'nothing' | 'unbound';
  /** queued: this week's digest went into today's card; sent-already: an earlier card this week had it. */
  digest: 'queued' | 'sent-already' | 'not-due' | 'unbound';
  /** ISO week the digest is for ('2027-W05'). */
  week: string;
  /** Escalation items queued in this pass (in today's card). */
  escalations: number;
}

/**
 * When this week's digest is due: the policy's weekday and time, moved to the next working day of
 * the same week when that day is a holiday (a digest nobody reads on 1 October helps nobody).
 */
export function digestDueAt(deps: Pick<ScheduleDeps, 'policy' | 'calendar' | 'tz'>, today: string): { week: string; at: Date | null } {
  const week = isoWeekOf(today);
  const nominal = dayInIsoWeek(today, WEEKDAYS.indexOf(deps.policy.officeDigest.weekday));
  const day = deps.calendar.onOrAfterWorkday(nominal);
  // A week with no working day from the digest day on (Golden Week) has no digest.
  return { week, at: isoWeekOf(day) === week ? instantAt(day, deps.policy.officeDigest.time, deps.tz) : null };
}

export const digestSentKey = (chatId: string, week: string) => `digest-sent:${chatId}:${week}`;

const escalationStep = (e: Escalation, today: string): ReminderStep => ({
  key: e.key,
  kind: 'escalation',
  unitName: e.unitName,
  taskNumber: e.taskNumber,
  milestoneKey: e.milestoneKey,
  occurrence: e.occurrence,
  step: `week${e.week}`,
  sendOn: today,
});

/**
 * `planned` is what queueReminders left for the office's chat in the same pass (its own steps and
 * the overdue list); without it (a pass that only looks at the office) nothing of that is sent.
 */
export async function queueSupervision(deps: ScheduleDeps, now: Date, planned: QueueResult['office'] = null): Promise<SupervisionResult> {
  const today = dayOf(now, deps.tz);
  const office = await createUnitRepo(deps.db).get(deps.officeUnit);
  const { week, at } = digestDueAt(deps, today);
  if (!office?.chatId) {
    deps.logger.info('office chat not bound: no office card queued', { office: deps.officeUnit, hint: `units bind ${deps.officeUnit} oc_…` });
    return { office: 'unbound', digest: 'unbound', week, escalations: 0 };
  }
  const chatId = office.chatId;
  const meta = createMetaRepo(deps.db);
  const digestSent = (await meta.get(digestSentKey(chatId, week))) !== null;
  const result: SupervisionResult = { office: 'not-due', digest: digestSent ? 'sent-already' : 'not-due', week, escalations: 0 };

  // The card goes out with the unit reminders (working days, from the send time on); on the digest's
  // own day it waits for the digest's time so that the office gets one message, not two.
  const open = deps.calendar.isWorkday(today) && now.getTime() >= instantAt(today, deps.policy.sendTime, deps.tz).getTime();
  const digestToday = at !== null && dayOf(at, deps.tz) === today && !digestSent;
  if (!open || (digestToday && now.getTime() < at.getTime())) return result;
  if (await deps.db.outbox.findUnique({ where: { key: dailyCardKey('office', chatId, today) }, select: { id: true } })) {
    return { ...result, office: 'sent-already' };
  }

  const data = await loadSupervisionData(deps, now);
  // Late in the week (the pass was down on the day) the digest still goes out, with the next card.
  const withDigest = at !== null && !digestSent && now.getTime() >= at.getTime();
  const escalations = await freshSteps(deps.db, dueEscalations(data.statuses, data.tasks, { officeUnit: deps.officeUnit }));
  const items: PlannedReminder[] = planned?.chatId === chatId ? planned.items : [];
  const tasks = new Map(data.tasks.map((t) => [t.number, t]));
  const day: OfficeDay = {
    office: deps.officeUnit,
    day: today,
    own: items.filter((r) => r.kind !== 'office-overdue').map((r) => toReminderItem(r, tasks, today)),
    overdue: items.filter((r) => r.kind === 'office-overdue'),
    escalations,
    undecided: undecidedExtensions(data.extensions, today, deps.policy.extension.undecidedWorkdays, deps.calendar, (d) => dayOf(d, deps.tz)).map((e) => ({
      ...e,
      askedOn: dayOf(e.createdAt, deps.tz),
    })),
    ...(deps.boardUrl ? { boardUrl: `${deps.boardUrl}/board` } : {}),
    ...(withDigest
      ? {
          digest: {
            week,
            digest: buildDigest({ statuses: data.statuses, tasks: data.tasks, sent: data.sent, progress: data.progress, now, tz: deps.tz, officeUnit: deps.officeUnit }),
          },
        }
      : {}),
  };
  if (isOfficeDayEmpty(day)) return { ...result, office: 'nothing' };

  const queued = await queueDailyCard(
    deps,
    { kind: 'office', chatId, day: today, message: { msgType: 'interactive', card: officeCard(day) }, now },
    [...items.map(stepOf), ...escalations.map((e) => escalationStep(e, today))],
    withDigest ? (tx) => createMetaRepo(tx).set(digestSentKey(chatId, week), today) : undefined,
  );
  if (!queued) return { ...result, office: 'sent-already' };
  deps.logger.info('office card queued', {
    chat: chatId,
    own: day.own.length,
    overdue: day.overdue.length,
    escalations: escalations.length,
    undecided: day.undecided?.length ?? 0,
    ...(withDigest ? { digest: week, red: day.digest!.digest.red.length, yellow: day.digest!.digest.yellow.length } : {}),
  });
  return { office: 'queued', digest: withDigest ? 'queued' : result.digest, week, escalations: escalations.length };
}
