// The supervising office's daily card: every overdue (task, unit) with days overdue and last progress.
import type { Card } from '../chat/gateway.ts';
import { escapeMd, fitBlocks, makeCard, md, type Element } from '../chat/cards/common.ts';
import type { PlannedReminder } from '../schedule/types.ts';

const STATUS_WORD: Record<string, string> = { progress: '进行中', done: '已完成', blocked: '受阻' };

export function officeOverdueCard(items: PlannedReminder[], office: string, day: string): Card {
  const sorted = [...items].sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || a.taskNumber - b.taskNumber);
  const blocks: Element[][] = sorted.map((r) => {
    const p = r.lastProgress;
    const last = p
      ? `最近进展 ${p.day}：${STATUS_WORD[p.status] ?? p.status}${p.percent !== null ? ` ${p.percent}%` : ''}${p.text ? ` ${escapeMd(p.text.slice(0, 40))}` : ''}`
      : '未报送进展';
    return [
      md(
        `**任务 ${r.taskNumber}** · ${escapeMd(r.aboutUnit ?? r.unitName)}（${r.role === 'lead' ? '牵头' : '配合'}）\n` +
          `${escapeMd(r.label)} · 截止 ${r.occurrence} · **逾期 ${r.daysOverdue ?? 0} 天**\n${last}`,
      ),
    ];
  });
  const { card } = fitBlocks(
    (els) => makeCard(`${office} · ${day} 逾期事项（${sorted.length} 项）`, 'red', els, '逾期单位与最近进展'),
    [],
    blocks,
    (shown) => (shown < sorted.length ? [md(`还有 ${sorted.length - shown} 项，发送「逾期」查看全部`)] : null),
  );
  return card;
}
