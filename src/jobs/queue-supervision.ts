// The office's side of a scheduler pass: the weekly digest (one per ISO week, outbox key
// digest:<chat>:<week>) and red-item escalations (exactly once per key, through the Reminder table
// like unit reminders, one card per pass).
import { dayOf, instantAt } from '../clock.ts';
import { createOutboxRepo } from '../store/outbox-repo.ts';
import { createUnitRepo } from '../store/unit-repo.ts';
import { WEEKDAYS } from '../schedule/policy.ts';
import { buildDigest } from '../supervision/digest.ts';
import { digestCard } from '../supervision/digest-card.ts';
import { dueEscalations, type Escalation } from '../supervision/escalations.ts';
import { escalationCard } from '../supervision/escalation-card.ts';
import { dayInIsoWeek, isoWeekOf } from '../supervision/iso-week.ts';
import { loadSupervisionData } from '../supervision/load-supervision.ts';
import type { ScheduleDeps } from './queue-reminders.ts';

export interface SupervisionResult {
  /** queued: enqueued now; sent-already: this week's digest exists; not-due: before its day and time; unbound: no office chat. */
  digest: 'queued' | 'sent-already' | 'not-due' | 'unbound';
  /** ISO week the digest is for ('2027-W05'). */
  week: string;
  /** Escalation items queued in this pass (0 or more, in at most one card). */
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

export async function queueSupervision(deps: ScheduleDeps, now: Date): Promise<SupervisionResult> {
  const today = dayOf(now, deps.tz);
  const office = await createUnitRepo(deps.db).get(deps.officeUnit);
  const { week, at } = digestDueAt(deps, today);
  if (!office?.chatId) {
    deps.logger.info('office chat not bound: no digest or escalation queued', { office: deps.officeUnit, hint: `units bind ${deps.officeUnit} oc_…` });
    return { digest: 'unbound', week, escalations: 0 };
  }
  const chatId = office.chatId;
  const data = await loadSupervisionData(deps, now);
  const outbox = createOutboxRepo(deps.db);

  let digest: SupervisionResult['digest'] = 'not-due';
  // Late in the week (the pass was down on the day) it still goes out, but only on a working day.
  if (at && now.getTime() >= at.getTime() && deps.calendar.isWorkday(today)) {
    const d = buildDigest({ statuses: data.statuses, tasks: data.tasks, sent: data.sent, progress: data.progress, now, tz: deps.tz, officeUnit: deps.officeUnit });
    const { created } = await outbox.enqueue({
      key: `digest:${chatId}:${week}`,
      kind: 'digest',
      chatId,
      message: { msgType: 'interactive', card: digestCard(d, { title: `${deps.officeUnit} · 督办周报 ${week}`, boardUrl: deps.boardUrl && `${deps.boardUrl}/board` }) },
      notBefore: now,
    });
    digest = created ? 'queued' : 'sent-already';
    if (created) deps.logger.info('digest queued', { week, red: d.red.length, yellow: d.yellow.length, silent: d.silent.length });
  }

  // Escalations go out with the unit reminders: working days, from the send time on.
  const open = deps.calendar.isWorkday(today) && now.getTime() >= instantAt(today, deps.policy.sendTime, deps.tz).getTime();
  const escalations = open ? await queueEscalations(deps, dueEscalations(data.statuses, data.tasks, { officeUnit: deps.officeUnit }), chatId, now, today) : 0;
  return { digest, week, escalations };
}

async function queueEscalations(deps: ScheduleDeps, due: Escalation[], chatId: string, now: Date, today: string): Promise<number> {
  if (due.length === 0) return 0;
  const known = new Set(
    (await deps.db.reminder.findMany({ where: { key: { in: due.map((e) => e.key) } }, select: { key: true } })).map((r) => r.key),
  );
  const fresh = due.filter((e) => !known.has(e.key));
  if (fresh.length === 0) return 0;
  try {
    await deps.db.$transaction(async (tx) => {
      const ids: number[] = [];
      for (const e of fresh) {
        const row = await tx.reminder.create({
          data: {
            key: e.key,
            kind: 'escalation',
            unitId: (await tx.unit.findUniqueOrThrow({ where: { name: e.unitName } })).id,
            taskId: (await tx.task.findUniqueOrThrow({ where: { number: e.taskNumber } })).id,
            milestoneKey: e.milestoneKey,
            occurrence: e.occurrence,
            step: `week${e.week}`,
            sendOn: today,
            chatId,
            status: 'queued',
          },
        });
        ids.push(row.id);
      }
      const { id: outboxId } = await createOutboxRepo(tx).enqueue({
        key: `escalation:${chatId}:${today}:${Math.min(...ids)}`,
        kind: 'escalation',
        chatId,
        message: { msgType: 'interactive', card: escalationCard(fresh, deps.officeUnit, today) },
        notBefore: now,
      });
      await tx.reminder.updateMany({ where: { id: { in: ids } }, data: { outboxId } });
    });
  } catch (e) {
    // Another process queued some of these first (unique key): the next pass picks up the rest.
    if ((e as { code?: string }).code !== 'P2002') throw e;
    deps.logger.warn('escalations queued concurrently; retrying next pass', { chat: chatId });
    return 0;
  }
  deps.logger.info('escalations queued', { count: fresh.length });
  return fresh.length;
}
