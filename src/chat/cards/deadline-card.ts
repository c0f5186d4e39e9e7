// Overdue and this-week answers: one line per (task, milestone, occurrence) with the units still open.
import { DEFAULT_POLICY } from '../../schedule/policy.ts';
import { clip, copy } from '../copy.ts';
import type { Lang } from '../commands/types.ts';
import { escapeMd, fitBlocks, hr, makeCard, md } from './common.ts';

export interface DeadlineLine {
  taskNumber: number;
  taskText: string;
  describe: string;
  label: string;
  occurrence: string;
  daysLeft: number;
  /** Units that have not reported it done. */
  units: string[];
}

/** `days`: the "this week" window, the policy's blue window (the default policy's when not given). */
export function deadlineCard(lines: DeadlineLine[], opts: { kind: 'overdue' | 'week'; lang: Lang; days?: number; scope?: string[] }): Record<string, unknown> {
  const c = copy(opts.lang);
  const days = opts.days ?? DEFAULT_POLICY.blueWindowDays;
  const title = opts.kind === 'overdue' ? c.overdueTitle(lines.length) : c.weekTitle(lines.length, days);
  const subtitle = opts.scope?.length ? opts.scope.join(c.listSep) : undefined;
  if (lines.length === 0) return makeCard(title, 'green', [md(opts.kind === 'overdue' ? c.noneOverdue : c.noneThisWeek(days))], subtitle);
  const template = opts.kind === 'overdue' ? 'red' : 'yellow';
  const blocks = lines.map((l, i) => [
    ...(i ? [hr()] : []),
    md(
      [
        `**${c.taskTitle(l.taskNumber)}** · **${l.occurrence}**${c.paren(c.daysLeft(l.daysLeft))}· ${escapeMd(l.describe)}`,
        escapeMd(clip(l.label && l.label !== l.describe ? l.label : l.taskText, 60)),
        `${c.openUnits}${c.colon}${escapeMd(l.units.join(c.listSep))}`,
      ].join('\n'),
    ),
  ]);
  return fitBlocks((els) => makeCard(title, template, els, subtitle), [], blocks, (shown) =>
    shown < lines.length ? [hr(), md(c.more(lines.length - shown, null, lines[shown].taskNumber))] : null,
  ).card;
}
