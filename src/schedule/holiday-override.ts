// The hand-kept holiday override (data/holidays-override.json): checked before chinese-days, and
// the only source for years the package does not cover yet (2027 as of chinese-days 1.5.7).
import { z } from 'zod';
import { isValidDay } from '../clock.ts';
import { formatIssues } from './format-issues.ts';

export const HOLIDAY_OVERRIDE_FILE = 'data/holidays-override.json';

const Day = z.string().refine(isValidDay, { message: 'expected a calendar day YYYY-MM-DD' });

export const HolidayOverrideSchema = z
  .object({
    /** Free text for the people who edit the file (JSON has no comments). */
    note: z.string().optional(),
    /** Weekdays off (statutory holidays). */
    holidays: z.array(Day).default([]),
    /** Weekend days that are working days (调休 make-up days). */
    workdays: z.array(Day).default([]),
    /** Years fully described by this file (State Council notice entered): no warning for them. */
    years: z.array(z.number().int().min(2000).max(2100)).default([]),
  })
  .strict()
  .superRefine((o, ctx) => {
    const off = new Set(o.holidays);
    for (const d of o.workdays) {
      if (off.has(d)) ctx.addIssue({ code: 'custom', path: ['workdays'], message: `${d} is listed both as a holiday and as a working day` });
    }
  });

export type HolidayOverride = z.infer<typeof HolidayOverrideSchema>;

export const EMPTY_HOLIDAY_OVERRIDE: HolidayOverride = { holidays: [], workdays: [], years: [] };

/** Throws an Error naming every bad field ("holidays.2: expected a calendar day YYYY-MM-DD"). */
export function loadHolidayOverride(json: unknown): HolidayOverride {
  const r = HolidayOverrideSchema.safeParse(json);
  if (!r.success) throw new Error(`holiday override: ${formatIssues(r.error)}`);
  return r.data;
}
