// The board as data: one row per task × unit with the light statusOf gives it (the same lights as
// 汇总 and the ledger), filtered, counted per unit for the chart, and paged. Pure.
import type { ProgressRecord, ProgressStatus, ProgressVia, TaskRecord, UnitRecord, UnitRole } from '../registry/types.ts';
import { recipientsOf, unitDirectory, type UnitDirectory } from '../schedule/recipients.ts';
import { STATUS_ORDER, type StatusLight, type TaskStatus, type UnitTaskStatus } from '../schedule/status.ts';
import { diffDays } from '../schedule/day-math.ts';
import { byWorst, emptyCounts, type Counts, type UnitCounts } from '../supervision/digest.ts';
import { dueWindow, type BoardFilter } from './filters.ts';
import { seesRow, type Scope } from './scope.ts';

export const PAGE_SIZE = 100;

export interface LatestReport {
  at: Date;
  unitName: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
  by: string;
  via: ProgressVia;
}

export interface BoardRow {
  taskNumber: number;
  chapter: string;
  taskText: string;
  unitName: string;
  role: UnitRole;
  status: StatusLight;
  blocked: boolean;
  /** Nearest occurrence not done yet (overdue first; a continuous task's quarter end), or null. */
  nextDue: string | null;
  daysLeft: number | null;
  latest: LatestReport | null;
}

export interface BoardInput {
  tasks: TaskRecord[];
  units: UnitRecord[];
  statuses: TaskStatus[];
  progress: ProgressRecord[];
  today: string;
  /** The office's canonical name: like the digest, its own rows are not on the board. */
  officeName: string;
  /** Every row, already built (board-data.ts keeps them between requests); built from the rest when absent. */
  rows?: FullRow[];
}

export interface BoardView {
  today: string;
  /** Rows of this page. */
  rows: BoardRow[];
  /** Rows matching the filter (all pages). */
  total: number;
  page: number;
  pages: number;
  /** Per unit over the filtered rows, worst first (the digest's order), and their sum. */
  perUnit: UnitCounts[];
  totals: Counts;
  /** What the filter selects can offer: chapters of the plan, units the viewer sees. */
  chapters: string[];
  units: string[];
  /** The filter's unit, resolved to its canonical name (null when it matched no unit). */
  unit: string | null | undefined;
}

const rank = (l: StatusLight) => STATUS_ORDER.indexOf(l);
// One collator for every comparison: localeCompare(…, 'zh-CN') builds one per call.
const byName = new Intl.Collator('zh-CN').compare;

export function reporterLabel(p: Pick<ProgressRecord, 'reporterName' | 'reporterId'>): string {
  return p.reporterName || p.reporterId;
}

/** The latest report per "task|unit", so each row finds its own in O(1). */
export function indexLatest(progress: ProgressRecord[]): Map<string, ProgressRecord> {
  const latest = new Map<string, ProgressRecord>();
  for (const p of progress) {
    const k = `${p.taskNumber}|${p.unitName}`;
    const seen = latest.get(k);
    if (!seen || p.at >= seen.at) latest.set(k, p);
  }
  return latest;
}

function latestOf(index: Map<string, ProgressRecord>, task: number, reporters: string[]): LatestReport | null {
  let best: ProgressRecord | undefined;
  for (const r of reporters) {
    const p = index.get(`${task}|${r}`);
    if (p && (!best || p.at >= best.at)) best = p;
  }
  return best
    ? { at: best.at, unitName: best.unitName, status: best.status, percent: best.percent, text: best.text, by: reporterLabel(best), via: best.via }
    : null;
}

/** Open occurrences' deadlines in force (not done; an approved extension's new day), earliest first. */
function openDues(u: UnitTaskStatus): string[] {
  return u.occurrences.filter((o) => o.status !== 'done').map((o) => o.extendedTo ?? o.occurrence).sort();
}

export interface FullRow extends BoardRow {
  dues: string[];
  reporters: string[];
}

