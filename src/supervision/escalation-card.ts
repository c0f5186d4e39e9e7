// The office's escalation card: items that turned red (first notice) or are still red a week on.
import type { Card } from '../chat/gateway.ts';
import { escapeMd, fitBlocks, makeCard, md, type Element } from '../chat/cards/common.ts';
import type { Escalation } from './escalations.ts';
import { ROLE_WORD } from './status-words.ts';

function block(e: Escalation): Element[] {
  const when = e.week === 0 ? '**新转红灯**' : `**持续逾期第 ${e.week + 1} 周**`;
  return [
    md(
      `**任务 ${e.taskNumber}** · ${escapeMd(e.unitName)}（${ROLE_WORD[e.role]}）· ${when}\n` +
        `${e.milestoneLabel ? `${escapeMd(e.milestoneLabel)} · ` : ''}截止 ${e.occurrence} · 逾期 ${e.daysOverdue} 天`,
    ),
  ];
}

export function escalationCard(items: Escalation[], office: string, day: string): Card {
  const fresh = items.filter((e) => e.week === 0).length;
  const title = `${office} · ${day} 红灯升级（${items.length} 项）`;
  const subtitle = fresh === items.length ? '新转为逾期的事项' : `新转红灯 ${fresh} 项，持续逾期 ${items.length - fresh} 项`;
  const { card } = fitBlocks(
    (els) => makeCard(title, 'carmine', els, subtitle),
    [],
    items.map(block),
    (shown) => (shown < items.length ? [md(`还有 ${items.length - shown} 项，发送「汇总」查看全部红灯事项`)] : null),
  );
  return card;
}
