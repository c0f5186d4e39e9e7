// The ledger (台账) as rows: one per task × unit × milestone occurrence that statusOf reports at
// `now`, with the latest progress and how many reminders about it reached the unit. Pure.
import { dayOf } from '../clock.ts';
import type { ProgressRecord, ProgressStatus, TaskRecord, UnitRole } from '../registry/types.ts';
import { quarterOf } from '../schedule/occurrences.ts';
import type { StatusLight, TaskStatus } from '../schedule/status.ts';
import type { SentReminder } from './digest.ts';
import { occurrenceKey, type ExtensionRecord } from '../schedule/extensions.ts';
import type { HistoryRow } from './ledger-columns.ts';

export interface LedgerRow {
  number: number;
  chapter: string;
  taskText: string;
  unitName: string;
  role: UnitRole;
  milestoneKey: string;
  milestone: string;
  /** YYYY-MM-DD: the deadline in force (quarter end for a continuous milestone; the new day after an approved extension). */
  due: string;
  /** The occurrence's extension requests in words ("原定 2027-03-01，已批准延期至 2027-03-15"), empty when none. */
  extension: string;
  status: StatusLight;
  latestText: string;
  latestStatus: ProgressStatus | null;
  latestPercent: number | null;
  latestBy: string | null;
  latestAt: Date | null;
  remindersSent: number;
  /** Evidence (files, images, links) the unit has on record for the task. */
  evidenceCount: number;
}

export interface LedgerFilter {
  /** Canonical unit name. */
  unit?: string;
  /** Due day bounds, inclusive. */
  from?: string;
  to?: string;
  status?: StatusLight;
}

export interface LedgerInput {
  tasks: TaskRecord[];
  statuses: TaskStatus[];
  progress: ProgressRecord[];
  sent: SentReminder[];
  tz: string;
  officeUnit?: string;
  /** Extension requests: shown per occurrence. */
  extensions?: ExtensionRecord[];
  /** Evidence on record (task and unit of each); counted per task × unit. */
  evidence?: Array<{ taskNumber: number; unitName: string }>;
}

export function ledgerRows(input: LedgerInput, filter: LedgerFilter = {}): LedgerRow[] {
  const tasks = new Map(input.tasks.map((t) => [t.number, t]));
  const latest = new Map<string, ProgressRecord>();
  for (const p of input.progress) {
    const k = `${p.taskNumber}|${p.unitName}`;
    const seen = latest.get(k);
    if (!seen || p.at >= seen.at) latest.set(k, p);
  }
  const requests = new Map<string, ExtensionRecord[]>();
  for (const e of input.extensions ?? []) {
    const k = occurrenceKey(e.unitName, e.taskNumber, e.milestoneKey, e.occurrence);
    requests.set(k, [...(requests.get(k) ?? []), e]);
  }
  const evidence = new Map<string, number>();
  for (const e of input.evidence ?? []) evidence.set(`${e.taskNumber}|${e.unitName}`, (evidence.get(`${e.taskNumber}|${e.unitName}`) ?? 0) + 1);
  const rows: LedgerRow[] = [];
  for (const ts of input.statuses) {
    const task = tasks.get(ts.taskNumber);
    if (!task) continue;
    for (const u of ts.units) {
      if (u.unitName === input.officeUnit || (filter.unit && u.unitName !== filter.unit)) continue;
      const last = latest.get(`${ts.taskNumber}|${u.unitName}`);
      for (const o of u.occurrences) {
        if ((filter.from && o.occurrence < filter.from) || (filter.to && o.occurrence > filter.to) || (filter.status && o.status !== filter.status)) continue;
        const m = task.milestones.find((x) => x.key === o.milestoneKey);
        const continuous = m?.kind === 'continuous';
        rows.push({
          number: task.number,
          chapter: task.chapter,
          taskText: task.text,
          unitName: u.unitName,
          role: u.role,
          milestoneKey: o.milestoneKey,
          milestone: continuous ? `${m?.label ?? '持续推进'}（${quarterLabel(o.occurrence)}进展）` : (m?.label ?? o.milestoneKey),
          due: o.extendedTo ?? o.occurrence,
          extension: extensionWords(o.occurrence, o.extendedTo, requests.get(occurrenceKey(u.unitName, task.number, o.milestoneKey, o.occurrence))),
          status: o.status,
          latestText: last?.text ?? '',
          latestStatus: last?.status ?? null,
          latestPercent: last?.percent ?? null,
          latestBy: last ? last.reporterName || last.reporterId : null,
          latestAt: last?.at ?? null,
          remindersSent: countSent(input.sent, ts.taskNumber, u.unitName, o.milestoneKey, o.occurrence, continuous, input.tz),
          evidenceCount: evidence.get(`${ts.taskNumber}|${u.unitName}`) ?? 0,
        });
      }
    }
  }
  return rows;
}

const REQUEST_WORD: Record<ExtensionRecord['status'], string> = { pending: '待审批', approved: '已批准', refused: '未批准' };

function extensionWords(occurrence: string, extendedTo: string | undefined, requests: ExtensionRecord[] | undefined): string {
  if (!requests?.length) return '';
  const head = extendedTo ? `原定 ${occurrence}，已批准延期至 ${extendedTo}` : '';
  const each = requests.map((e) => `#${e.id} 申请延至 ${e.newDue}（${REQUEST_WORD[e.status]}）`).join('；');
  return head ? `${head}；${each}` : each;
}

/** Requests and decisions as rows of the history sheet, beside the progress reports. */
export function extensionHistoryRows(extensions: ExtensionRecord[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const e of extensions) {
    const ref = { taskNumber: e.taskNumber, unitName: e.unitName, percent: null, milestoneKey: e.milestoneKey, occurrence: e.occurrence };
    rows.push({ ...ref, at: e.createdAt, status: '申请延期', text: `#${e.id} ${e.fromDue} → ${e.newDue}：${e.reason}`, reporterId: e.requesterId, reporterName: e.requesterName, via: 'command', chatId: e.chatId });
    if (e.decidedAt && e.status !== 'pending') {
      rows.push({
        ...ref,
        at: e.decidedAt,
        status: e.status === 'approved' ? '批准延期' : '不批准延期',
        text: `#${e.id} ${e.status === 'approved' ? `延期至 ${e.newDue}` : `维持 ${e.fromDue}`}${e.comment ? `：${e.comment}` : ''}`,
        reporterId: e.decidedBy ?? '',
        reporterName: e.decidedByName,
        via: 'card',
        chatId: null,
      });
    }
  }
  return rows;
}

const quarterLabel = (day: string) => {
  const q = quarterOf(day);
  return `${q.year}年第${q.q}季度`;
};

/**
 * Reminders that reached the unit about this occurrence. A continuous milestone's quarterly call
 * and idle nudges carry other days than the quarter end, so there it is the quarter they went out in.
 */
function countSent(sent: SentReminder[], task: number, unit: string, mk: string, occurrence: string, continuous: boolean, tz: string): number {
  const q = continuous ? quarterOf(occurrence) : null;
  let n = 0;
  for (const s of sent) {
    if (s.taskNumber !== task || s.unitName !== unit || s.milestoneKey !== mk) continue;
    if (q) {
      const day = dayOf(s.sentAt, tz);
      if (day >= q.start && day <= q.end) n++;
    } else if (s.occurrence === occurrence) n++;
  }
  return n;
}
