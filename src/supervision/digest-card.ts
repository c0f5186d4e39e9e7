// The digest as a card (JSON 2.0): totals, a stacked bar per unit (the chart element, VChart spec),
// then the red and yellow items by name and the silent units. Whole items only, within budget.
import type { Card } from '../chat/gateway.ts';
import { cardBytes, escapeMd, fitBlocks, makeCard, md, type Element, type Template } from '../chat/cards/common.ts';
import { STATUS_ORDER, type StatusLight } from '../schedule/status.ts';
import type { Digest, DigestItem, SilentUnit, UnitCounts } from './digest.ts';
import { ROLE_WORD, STATUS_COLOR, STATUS_EMOJI, STATUS_WORD } from './status-words.ts';

// A bar per unit stays legible up to about this many units in a card; the rest are the best-off
// units (the order is worst first), and the footer says how many were left out.
export const CHART_MAX_UNITS = 30;
// The chart's data is most of the card's bytes; past this the lists would be squeezed out.
const CHART_BYTE_BUDGET = 12_000;
// Lark's chart height is 1..999 px; ~22 px per bar plus room for the legend reads well on a phone.
const chartHeight = (bars: number) => Math.min(999, Math.max(160, 70 + 22 * bars));

const PROGRESS_WORD: Record<string, string> = { progress: '进行中', done: '已完成', blocked: '受阻' };

export interface DigestCardOptions {
  /** Header title, e.g. "依法治办 · 督办周报 2027-W05" or "汇总 · 区司法局". */
  title: string;
}

function headerTemplate(d: Digest): Template {
  if (d.totals.red > 0) return 'red';
  if (d.totals.yellow > 0) return 'orange';
  if (d.totals.blue > 0) return 'blue';
  return 'green';
}

export function totalsLine(counts: Record<StatusLight, number>): string {
  return [...STATUS_ORDER]
    .reverse()
    .map((l) => `${STATUS_EMOJI[l]} ${STATUS_WORD[l]} **${counts[l]}**`)
    .join(' · ');
}

/** The VChart stacked horizontal bar: one bar per unit, one segment per light. */
export function unitChart(units: UnitCounts[]): Element {
  const values = units.flatMap((u) =>
    [...STATUS_ORDER].reverse().filter((l) => u.counts[l] > 0).map((l) => ({ unit: u.unitName, status: STATUS_WORD[l], n: u.counts[l] })),
  );
  const order = [...STATUS_ORDER].reverse();
  return {
    tag: 'chart',
    element_id: 'digest_chart',
    height: `${chartHeight(units.length)}px`,
    chart_spec: {
      type: 'bar',
      direction: 'horizontal',
      title: { text: '各单位事项状态' },
      data: { values },
      xField: 'n',
      yField: 'unit',
      seriesField: 'status',
      stack: true,
      // Fixed colours per light (the same hues as the emoji), not the theme's palette order.
      color: { type: 'ordinal', domain: order.map((l) => STATUS_WORD[l]), range: order.map((l) => STATUS_COLOR[l]) },
      legends: { visible: true, orient: 'bottom' },
    },
  };
}

function lastLine(i: DigestItem): string {
  const p = i.lastProgress;
  if (!p) return '未报送进展';
  return `最近进展 ${p.day}：${PROGRESS_WORD[p.status] ?? p.status}${p.percent !== null ? ` ${p.percent}%` : ''}${p.text ? ` ${escapeMd(p.text.slice(0, 40))}` : ''}`;
}

export function digestItemBlock(i: DigestItem): Element[] {
  const head = `**任务 ${i.taskNumber}** · ${escapeMd(i.unitName)}（${ROLE_WORD[i.role]}）`;
  const what = i.milestoneLabel ? `${escapeMd(i.milestoneLabel)} · ` : '';
  const state =
    i.status === 'red'
      ? `截止 ${i.occurrence} · **逾期 ${i.daysOverdue ?? 0} 天**`
      : i.reason === 'blocked'
        ? '**报告受阻**'
        : `本季度（至 ${i.occurrence}）**未报送进展**`;
  return [md(`${head}\n${what}${state}\n${lastLine(i)}`)];
}

export function silentBlock(s: SilentUnit): Element[] {
  const tasks = s.taskNumbers.length > 0 ? `（任务 ${s.taskNumbers.join('、')}）` : '';
  return [md(`${escapeMd(s.unitName)}：${s.lastReminderDay} 提醒${tasks}后 **${s.daysSilent} 天**未回复`)];
}

/** The blocks of the three lists, each list's heading riding on its first block. */
function listBlocks(d: Digest): Element[][] {
  const section = <T>(emoji: string, name: string, items: T[], block: (x: T) => Element[]): Element[][] =>
    items.map((x, i) => (i === 0 ? [md(`${emoji} **${name}（${items.length}）**`), ...block(x)] : block(x)));
  return [
    ...section(STATUS_EMOJI.red, '逾期事项', d.red, digestItemBlock),
    ...section(STATUS_EMOJI.yellow, '滞后事项', d.yellow, digestItemBlock),
    ...section('🔕', '未回复上次提醒的单位', d.silent, silentBlock),
  ];
}

/** The per-unit chart within its byte budget, and a line saying which units it leaves out. */
export function chartElements(d: Digest): Element[] {
  const out: Element[] = [];
  let charted = Math.min(d.perUnit.length, CHART_MAX_UNITS);
  while (charted > 1 && cardBytes({ e: unitChart(d.perUnit.slice(0, charted)) }) > CHART_BYTE_BUDGET) charted--;
  if (charted > 0) out.push(unitChart(d.perUnit.slice(0, charted)));
  if (charted < d.perUnit.length) out.push(md(`图中为情况最差的 ${charted} 个单位，其余 ${d.perUnit.length - charted} 个单位见导出台账。`));
  return out;
}

export function digestCard(d: Digest, opts: DigestCardOptions): Card {
  const pairs = d.perUnit.reduce((n, u) => n + u.total, 0);
  const head: Element[] = [md(`${d.day} · ${d.perUnit.length} 个单位 · ${pairs} 项（任务×单位）\n${totalsLine(d.totals)}`)];

  head.push(...chartElements(d));

  const blocks = listBlocks(d);
  const listed = d.red.length + d.yellow.length + d.silent.length;
  if (listed === 0) blocks.push([md('没有逾期、滞后事项，也没有未回复提醒的单位。')]);
  const { card } = fitBlocks(
    (els) => makeCard(opts.title, headerTemplate(d), els, `截至 ${d.day}`),
    head,
    blocks,
    (shown) => (shown < blocks.length ? [md(`还有 ${blocks.length - shown} 条未列出，发送「导出」获取完整台账。`)] : null),
  );
  return card;
}