/** One task's rows for everyone (the office's own rows left out), in its status order (leads first). */
export function rowsOfTask(task: TaskRecord, ts: TaskStatus, dir: UnitDirectory, latest: Map<string, ProgressRecord>, today: string, officeName: string): FullRow[] {
  const reportersOf = new Map(recipientsOf(task, dir).map((r) => [r.unitName, r.reporters]));
  const rows: FullRow[] = [];
  for (const u of ts.units) {
    if (u.unitName === officeName) continue;
    const dues = openDues(u);
    const nextDue = dues[0] ?? null;
    rows.push({
      taskNumber: task.number,
      chapter: task.chapter,
      taskText: task.text,
      unitName: u.unitName,
      role: u.role,
      status: u.status,
      blocked: u.blocked,
      nextDue,
      daysLeft: nextDue ? diffDays(today, nextDue) : null,
      latest: latestOf(latest, task.number, reportersOf.get(u.unitName) ?? [u.unitName]),
      dues,
      reporters: reportersOf.get(u.unitName) ?? [u.unitName],
    });
  }
  return rows;
}

/** Every row the viewer may see, in plan order (task number, leads first), office rows left out. */
export function allRows(input: BoardInput, scope: Scope, dir: UnitDirectory = unitDirectory(input.units)): FullRow[] {
  if (input.rows) return scope.kind === 'all' ? input.rows : input.rows.filter((r) => seesRow(scope, r));
  const tasks = new Map(input.tasks.map((t) => [t.number, t]));
  const latest = indexLatest(input.progress);
  const rows: FullRow[] = [];
  for (const ts of input.statuses) {
    const task = tasks.get(ts.taskNumber);
    if (!task) continue;
    for (const r of rowsOfTask(task, ts, dir, latest, input.today, input.officeName)) if (seesRow(scope, r)) rows.push(r);
  }
  return rows;
}

function compare(sort: BoardFilter['sort']): (a: BoardRow, b: BoardRow) => number {
  const plan = (a: BoardRow, b: BoardRow) => a.taskNumber - b.taskNumber || (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1) || byName(a.unitName, b.unitName);
  if (sort === 'light') return (a, b) => rank(b.status) - rank(a.status) || plan(a, b);
  if (sort === 'due') return (a, b) => (a.nextDue ?? '9999') .localeCompare(b.nextDue ?? '9999') || plan(a, b);
  return plan;
}

export function countPerUnit(rows: Pick<BoardRow, 'unitName' | 'status'>[]): { perUnit: UnitCounts[]; totals: Counts } {
  const per = new Map<string, UnitCounts>();
  const totals = emptyCounts();
  for (const r of rows) {
    const u = per.get(r.unitName) ?? { unitName: r.unitName, counts: emptyCounts(), total: 0 };
    u.counts[r.status]++;
    u.total++;
    per.set(r.unitName, u);
    totals[r.status]++;
  }
  return { perUnit: [...per.values()].sort(byWorst), totals };
}

/** The rows a filter selects (all pages), before paging. */
export function filterRows<R extends FullRow>(rows: R[], f: BoardFilter, today: string, unit: string | null | undefined): R[] {
  const { from, to } = dueWindow(f, today);
  return rows.filter(
    (r) =>
      (f.chapter === undefined || r.chapter === f.chapter) &&
      (unit === undefined || r.unitName === unit) &&
      (f.light === undefined || r.status === f.light) &&
      (f.role === undefined || r.role === f.role) &&
      ((from === null && to === null) || r.dues.some((d) => (from === null || d >= from) && (to === null || d <= to))),
  );
}

export function boardView(input: BoardInput, scope: Scope, f: BoardFilter): BoardView {
  const dir = unitDirectory(input.units);
  const all = allRows(input, scope, dir);
  // An unknown unit selects nothing (null) rather than everything.
  const unit = f.unit === undefined ? undefined : (dir(f.unit)?.name ?? null);
  const picked = filterRows(all, f, input.today, unit).sort(compare(f.sort));
  const pages = Math.max(1, Math.ceil(picked.length / PAGE_SIZE));
  const page = Math.min(f.page, pages);
  const { perUnit, totals } = countPerUnit(picked);
  const chapters = [...new Set(input.tasks.filter((t) => !t.retired).map((t) => t.chapter))];
  const units = [...new Set(all.map((r) => r.unitName))].sort(byName);
  return {
    today: input.today,
    rows: picked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(stripRow),
    total: picked.length,
    page,
    pages,
    perUnit,
    totals,
    chapters,
    units,
    unit,
  };
}

function stripRow(r: FullRow): BoardRow {
  const { dues: _d, reporters: _r, ...row } = r;
  return row;
}
