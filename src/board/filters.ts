// The board's filters as they arrive in the query string, validated once (zod) into BoardFilter.
// A bad value is dropped with a note the page shows, never an error page: a stale link still opens.
import { z } from 'zod';
import { addDays, isValidDay } from '../clock.ts';
import { STATUS_ORDER, type StatusLight } from '../schedule/status.ts';
import type { UnitRole } from '../registry/types.ts';

export const DUE_PRESETS = ['overdue', '7d', '30d', '90d'] as const;
export type DuePreset = (typeof DUE_PRESETS)[number];
export const SORTS = ['task', 'due', 'light'] as const;
export type Sort = (typeof SORTS)[number];

export interface BoardFilter {
  chapter?: string;
  /** A unit name or alias as given; resolved against the directory by the query. */
  unit?: string;
  light?: StatusLight;
  role?: UnitRole;
  due?: DuePreset;
  /** Due window (inclusive), on any open occurrence of the row. */
  from?: string;
  to?: string;
  sort: Sort;
  page: number;
}

const Day = z.string().refine(isValidDay, 'expected a date like 2027-03-01');
const Text = z.string().trim().min(1).max(200);

const FIELDS = {
  chapter: Text,
  unit: Text,
  light: z.enum(STATUS_ORDER),
  role: z.enum(['lead', 'other']),
  due: z.enum(DUE_PRESETS),
  from: Day,
  to: Day,
  sort: z.enum(SORTS),
  page: z.coerce.number().int().min(1).max(100_000),
} as const;

export interface ParsedFilter {
  filter: BoardFilter;
  /** Parameters that were given but not understood (shown on the page). */
  ignored: string[];
}

export function parseFilter(params: URLSearchParams): ParsedFilter {
  const out: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, schema] of Object.entries(FIELDS)) {
    const raw = params.get(key);
    if (raw === null || raw.trim() === '') continue;
    const r = (schema as z.ZodTypeAny).safeParse(raw);
    if (r.success) out[key] = r.data;
    else ignored.push(`${key}=${raw}`);
  }
  const filter = { sort: 'task', page: 1, ...out } as BoardFilter;
  if (filter.from && filter.to && filter.to < filter.from) {
    ignored.push(`to=${filter.to}`);
    delete filter.to;
  }
  return { filter, ignored };
}

/** The inclusive due window a filter asks for, on `today`; null bounds are open. */
export function dueWindow(f: BoardFilter, today: string): { from: string | null; to: string | null } {
  switch (f.due) {
    case 'overdue':
      return { from: null, to: addDays(today, -1) };
    case '7d':
      return { from: today, to: addDays(today, 7) };
    case '30d':
      return { from: today, to: addDays(today, 30) };
    case '90d':
      return { from: today, to: addDays(today, 90) };
    default:
      return { from: f.from ?? null, to: f.to ?? null };
  }
}

/** The query string of a filter (for links: pages, export, a unit's bar), without defaults. */
export function filterQuery(f: Partial<BoardFilter>, extra: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const key of ['chapter', 'unit', 'light', 'role', 'due', 'from', 'to'] as const) {
    const v = f[key];
    if (v !== undefined) p.set(key, String(v));
  }
  if (f.sort && f.sort !== 'task') p.set('sort', f.sort);
  if (f.page && f.page > 1) p.set('page', String(f.page));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
