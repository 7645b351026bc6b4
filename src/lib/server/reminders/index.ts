/**
 * Review reminders of signed MOUs: when each goes out (schedule math in the district's time zone),
 * the sweep that sends each at most once per person per due point, the pg-boss job that runs it
 * durably, schedule settings for administrators, and what each person was sent.
 */
export {
	startReminderScheduler,
	TICK_QUEUE,
	TICK_CRON,
	SIGNING_QUEUE,
	SIGNING_CRON,
	PGBOSS_SCHEMA,
	type CronDuty,
	type ReminderScheduler,
	type SchedulerDeps
} from './scheduler';
export { runReminderSweep, retryDelayMs, CLAIM_LEASE_MS, MAX_ATTEMPTS, type ReminderDeps, type SweepReport } from './sweep';
export { smtpTransport, type ReminderTransport } from './transport';
export {
	currentDuePoint,
	nextDuePoint,
	pointsBefore,
	daysUntilDue,
	defaultSchedule,
	DEFAULT_DAYS_BEFORE,
	DEFAULT_OVERDUE_EVERY_DAYS,
	DEFAULT_SEND_HOUR,
	type DuePoint,
	type ReminderSchedule
} from './schedule';
export { loadSchedule, updateSchedule, reviewTimeZone, describeSchedule, type ScheduleView } from './settings';
export {
	listMyReminders,
	listOrganizationReminders,
	listMouReminders,
	describeDuePoint,
	reviewOverview,
	byUrgency,
	DUE_SOON_DAYS,
	type DeliveryView,
	type ReviewOverview,
	type ReviewState
} from './views';
export {
	checkReviewTerms,
	checkScheduleSettings,
	reviewIntervalProblem,
	MIN_REVIEW_INTERVAL_MONTHS,
	MAX_REVIEW_INTERVAL_MONTHS,
	type ScheduleSettings
} from './validation';
export { isTimeZone, isIsoDate, addDays, addMonths, daysBetween, localDate, zonedInstant, formatLongDate } from './time';
export { postgresJsDb } from './pgboss-db';
export { dryRunSweep, upcomingReminders, describePlan, type PlannedReminder } from './upcoming';
