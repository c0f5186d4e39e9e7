// The supervising office's one card a day: its own items (it leads tasks too), then every overdue
// (task, unit) with the red-light escalations marked on them, then, on digest days, the week's digest.
// One message a morning instead of three: the office reads the day in one place.
import type { Card } from '../chat/gateway.ts';
import { escapeMd, fitBlocks, hr, makeCard, md, type Element, type Template } from '../chat/cards/common.ts';
import { reminderBlocks, urgencyTemplate, type ReminderItem } from '../chat/cards/reminder-card.ts';
import type { PlannedReminder } from '../schedule/types.ts';
import type { Digest } from './digest.ts';
import { boardButton, chartElements, digestItemBlock, silentBlock, totalsLine } from './digest-card.ts';
import type { Escalation } from './escalations.ts';
import type { ExtensionRecord } from '../schedule/extensions.ts';
import { ROLE_WORD, STATUS_EMOJI } from './status-words.ts';

const PROGRESS_WORD: Record<string, string> = { progress: '进行中', done: '已完成', blocked: '受阻' };

export interface OfficeDay {
  /** The office's canonical name. */
  office: string;
  day: string;
  /** Reminder items for the units this chat speaks for (the office's own tasks). */
  own: ReminderItem[];
  /** One 'office-overdue' item per late (task, unit, occurrence). */
  overdue: PlannedReminder[];
  /** Red items escalated today (turned red, or still red a week on). */
  escalations: Escalation[];
  /** Extension requests still undecided after the policy's working days, oldest first. */
  undecided?: (ExtensionRecord & { askedOn: string })[];
  /** Digest days only. */
  digest?: { week: string; digest: Digest };
  /** The board's page: a button at the top of the card opens it. */
  boardUrl?: string;
}

const matchKey = (task: number, unit: string, mk: string, occ: string) => `${task}|${unit}|${mk}|${occ}`;

function escalationWord(e: Escalation): string {
  return e.week === 0 ? '🔺**新转红灯**' : `🔺**持续逾期第 ${e.week + 1} 周**`;
}

function overdueBlock(r: PlannedReminder, esc: Escalation | undefined): Element[] {
  const p = r.lastProgress;
  const last = p
    ? `最近进展 ${p.day}：${PROGRESS_WORD[p.status] ?? p.status}${p.percent !== null ? ` ${p.percent}%` : ''}${p.text ? ` ${escapeMd(p.text.slice(0, 40))}` : ''}`
    : '未报送进展';
  return [
    md(
      `**任务 ${r.taskNumber}** · ${escapeMd(r.aboutUnit ?? r.unitName)}（${ROLE_WORD[r.role]}）${esc ? ` · ${escalationWord(esc)}` : ''}\n` +
        `${escapeMd(r.label)} · 截止 ${r.extendedTo ? `${r.extendedTo}（原定 ${r.occurrence}，已批准延期）` : r.occurrence} · **逾期 ${r.daysOverdue ?? 0} 天**\n${last}`,
    ),
  ];
}

function escalationBlock(e: Escalation): Element[] {
  return [
    md(
      `**任务 ${e.taskNumber}** · ${escapeMd(e.unitName)}（${ROLE_WORD[e.role]}）· ${escalationWord(e)}\n` +
        `${e.milestoneLabel ? `${escapeMd(e.milestoneLabel)} · ` : ''}截止 ${e.occurrence} · **逾期 ${e.daysOverdue} 天**`,
    ),
  ];
}

function undecidedLine(e: ExtensionRecord & { askedOn: string }): string {
  return `**延期申请 #${e.id}** · 任务 ${e.taskNumber} · ${escapeMd(e.unitName)} · ${e.fromDue} → ${e.newDue}\n原因：${escapeMd(e.reason.slice(0, 60))} · 申请于 ${e.askedOn}`;
}

