// Hand-built registry records for the schedule tests (no parser, no store).
import { instantAt } from '../../src/clock.ts';
import type { MilestoneDraft, MilestoneRecord, ProgressRecord, ProgressStatus, TaskRecord, UnitRecord } from '../../src/registry/types.ts';
import { milestoneKey } from '../../src/registry/types.ts';
import { createWorkCalendar } from '../../src/schedule/calendar.ts';
import { planPass, planReminders, type PlanInput } from '../../src/schedule/plan-reminders.ts';
import { DEFAULT_POLICY } from '../../src/schedule/policy.ts';

export const TZ = 'Asia/Shanghai';
export const OFFICE = '区委依法治区办';
export const GO_LIVE = '2026-12-01';

const record = (m: MilestoneDraft, historical = false): MilestoneRecord => ({ ...m, key: milestoneKey(m), historical });

export const once = (due: string, label = `${due}前完成`, historical = false) =>
  record({ kind: 'once', due, label, source: `${due}前` }, historical);
export const annual = (month: number, day: number, label: string, source = label) =>
  record({ kind: 'annual', month, day, label, source });
export const continuous = (label = '持续推进') => record({ kind: 'continuous', label, source: label });

export function makeTask(o: { number: number; milestones: MilestoneRecord[]; lead?: string[]; other?: string[]; retired?: boolean }): TaskRecord {
  const lead = o.lead ?? ['区司法局'];
  const other = o.other ?? [];
  return {
    number: o.number,
    chapter: '十、加强党对法治政府建设的领导',
    section: '(三)',
    text: `任务 ${o.number}`,
    schedule: '',
    retired: o.retired ?? false,
    units: [...lead.map((name) => ({ name, role: 'lead' as const })), ...other.map((name) => ({ name, role: 'other' as const }))],
    milestones: o.milestones,
  };
}

/** Task 68 of the Jin'an plan: the yearly 法治政府建设 report (3月1日) and its publication (4月1日). */
export const task68 = (extra: Partial<Parameters<typeof makeTask>[0]> = {}) =>
  makeTask({
    number: 68,
    lead: ['区委办', '区政府办'],
    other: ['区司法局', '各乡镇(街道)'],
    milestones: [
      annual(3, 1, '完成上一年度法治政府建设情况报告', '每年3月1日前完成上一年度法治政府建设情况报告'),
      annual(4, 1, '将报告通过报刊、政府网站等向社会公开', '并于4月1日前将报告通过报刊、政府网站等向社会公开'),
    ],
    ...extra,
  });

export const TOWNS = ['鼓山镇', '新店镇', '岳峰镇'];

const unit = (name: string, chatId: string | null, extra: Partial<UnitRecord> = {}): UnitRecord => ({
  name, aliases: [], collective: false, members: [], chatId, ...extra,
});

export const UNITS: UnitRecord[] = [
  unit('区委办', 'oc_qwb'),
  unit('区政府办', 'oc_zfb'),
  unit('区司法局', 'oc_sfj', { aliases: ['司法局'] }),
  unit('各乡镇(街道)', null, { collective: true, members: TOWNS }),
  unit('鼓山镇', 'oc_gs'),
  unit('新店镇', 'oc_xd'),
  unit('岳峰镇', null),
  unit(OFFICE, 'oc_office'),
];

export const T68_UNITS = ['区委办', '区政府办', '区司法局', ...TOWNS];

export function report(unitName: string, taskNumber: number, status: ProgressStatus, when: string, extra: Partial<ProgressRecord> = {}): ProgressRecord {
  return {
    taskNumber, unitName, status, percent: status === 'done' ? 100 : null, text: `${status} @ ${when}`,
    at: when.length === 10 ? instantAt(when, '15:00', TZ) : new Date(when),
    via: 'cli', reporterId: 'ou_test', ...extra,
  };
}

export const calendar = createWorkCalendar();

export function baseInput(over: Partial<PlanInput> = {}): Omit<PlanInput, 'now'> {
  // Go-live 2026-12-01: the 2026 cycles were never chased by Duban (tests that want them pass trackFrom: undefined).
  return { tasks: [task68()], units: UNITS, progress: [], policy: DEFAULT_POLICY, calendar, tz: TZ, officeUnit: OFFICE, trackFrom: GO_LIVE, ...over };
}

/** A pass at the send time (09:17 Shanghai) of `day`. */
export const passOn = (day: string, over: Partial<PlanInput> = {}) =>
  planReminders({ ...baseInput(over), now: instantAt(day, DEFAULT_POLICY.sendTime, TZ) });

export const passAt = (iso: string, over: Partial<PlanInput> = {}) => planPass({ ...baseInput(over), now: new Date(iso) });

/** "unit step" lines, the shape most assertions read best in. */
export const lines = (rs: { unitName: string; step: string; occurrence: string; aboutUnit?: string }[]) =>
  rs.map((r) => `${r.unitName} ${r.occurrence} ${r.step}${r.aboutUnit ? ` ${r.aboutUnit}` : ''}`);
