// Occurrences: the concrete due days of a milestone around a given day, and calendar quarters.
import type { MilestoneRecord } from '../registry/types.ts';
import { plusDays } from './day-math.ts';

export interface Occurrence {
  milestone: MilestoneRecord;
  due: string;
  periodLabel?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** month/day in a year; 02-29 falls on 02-28 in common years. */
export function annualDue(year: number, month: number, day: number): string {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(day, last))}`;
}

// "每年3月1日前完成上一年度…报告": the report due in year Y is about year Y-1.
const ABOUT_PREVIOUS_YEAR = /上一?年度?|前一年/;

export function periodLabelOf(m: MilestoneRecord & { kind: 'annual' }, dueYear: number): string {
  const aboutPrevious = ABOUT_PREVIOUS_YEAR.test(`${m.source} ${m.label}`);
  return `${aboutPrevious ? dueYear - 1 : dueYear}年度`;
}

function annualOccurrence(m: MilestoneRecord & { kind: 'annual' }, year: number): Occurrence {
  return { milestone: m, due: annualDue(year, m.month, m.day), periodLabel: periodLabelOf(m, year) };
}

/** The latest occurrence due strictly before `day` (annual: the previous cycle), if any. */
export function previousOccurrence(m: MilestoneRecord, day: string): Occurrence | undefined {
  if (m.kind === 'once') return m.due < day ? { milestone: m, due: m.due } : undefined;
  if (m.kind !== 'annual') return undefined;
  const y = Number(day.slice(0, 4));
  const same = annualOccurrence(m, y);
  return same.due < day ? same : annualOccurrence(m, y - 1);
}

/** The earliest occurrence due on or after `day` (annual: the current cycle), if any. */
export function nextOccurrence(m: MilestoneRecord, day: string): Occurrence | undefined {
  if (m.kind === 'once') return m.due >= day ? { milestone: m, due: m.due } : undefined;
  if (m.kind !== 'annual') return undefined;
  const y = Number(day.slice(0, 4));
  const same = annualOccurrence(m, y);
  return same.due >= day ? same : annualOccurrence(m, y + 1);
}

/** The previous cycle and the current one: every occurrence that can still need a message on `day`. */
export function liveOccurrences(m: MilestoneRecord, day: string): Occurrence[] {
  if (m.historical || m.kind === 'continuous') return [];
  return [previousOccurrence(m, day), nextOccurrence(m, day)].filter((o): o is Occurrence => o !== undefined);
}

export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
  start: string;
  end: string;
  /** 'Q2027Q1' */
  id: string;
}

export function quarterOf(day: string): Quarter {
  const year = Number(day.slice(0, 4));
  const q = (Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1) as Quarter['q'];
  const start = `${year}-${pad(q * 3 - 2)}-01`;
  const end = plusDays(q === 4 ? `${year + 1}-01-01` : `${year}-${pad(q * 3 + 1)}-01`, -1);
  return { year, q, start, end, id: `Q${year}Q${q}` };
}

export function previousQuarter(q: Quarter): Quarter {
  return quarterOf(plusDays(q.start, -1));
}
