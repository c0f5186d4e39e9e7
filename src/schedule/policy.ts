// When Duban reminds whom (data/reminder-policy.json). Every field has a default, so `{}` is a
// complete policy; unknown keys are rejected so a typo ("sendtime") cannot silently do nothing.
import { z } from 'zod';
import { formatIssues } from './format-issues.ts';

export const REMINDER_POLICY_FILE = 'data/reminder-policy.json';

// Two months of weekly notices: by then the unit has plainly seen it and the office's daily
// overdue list (which has no cap) carries the matter on.
export const OVERDUE_WEEKLY_CAP = 8;
// Half a year of weekly nags to the same group is spam whatever the policy file says.
export const OVERDUE_WEEKLY_HARD_CAP = 26;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a time of day HH:mm (24-hour)' });

const LadderStep = z
  .object({
    /** How long before the deadline: 30 calendar days, 3 working days, 0 = on the day. */
    before: z.number().int().min(0).max(366),
    unit: z.enum(['calendar', 'working']),
  })
  .strict();

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const DEFAULT_LADDER: z.infer<typeof LadderStep>[] = [
  { before: 30, unit: 'calendar' },
  { before: 7, unit: 'calendar' },
  { before: 3, unit: 'working' },
  { before: 1, unit: 'working' },
  { before: 0, unit: 'calendar' },
];

export const ReminderPolicySchema = z
  .object({
    note: z.string().optional(),
    /** Wall-clock time (in the configured zone) of every unit reminder: a morning, off the hour. */
    sendTime: HHMM.default('09:17'),
    /** Days before a deadline during which a task shows blue ("deadline near"). */
    blueWindowDays: z.number().int().min(0).max(90).default(7),
    /** For dated (once) and annual milestones, in any order; a step on a day off moves earlier. */
    ladder: z
      .array(LadderStep)
      .default(DEFAULT_LADDER)
      .refine((l) => new Set(l.map((s) => `${s.unit}:${s.before}`)).size === l.length, { message: 'ladder steps must be distinct' }),
    overdue: z
      .object({
        /** First notice: this many working days after the deadline. */
        firstAfterWorkdays: z.number().int().min(1).max(30).default(1),
        /** Then every this many calendar days ... */
        repeatEveryDays: z.number().int().min(1).max(92).default(7),
        /** ... at most this many times (then only the office list keeps it). */
        maxRepeats: z.number().int().min(0).max(OVERDUE_WEEKLY_HARD_CAP).default(OVERDUE_WEEKLY_CAP),
      })
      .strict()
      .default({ firstAfterWorkdays: 1, repeatEveryDays: 7, maxRepeats: OVERDUE_WEEKLY_CAP }),
    continuous: z
      .object({
        /** The quarterly progress call goes out this many calendar days before the quarter ends. */
        quarterlyCallDaysBeforeEnd: z.number().int().min(0).max(80).default(10),
        /** A unit with no progress on a continuous task for this many days gets a nudge. */
        idleDays: z.number().int().min(14).max(366).default(90),
      })
      .strict()
      .default({ quarterlyCallDaysBeforeEnd: 10, idleDays: 90 }),
    officeDigest: z
      .object({
        weekday: z.enum(WEEKDAYS).default('monday'),
        time: HHMM.default('09:23'),
      })
      .strict()
      .default({ weekday: 'monday', time: '09:23' }),
    extension: z
      .object({
        /** The furthest an extension may move a deadline, in calendar days beyond the one in force. */
        maxDays: z.number().int().min(1).max(366).default(90),
        /** A request still undecided after this many working days is listed on the office's daily card. */
        undecidedWorkdays: z.number().int().min(1).max(30).default(3),
      })
      .strict()
      .default({ maxDays: 90, undecidedWorkdays: 3 }),
  })
  .strict();

export type ReminderPolicy = z.infer<typeof ReminderPolicySchema>;
export type LadderStepPolicy = ReminderPolicy['ladder'][number];

/** Throws an Error naming every bad field ("reminder policy: sendTime: expected a time ..."). */
export function loadPolicy(json: unknown): ReminderPolicy {
  const r = ReminderPolicySchema.safeParse(json);
  if (!r.success) throw new Error(`reminder policy: ${formatIssues(r.error)}`);
  return r.data;
}

export const DEFAULT_POLICY: ReminderPolicy = loadPolicy({});

/** 'D-30' (calendar days), 'W-3' (working days), 'D0' (on the day). */
export function ladderStepId(s: LadderStepPolicy): string {
  if (s.before === 0) return 'D0';
  return `${s.unit === 'calendar' ? 'D' : 'W'}-${s.before}`;
}
