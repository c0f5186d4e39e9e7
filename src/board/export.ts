// The board's download: the same ledger as `export` / 导出 (supervision/ledger.ts rows, the same
// xlsx and csv writers), narrowed to the (task, unit) pairs the board shows with the current filters.
import { dayOf } from '../clock.ts';
import { extensionHistoryRows, ledgerRows } from '../supervision/ledger.ts';
import { ledgerXlsx } from '../supervision/export-xlsx.ts';
import { ledgerCsv } from '../supervision/export-csv.ts';
import type { SupervisionData, SupervisionDeps } from '../supervision/load-supervision.ts';
import { loadAuditRows, loadEvidence } from '../jobs/export-ledger.ts';
import { unitDirectory } from '../schedule/recipients.ts';
import { allRows, filterRows, type FullRow } from './board-rows.ts';
import { dueWindow, type BoardFilter } from './filters.ts';
import type { Scope } from './scope.ts';

export interface BoardExport {
  data: Buffer;
  fileName: string;
  contentType: string;
  rows: number;
}

export async function exportBoardLedger(
  deps: SupervisionDeps,
  data: SupervisionData & { rows?: FullRow[] },
  opts: { scope: Scope; filter: BoardFilter; format: 'xlsx' | 'csv'; now: Date; officeName: string },
): Promise<BoardExport> {
  const { scope, filter, now } = opts;
  const today = dayOf(now, deps.tz);
  const dir = unitDirectory(data.units);
  const unit = filter.unit === undefined ? undefined : (dir(filter.unit)?.name ?? null);
  const input = { tasks: data.tasks, units: data.units, statuses: data.statuses, progress: data.progress, today, officeName: opts.officeName, rows: data.rows };
  const picked = filterRows(allRows(input, scope, dir), filter, today, unit);
  const pairs = new Set(picked.map((r) => `${r.taskNumber}|${r.unitName}`));
  const reporting = new Set(picked.flatMap((r) => r.reporters.map((u) => `${r.taskNumber}|${u}`)));
  const { from, to } = dueWindow(filter, today);
  const evidence = await loadEvidence(deps, now);
  const rows = ledgerRows(
    { tasks: data.tasks, statuses: data.statuses, progress: data.progress, sent: data.sent, tz: deps.tz, officeUnit: opts.officeName, extensions: data.extensions, evidence },
    { unit: unit ?? undefined, from: from ?? undefined, to: to ?? undefined, status: filter.light },
  ).filter((r) => pairs.has(`${r.number}|${r.unitName}`));
  const fileName = `督办台账-${unit ? `${unit}-` : ''}${today}.${opts.format}`;
  if (opts.format === 'csv') return { data: ledgerCsv({ rows, tz: deps.tz }), fileName, contentType: 'text/csv; charset=utf-8', rows: rows.length };
  // As in `export`: the history sheet keeps the reports on those rows, by the day they were made.
  const history = [...data.progress, ...extensionHistoryRows(data.extensions)]
    .filter((p) => {
      const day = dayOf(p.at, deps.tz);
      return reporting.has(`${p.taskNumber}|${p.unitName}`) && (!from || day >= from) && (!to || day <= to);
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  // The audit sheet is the office's record of every unit's chats: a liaison's download leaves it empty.
  const audit = scope.kind === 'all' ? await loadAuditRows(deps, data.units) : [];
  // Evidence of the rows shown, by the day it was recorded (as the history sheet).
  const files = evidence.filter((e) => {
    const day = dayOf(e.at, deps.tz);
    return reporting.has(`${e.taskNumber}|${e.unitName}`) || pairs.has(`${e.taskNumber}|${e.unitName}`) ? (!from || day >= from) && (!to || day <= to) : false;
  });
  return {
    data: await ledgerXlsx({ rows, history, audit, evidence: files, tz: deps.tz }),
    fileName,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    rows: rows.length,
  };
}
