import { addDays, daysBetween, localDate, zonedInstant } from './time';

/** When the reminders of one MOU go out. */
export interface ReminderSchedule {
	/** Days before the due date (0 = on the day), any order. */
	daysBefore: number[];
	/** Every this many days while overdue; null for no overdue reminders. */
	overdueEveryDays: number | null;
	/** Local hour (0–23) in `timeZone` at which a reminder goes out. */
	sendHour: number;
	/** IANA zone of the district. */
	timeZone: string;
}

export const DEFAULT_DAYS_BEFORE: readonly number[] = [60, 30, 14, 7, 0];
export const DEFAULT_OVERDUE_EVERY_DAYS = 7;
export const DEFAULT_SEND_HOUR = 8;

export function defaultSchedule(timeZone: string): ReminderSchedule {
	return { daysBefore: [...DEFAULT_DAYS_BEFORE], overdueEveryDays: DEFAULT_OVERDUE_EVERY_DAYS, sendHour: DEFAULT_SEND_HOUR, timeZone };
}

/** One moment at which everyone to be reminded about a due date is reminded once. */
export interface DuePoint {
	/** Stable within one due date: 'before:30', 'before:0', 'overdue:14'. Part of the unique key. */
	key: string;
	kind: 'before' | 'overdue';
	/** Days before the due date ('before') or past it ('overdue'). */
	days: number;
	/** The district's calendar day of the reminder. */
	date: string;
	/** `sendHour` of that day in the district's zone. */
	sendAt: Date;
}

function beforePoint(schedule: ReminderSchedule, dueOn: string, days: number): DuePoint {
	const date = addDays(dueOn, -days);
	return { key: `before:${days}`, kind: 'before', days, date, sendAt: zonedInstant(date, schedule.sendHour, schedule.timeZone) };
}

function overduePoint(schedule: ReminderSchedule, dueOn: string, days: number): DuePoint {
	const date = addDays(dueOn, days);
	return { key: `overdue:${days}`, kind: 'overdue', days, date, sendAt: zonedInstant(date, schedule.sendHour, schedule.timeZone) };
}

/** The points before the due date, earliest first (duplicates dropped). */
export function pointsBefore(schedule: ReminderSchedule, dueOn: string): DuePoint[] {
	return [...new Set(schedule.daysBefore)].sort((a, b) => b - a).map((days) => beforePoint(schedule, dueOn, days));
}

/** The last overdue point at or before `now`, if any has come. */
function lastOverduePoint(schedule: ReminderSchedule, dueOn: string, now: Date): DuePoint | null {
	const every = schedule.overdueEveryDays;
	if (!every) return null;
	const overdueDays = daysBetween(dueOn, localDate(now, schedule.timeZone));
	let n = Math.floor(overdueDays / every);
	// Today's point counts only once its hour has come.
	if (n >= 1 && overduePoint(schedule, dueOn, n * every).sendAt > now) n -= 1;
	return n >= 1 ? overduePoint(schedule, dueOn, n * every) : null;
}

/** A point whose time passed longer ago than this is stale: the next one will say what is true. */
export const CATCH_UP_MS = 7 * 24 * 3_600_000;

/**
 * The reminder due at `now`: the latest point whose time has come, if that was within the last
 * week. Earlier points that were missed (the app was down, the MOU was signed late) are not sent
 * as well: the latest one says what is true now, and a burst of stale reminders says nothing more.
 */
export function currentDuePoint(schedule: ReminderSchedule, dueOn: string, now: Date): DuePoint | null {
	const latest =
		lastOverduePoint(schedule, dueOn, now) ??
		pointsBefore(schedule, dueOn)
			.filter((point) => point.sendAt <= now)
			.at(-1) ??
		null;
	return latest && now.getTime() - latest.sendAt.getTime() <= CATCH_UP_MS ? latest : null;
}

/** The next reminder after `now`, for "next reminder on …"; null when none is left. */
export function nextDuePoint(schedule: ReminderSchedule, dueOn: string, now: Date): DuePoint | null {
	const upcoming = pointsBefore(schedule, dueOn).find((point) => point.sendAt > now);
	if (upcoming) return upcoming;
	const every = schedule.overdueEveryDays;
	if (!every) return null;
	const last = lastOverduePoint(schedule, dueOn, now);
	return overduePoint(schedule, dueOn, (last ? last.days : 0) + every);
}

/** Days from the district's today to the due date (negative: overdue by that many days). */
export function daysUntilDue(dueOn: string, now: Date, timeZone: string): number {
	return daysBetween(localDate(now, timeZone), dueOn);
}
