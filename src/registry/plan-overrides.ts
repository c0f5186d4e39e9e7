// Reviewed corrections to a plan (data/plan-overrides.json), keyed by task number. A person who
// has checked the original document writes what it should say and why (`note`); every milestone
// an override produces carries repair "override: <note>", so nothing changes unannounced.
import { z } from 'zod';
import type { MilestoneDraft } from './types.ts';

const Text = z.string().trim().min(1);
const Label = { label: Text, source: Text.optional() };

const OverrideMilestoneSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'due must be YYYY-MM-DD'), ...Label }),
  z.object({ kind: z.literal('annual'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31), ...Label }),
  z.object({ kind: z.literal('continuous'), ...Label }),
]);

export const TaskOverrideSchema = z
  .object({
    /** Why, and who checked it: shown with every milestone the override produces. */
    note: Text,
    /**
     * Words of the task as reviewed (from its text, unit line or schedule). If the plan no longer
     * contains them the override is not applied and the import warns, so a stale fix can't misfire.
     */
    expect: Text.optional(),
    /** Replaces the schedule line; it is then read by the normal schedule grammar. */
    schedule: Text.optional(),
    /** Replaces every milestone of the task (schedule and text). */
    milestones: z.array(OverrideMilestoneSchema).min(1).optional(),
    /** A unit name as written → the units it stands for, e.g. {"发改晋安公安局": ["区发改局", "晋安公安分局"]}. */
    units: z.record(Text, z.array(Text).min(1)).optional(),
    /** Replace the unit lists outright. */
    leadUnits: z.array(Text).min(1).optional(),
    otherUnits: z.array(Text).optional(),
  })
  .refine((o) => o.schedule || o.milestones || o.units || o.leadUnits || o.otherUnits, {
    message: 'an override needs at least one of schedule, milestones, units, leadUnits, otherUnits',
  });

export const PlanOverridesFileSchema = z.object({
  /** Free text for the people who edit the file. */
  about: z.string().optional(),
  /**
   * Words of the plan the corrections were reviewed against (its title). A document that does not contain them
   * is another plan: none of the overrides apply to it, and the import says so once.
   */
  plan: Text.optional(),
  tasks: z.record(z.string().regex(/^\d+$/, 'task keys are task numbers'), TaskOverrideSchema).default({}),
});

export type PlanOverrides = z.output<typeof PlanOverridesFileSchema>;
export type TaskOverride = z.output<typeof TaskOverrideSchema>;

export const NO_OVERRIDES: PlanOverrides = { tasks: {} };

export function overrideRepair(o: TaskOverride): string {
  return `override: ${o.note}`;
}

/** The override's own milestones, each marked as coming from it. */
export function overrideMilestones(o: TaskOverride, taskNumber: number): MilestoneDraft[] {
  return (o.milestones ?? []).map((m) => ({
    ...m,
    source: m.source ?? `data/plan-overrides.json, task ${taskNumber}`,
    repair: overrideRepair(o),
  }));
}

/** Fields of the override that were used, for the import report. */
export function overrideFields(o: TaskOverride): string[] {
  return (['schedule', 'milestones', 'units', 'leadUnits', 'otherUnits'] as const).filter((k) => o[k] !== undefined);
}
