import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import { DEFAULT_DAYS_BEFORE, DEFAULT_OVERDUE_EVERY_DAYS, DEFAULT_SEND_HOUR, type ReminderSchedule } from './schedule';
import { zoneOrUtc } from './time';
import { checkScheduleSettings, type ScheduleSettings } from './validation';
import * as store from './store';

export interface ScheduleView {
	/** As stored (timeZone null: the district's). */
	settings: ScheduleSettings;
	/** What the sweep uses: the settings with the zone resolved. */
	effective: ReminderSchedule;
	districtTimeZone: string | null;
	/** True while nobody has changed the defaults. */
	isDefault: boolean;
	updatedAt: Date | null;
	updatedByName: string | null;
}

async function districtZone(sql: Sql, mouId: string): Promise<string | null> {
	const [row] = await sql<{ timeZone: string }[]>`
		select o.time_zone as "timeZone" from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = ${mouId} and p.side = 'district'`;
	return row?.timeZone ?? null;
}

/** An MOU's reminder schedule, defaults filled in. */
export async function loadSchedule(sql: Sql, mouId: string): Promise<ScheduleView> {
	const [row, district] = await Promise.all([store.findSchedule(sql, mouId), districtZone(sql, mouId)]);
	const settings: ScheduleSettings = row
		? { daysBefore: row.daysBefore, overdueEveryDays: row.overdueEveryDays, sendHour: row.sendHour, timeZone: row.timeZone }
		: { daysBefore: [...DEFAULT_DAYS_BEFORE], overdueEveryDays: DEFAULT_OVERDUE_EVERY_DAYS, sendHour: DEFAULT_SEND_HOUR, timeZone: null };
	return {
		settings,
		effective: { ...settings, timeZone: zoneOrUtc(settings.timeZone, district) },
		districtTimeZone: district,
		isDefault: !row || !row.updatedByName,
		updatedAt: row?.updatedByName ? row.updatedAt : null,
		updatedByName: row?.updatedByName ?? null
	};
}

/** The zone an MOU's review dates are read in: its schedule's, else the district's, else UTC. */
export async function reviewTimeZone(sql: Sql, mouId: string): Promise<string> {
	return (await loadSchedule(sql, mouId)).effective.timeZone;
}

/** An administrator of either party changes when this MOU's reminders go out. */
export async function updateSchedule(
	sql: Sql,
	user: SessionUser,
	mouId: string,
	input: { daysBefore: unknown; overdueEveryDays: unknown; sendHour: unknown; timeZone: unknown },
	now = new Date()
): Promise<Outcome<ScheduleSettings> | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'scheduleReminders')) return failure('forbidden', 'Only an administrator can change the reminder schedule.');
	if (!can(user, 'scheduleReminders', access.mou)) return failure('not_now', 'This MOU has ended: it has no reminders to schedule.');
	const checked = checkScheduleSettings(input);
	if (!checked.ok) return invalid(checked.errors);
	const s = checked.value;
	await sql.begin(async (tx) => {
		await store.saveSchedule(tx, mouId, s, user.id, now);
		await tx`
			insert into mou_events (mou_id, at, user_id, party, kind, summary, detail)
			values (${mouId}, ${now}, ${user.id}, ${access.side}, 'reminder_schedule_changed',
				${`Changed the review reminders: ${describeSchedule(s)}`},
				${tx.json({ daysBefore: s.daysBefore, overdueEveryDays: s.overdueEveryDays, sendHour: s.sendHour, timeZone: s.timeZone })})`;
	});
	return ok(s);
}

export function describeSchedule(s: ScheduleSettings): string {
	const before = s.daysBefore.filter((d) => d > 0);
	const points = [before.length ? `${before.join(', ')} days before the due date` : '', s.daysBefore.includes(0) ? 'on the due date' : '']
		.filter(Boolean)
		.join(' and ');
	const overdue = s.overdueEveryDays ? `then every ${s.overdueEveryDays} day${s.overdueEveryDays === 1 ? '' : 's'} while overdue` : 'none once overdue';
	return `${points}; ${overdue}; at ${String(s.sendHour).padStart(2, '0')}:00 ${s.timeZone ?? "in the district's time zone"}`;
}
