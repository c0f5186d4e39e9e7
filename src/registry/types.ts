// The registry's vocabulary. Glossary: 牵头单位 = lead unit, 责任单位/配合单位 = other (responsible) unit,
// 进度安排/完成时限/时间节点 = schedule, 进展/进度 = progress, 台账 = ledger, 依法治办 = the supervising office.

export type MilestoneDraft =
  /** A dated step: "2022年底前" → due 2022-12-31. */
  | { kind: 'once'; due: string; label: string; source: string; repair?: string }
  /** Every year on month/day: "每年3月1日前". */
  | { kind: 'annual'; month: number; day: number; label: string; source: string; repair?: string }
  /** "持续推进" and its kin, "按照…部署实施": no date of its own. */
  | { kind: 'continuous'; label: string; source: string; repair?: string };

export type MilestoneKind = MilestoneDraft['kind'];

/** A task as read from a plan document (before it is stored). */
export interface TaskDraft {
  number: number;
  chapter: string;
  section: string;
  text: string;
  leadUnits: string[];
  otherUnits: string[];
  schedule: string;
  milestones: MilestoneDraft[];
  /** 1-based line in the source text where the task starts (for messages). */
  line: number;
}

export interface UnitDraft {
  name: string;
  aliases: string[];
  /** A collective unit (各乡镇(街道), 有关部门) stands for its members. */
  collective?: boolean;
  members?: string[];
}

export interface PlanWarning {
  task?: number;
  line?: number;
  message: string;
  /** The words the warning is about, quoted from the document. */
  source: string;
}

/** A reviewed correction from data/plan-overrides.json that changed a task. */
export interface AppliedOverride {
  task: number;
  note: string;
  /** Which parts it replaced: schedule, milestones, units, leadUnits, otherUnits. */
  fields: string[];
}

/**
 * A deadline the document states outside its numbered tasks ("各地区、各部门要于2018年12月31日前报送…"):
 * it belongs to no task, so it is the plan's, owned by the units the sentence names.
 */
export type PlanMilestoneDraft = MilestoneDraft & { units: string[]; line: number };

export interface ParsedPlan {
  tasks: TaskDraft[];
  units: UnitDraft[];
  warnings: PlanWarning[];
  /** Overrides that were applied (absent when none were given). */
  overrides?: AppliedOverride[];
  /** Deadlines outside the tasks (absent when there are none). */
  planMilestones?: PlanMilestoneDraft[];
  /** When no task was found: the numbered lines that read like items but name no owner. */
  unownedItems?: { line: number; text: string }[];
}

/** A stored milestone: the draft plus its stable key and whether it was past when first imported. */
export type MilestoneRecord = MilestoneDraft & { key: string; historical: boolean };

export type UnitRole = 'lead' | 'other';

/** A task as the rest of Duban sees it (read from the store). */
export interface TaskRecord {
  number: number;
  chapter: string;
  section: string;
  text: string;
  schedule: string;
  retired: boolean;
  units: { name: string; role: UnitRole }[];
  milestones: MilestoneRecord[];
}

export interface UnitRecord {
  name: string;
  aliases: string[];
  collective: boolean;
  members: string[];
  chatId: string | null;
}

export type ProgressStatus = 'progress' | 'done' | 'blocked';
export type ProgressVia = 'command' | 'card' | 'reply' | 'console' | 'cli';

export interface ProgressRecord {
  taskNumber: number;
  unitName: string;
  status: ProgressStatus;
  percent: number | null;
  text: string;
  at: Date;
  via: ProgressVia;
  reporterId: string;
  reporterName?: string | null;
  milestoneKey?: string | null;
  occurrence?: string | null;
}

/** Stable identity of a milestone within its task, kept across re-imports. */
export function milestoneKey(m: MilestoneDraft): string {
  switch (m.kind) {
    case 'once':
      return `once:${m.due}`;
    case 'annual':
      return `annual:${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;
    case 'continuous':
      return 'continuous';
  }
}
