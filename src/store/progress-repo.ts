// Progress is history: each report is a new row (who, which unit, when, words, percent, status, via).
import type { DbTx } from './db.ts';
import type { ProgressRecord, ProgressStatus, ProgressVia } from '../registry/types.ts';
import { createAuditRepo } from './audit-repo.ts';

export interface NewProgress {
  taskNumber: number;
  unitName: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
  reporterId: string;
  reporterName?: string | null;
  chatId?: string | null;
  via: ProgressVia;
  messageId?: string | null;
  milestoneKey?: string | null;
  occurrence?: string | null;
  at: Date;
}

type Row = Awaited<ReturnType<DbTx['progress']['findMany']>>[number] & { task: { number: number }; unit: { name: string } };

function toRecord(r: Row): ProgressRecord & { id: number; chatId: string | null; messageId: string | null } {
  return {
    id: r.id,
    taskNumber: r.task.number,
    unitName: r.unit.name,
    status: r.status as ProgressStatus,
    percent: r.percent,
    text: r.text,
    at: r.createdAt,
    via: r.via as ProgressVia,
    reporterId: r.reporterId,
    reporterName: r.reporterName,
    milestoneKey: r.milestoneKey,
    occurrence: r.occurrence,
    chatId: r.chatId,
    messageId: r.messageId,
  };
}

export function createProgressRepo(db: DbTx) {
  return {
    async record(p: NewProgress): Promise<number> {
      const task = await db.task.findUniqueOrThrow({ where: { number: p.taskNumber } });
      const unit = await db.unit.findUniqueOrThrow({ where: { name: p.unitName } });
      const row = await db.progress.create({
        data: {
          taskId: task.id,
          unitId: unit.id,
          status: p.status,
          percent: p.percent,
          text: p.text,
          reporterId: p.reporterId,
          reporterName: p.reporterName ?? null,
          chatId: p.chatId ?? null,
          via: p.via,
          messageId: p.messageId ?? null,
          milestoneKey: p.milestoneKey ?? null,
          occurrence: p.occurrence ?? null,
          createdAt: p.at,
        },
      });
      await createAuditRepo(db).record({
        actor: p.reporterId,
        action: 'progress',
        subject: `task ${p.taskNumber} / ${p.unitName}`,
        detail: { progressId: row.id, status: p.status, percent: p.percent, via: p.via, chatId: p.chatId ?? null },
        source: p.via === 'cli' ? 'cli' : p.via === 'console' ? 'console' : 'chat',
        at: p.at,
      });
      return row.id;
    },
    /** Reports in recording order; afterId: only those recorded after that row (the board reads new ones only). */
    async list(filter: { taskNumber?: number; unitName?: string; afterId?: number } = {}) {
      const rows = await db.progress.findMany({
        where: {
          ...(filter.afterId !== undefined ? { id: { gt: filter.afterId } } : {}),
          ...(filter.taskNumber !== undefined ? { task: { number: filter.taskNumber } } : {}),
          ...(filter.unitName ? { unit: { name: filter.unitName } } : {}),
        },
        include: { task: { select: { number: true } }, unit: { select: { name: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return (rows as Row[]).map(toRecord);
    },
  };
}
