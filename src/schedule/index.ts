// The schedule module's public surface (pure: no store, no Lark, no clock of its own).
export { createWorkCalendar, loadHolidayOverride, type CalendarWarning, type HolidayOverride, type WorkCalendar } from './calendar.ts';
export { HOLIDAY_OVERRIDE_FILE, HolidayOverrideSchema } from './holiday-override.ts';
export { DEFAULT_POLICY, loadPolicy, OVERDUE_WEEKLY_CAP, REMINDER_POLICY_FILE, ReminderPolicySchema, type ReminderPolicy } from './policy.ts';
export { planPass, planReminders, previewReminders, PREVIEW_MAX_DAYS, type PlanInput, type PlanResult } from './plan-reminders.ts';
export {
  createStatusBoard,
  openOccurrences,
  STATUS_ORDER,
  statusOf,
  worstOf,
  type OccurrenceStatus,
  type OpenOccurrence,
  type StatusBoard,
  type StatusInput,
  type StatusLight,
  type TaskStatus,
  type UnitTaskStatus,
} from './status.ts';
export type { PlannedReminder, ProgressSummary, ReminderKind } from './types.ts';
