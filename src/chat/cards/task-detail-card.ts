// One task: its words, units, milestones with their next dates, and every unit's latest progress.
import type { Light } from '../lights.ts';
import { copy } from '../copy.ts';
import type { Lang } from '../commands/types.ts';
import type { TaskRecord } from '../../registry/types.ts';
import { escapeMd, fitBlocks, hr, makeCard, md, type Element } from './common.ts';
import { latestText, lightTemplate, type LatestLine } from './task-list-card.ts';

/** A task as its card shows it: the registry's fields, with units split by role and lights computed. */
export interface TaskDetail extends Pick<TaskRecord, 'number' | 'chapter' | 'section' | 'text' | 'schedule' | 'retired'> {
  lead: string[];
  other: string[];
  milestones: { describe: string; label: string; next?: { occurrence: string; daysLeft: number } }[];
  /** Every unit on the task (and members who reported), with its light and latest report. */
  units: {
    name: string;
    light: Light;
    next?: { occurrence: string; daysLeft: number; extendedTo?: string };
    latest?: LatestLine;
    /** The unit's extension requests on this task, in order. */
    extensions?: { id: number; fromDue: string; newDue: string; status: 'pending' | 'approved' | 'refused' }[];
    evidence?: EvidenceLine[];
  }[];
}

/** One piece of a unit's evidence as the card lists it. */
export interface EvidenceLine {
  id: number;
  name: string;
  /** "1.2 MB"; null for links. */
  size: string | null;
  who: string;
  /** 'YYYY-MM-DD HH:mm' in the zone. */
  when: string;
}

/** Evidence shown per unit in the card; the rest is counted (the CLI lists all). */
const EVIDENCE_SHOWN = 3;

function evidenceText(c: ReturnType<typeof copy>, ev: EvidenceLine[] | undefined): string {
  if (!ev?.length) return '';
  const shown = ev.slice(-EVIDENCE_SHOWN).map((e) => `• ${escapeMd(c.evidenceLine(e))}`);
  return `\n📎 **${c.evidenceLabel}**${c.paren(String(ev.length))}\n${shown.join('\n')}${ev.length > EVIDENCE_SHOWN ? `\n${c.evidenceMore(ev.length - EVIDENCE_SHOWN)}` : ''}`;
}

export function taskDetailCard(t: TaskDetail, lang: Lang): Record<string, unknown> {
  const c = copy(lang);
  const title = `${c.taskTitle(t.number)}${t.retired ? c.retiredNote : ''}`;
  const subtitle = [t.chapter, t.section].filter(Boolean).join(' · ').slice(0, 60) || undefined;
  const head: Element[] = [
    md(escapeMd(t.text)),
    md(`**${c.unitsLabel}**${c.colon}${c.role.lead}${c.colon}${escapeMd(t.lead.join(c.listSep)) || '—'}; ${c.role.other}${c.colon}${escapeMd(t.other.join(c.listSep)) || '—'}`),
  ];
  if (t.schedule) head.push(md(`**${c.scheduleLabel}**${c.colon}${escapeMd(t.schedule)}`));
  if (t.milestones.length)
    head.push(
      md(
        [
          `**${c.milestonesLabel}**`,
          ...t.milestones.map(
            (m) =>
              `• ${escapeMd(m.describe)}${m.label && m.label !== m.describe ? `${c.colon}${escapeMd(m.label)}` : ''}${m.next ? c.paren(`${c.nextLabel} ${m.next.occurrence}, ${c.daysLeft(m.next.daysLeft)}`) : ''}`,
          ),
        ].join('\n'),
      ),
    );
  head.push(hr(), md(`**${c.progressLabel}**`));
  const due = (n: NonNullable<TaskDetail['units'][number]['next']>) =>
    n.extendedTo ? `${n.extendedTo}${c.paren(`${c.dueMoved(n.occurrence, n.extendedTo)}${c.clauseSep}${c.daysLeft(n.daysLeft)}`)}` : `${n.occurrence}${c.paren(c.daysLeft(n.daysLeft))}`;
  const requests = (u: TaskDetail['units'][number]) =>
    (u.extensions ?? []).map((e) => `\n${c.extensionLine(e.id, e.fromDue, e.newDue, c.extensionStatus[e.status])}`).join('');
  const blocks = t.units.map((u) => [md(`${c.light[u.light]} **${escapeMd(u.name)}**${u.next ? ` · ${due(u.next)}` : ''}\n${latestText(c, u.latest)}${requests(u)}${evidenceText(c, u.evidence)}`)]);
  const template = t.retired ? 'grey' : lightTemplate(t.units.map((u) => u.light));
  return fitBlocks((els) => makeCard(title, template, els, subtitle), head, blocks, (shown) =>
    shown < t.units.length ? [md(c.moreUnits(t.units.length - shown))] : null,
  ).card;
}
