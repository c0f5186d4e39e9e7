// What the planner hands to the outbox and what the status lights report.
import type { ProgressStatus, UnitRole } from '../registry/types.ts';

export type ReminderKind = 'reminder' | 'overdue' | 'quarterly' | 'idle' | 'office-overdue';

export interface ProgressSummary {
  /** ISO instant of the report. */
  at: string;
  /** Its calendar day in the planning zone. */
  day: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
}

export interface PlannedReminder {
  /**
   * unit|task|milestoneKey|occurrence|step; the outbox dedupes on it, so re-planning is idempotent.
   * 'office-overdue' keys add the late unit: office|task|milestoneKey|occurrence|OFFICE@day|aboutUnit.
   */
  key: string;
  kind: ReminderKind;
  /** The recipient unit (the office itself for 'office-overdue'). */
  unitName: string;
  /** Its bound chat; null when the unit has no chat yet. */
  chatId: string | null;
  /** The role of the unit the reminder is about. */
  role: UnitRole;
  taskNumber: number;
  milestoneKey: string;
  /** Due day of the occurrence (quarter end for 'quarterly', idle-window start for 'idle'). */
  occurrence: string;
  /** 'D-30','D-7','W-3','W-1','D0','OD+1','OD+W2','Q2027Q1','IDLE90','OFFICE@2027-03-02'. */
  step: string;
  /** The working day this step was scheduled for (a missed step is sent later with this value). */
  sendOn: string;
  /** The milestone's own words. */
  label: string;
  /** For annual occurrences: the period the report is about ("2026年度" for a report due 2027-03-01 on 上一年度). */
  periodLabel?: string;
  /** The deadline in force when an approved extension moved it (occurrence keeps the original day). */
  extendedTo?: string;
  /** Calendar days past the deadline in force ('overdue', 'office-overdue'). */
  daysOverdue?: number;
  /** 'office-overdue': the unit that is late. */
  aboutUnit?: string;
  /** The last progress of the unit the reminder is about, on this task. */
  lastProgress?: ProgressSummary | null;
}