/** Each list's heading rides on its first block, so a heading is never shown without an item. */
function withHeading(heading: string, blocks: Element[][]): Element[][] {
  return blocks.map((b, i) => (i === 0 ? [md(heading), ...b] : b));
}

export function isOfficeDayEmpty(d: OfficeDay): boolean {
  return d.own.length === 0 && d.overdue.length === 0 && d.escalations.length === 0 && !d.undecided?.length && !d.digest;
}

export function officeCard(d: OfficeDay): Card {
  const overdue = [...d.overdue].sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || a.taskNumber - b.taskNumber);
  const escByItem = new Map(d.escalations.map((e) => [matchKey(e.taskNumber, e.unitName, e.milestoneKey, e.occurrence), e]));
  const overdueBlocks = overdue.map((r) => {
    const k = matchKey(r.taskNumber, r.aboutUnit ?? r.unitName, r.milestoneKey, r.occurrence);
    const esc = escByItem.get(k);
    escByItem.delete(k);
    return overdueBlock(r, esc);
  });
  // Escalations the overdue list does not carry (their occurrence was not planned today) still show.
  const lateCount = overdue.length + escByItem.size;
  overdueBlocks.push(...[...escByItem.values()].map(escalationBlock));

  const own = reminderBlocks(d.own, d.day, { keep: true });
  const blocks: Element[][] = [
    ...withHeading(`📌 **本单位事项（${d.own.length}）** 请在期限前完成并报进展：`, own.blocks),
    ...withHeading(`${STATUS_EMOJI.red} **逾期事项（${lateCount}）**`, overdueBlocks).map((b, i) => (i === 0 && own.blocks.length ? [hr(), ...b] : b)),
  ];
  const undecided = d.undecided ?? [];
  if (undecided.length) {
    blocks.push(
      ...withHeading(
        `⏳ **待审批的延期申请（${undecided.length}）** 已超过规定的审批时限，请在申请卡片上批准或退回：`,
        undecided.map((e) => [md(undecidedLine(e))]),
      ).map((b, i) => (i === 0 && blocks.length ? [hr(), ...b] : b)),
    );
  }
  if (d.digest) {
    const g = d.digest.digest;
    blocks.push(
      [
        ...(blocks.length ? [hr()] : []),
        md(`📊 **本周汇总 ${d.digest.week}** · ${g.perUnit.length} 个单位\n${totalsLine(g.totals)}`),
        ...chartElements(g),
      ],
      ...withHeading(`${STATUS_EMOJI.yellow} **滞后事项（${g.yellow.length}）**`, g.yellow.map(digestItemBlock)),
      ...withHeading(`🔕 **未回复上次提醒的单位（${g.silent.length}）**`, g.silent.map(silentBlock)),
    );
  }

  const fresh = d.escalations.filter((e) => e.week === 0).length;
  const subtitle = [
    d.own.length ? `本单位 ${d.own.length} 项` : '',
    undecided.length ? `待审批延期 ${undecided.length} 项` : '',
    lateCount ? `逾期 ${lateCount} 项` : '',
    fresh ? `新转红灯 ${fresh} 项` : '',
    d.digest ? `周报 ${d.digest.week}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const template: Template = lateCount > 0 ? 'red' : d.own.length ? urgencyTemplate(d.own) : d.digest && d.digest.digest.totals.yellow > 0 ? 'orange' : 'blue';
  const title = `${d.office} · ${d.day} 督办日报${d.digest ? `（周报 ${d.digest.week}）` : ''}`;
  return fitBlocks(
    (els) => makeCard(title, template, els, subtitle || undefined),
    d.boardUrl ? [boardButton(d.boardUrl)] : [],
    blocks,
    (shown) =>
      shown < blocks.length ? [hr(), md(`还有 ${blocks.length - shown} 条未列出：发送「逾期」查看全部逾期事项，「汇总」查看周报，「导出」获取完整台账。`)] : null,
  ).card;
}
