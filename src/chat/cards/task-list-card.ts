// "My tasks": a unit's tasks, nearest deadline first, paged; each line says lead or taking part,
// the next deadline, the status light and the latest progress.
import type { ProgressStatus, UnitRole } from '../../registry/types.ts';
import type { Light } from '../lights.ts';
import { clip, copy, type Copy } from '../copy.ts';
import type { Lang } from '../commands/types.ts';
import { escapeMd, fitBlocks, hr, makeCard, md, type Element, type Template } from './common.ts';

export interface LatestLine {
  status: ProgressStatus;
  percent: number | null;
  text: string;
  who: string;
  day: string;
}

export interface TaskLine {
  number: number;
  text: string;
  role: UnitRole;
  unitName: string;
  light: Light;
  /** The nearest open deadline; none for continuous work or when every current deadline is met. */
  next?: { occurrence: string; daysLeft: number; label: string; describe: string };
  latest?: LatestLine;
}

export const PAGE_SIZE = 15;

export function lightTemplate(lights: Light[]): Template {
  if (lights.includes('overdue')) return 'red';
  if (lights.includes('blocked') || lights.includes('behind')) return 'orange';
  if (lights.includes('due-soon')) return 'yellow';
  return 'blue';
}

export function latestText(c: Copy, l: LatestLine | undefined): string {
  return l ? c.lastProgress({ ...l, text: escapeMd(l.text), who: escapeMd(l.who) }) : c.noProgress;
}

function lineBlock(c: Copy, l: TaskLine, showUnit: boolean): Element[] {
  const next = l.next
    ? `${c.nextLabel}${c.colon}**${l.next.occurrence}**${c.paren(c.daysLeft(l.next.daysLeft))}· ${escapeMd(l.next.describe)}`
    : `${c.nextLabel}${c.colon}${l.light === 'done' ? c.allMet : c.noDate}`;
  return [
    md(
      [
        `**${c.taskTitle(l.number)}** · ${c.light[l.light]} · ${c.youRole[l.role]}${showUnit ? `${c.paren(escapeMd(l.unitName))}` : ''}`,
        escapeMd(clip(l.text, 60)),
        next,
        `${c.latestLabel}${c.colon}${latestText(c, l.latest)}`,
      ].join('\n'),
    ),
  ];
}

/** Page `page` (1-based) of the lines; the caller sorted them. */
export function taskListCard(lines: TaskLine[], opts: { units: string[]; lang: Lang; page?: number }): { card: Record<string, unknown>; pages: number } {
  const c = copy(opts.lang);
  const pages = Math.max(1, Math.ceil(lines.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page ?? 1), pages);
  const slice = lines.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const showUnit = new Set(lines.map((l) => l.unitName)).size > 1;
  const title = c.myTasksTitle(opts.units, lines.length);
  const subtitle = pages > 1 ? c.pageOf(page, pages) : undefined;
  const template = lightTemplate(lines.map((l) => l.light));
  if (lines.length === 0) return { card: makeCard(title, 'grey', [md(c.noTasks(opts.units.map(escapeMd)))]), pages };
  const blocks = slice.map((l, i) => (i === 0 ? lineBlock(c, l, showUnit) : [hr(), ...lineBlock(c, l, showUnit)]));
  const { card } = fitBlocks(
    (els) => makeCard(title, template, els, subtitle),
    [],
    blocks,
    (shown) => {
      const rest = lines.length - ((page - 1) * PAGE_SIZE + shown);
      if (rest <= 0) return null;
      const nextPage = shown === slice.length && page < pages ? c.pageCmd(page + 1) : null;
      const sample = lines[(page - 1) * PAGE_SIZE + shown]?.number ?? lines[0].number;
      return [hr(), md(c.more(rest, nextPage, sample))];
    },
  );
  return { card, pages };
}
