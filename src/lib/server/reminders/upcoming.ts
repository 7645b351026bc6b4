import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { formatWhen } from '$lib/dates';
import { currentDuePoint, nextDuePoint, type DuePoint } from './schedule';
import { scheduleOf } from './sweep';
import { describeDuePoint } from './views';
import * as store from './store';
import { contractDates, currentContractPoints, nextContractPoints } from './contract';

/**
 * What the reminder job will send, and when, without sending anything: the operator's view
 * (administrators' "Upcoming reminders" page) and the dry run of a sweep at a given instant
 * (`npm run reminders -- --as-of … --dry-run`). Both use the sweep's own schedule rules.
 */

/** What a reminder is about: the review's due date, the term's end, or the non-renewal notice deadline. */
export type ReminderKind = 'review' | 'term-end' | 'notice';

export interface PlannedReminder {
	mouId: string;
	mouTitle: string;
	kind: ReminderKind;
	/** The date it is about (the review's due date, the term's end, the notice deadline). */
	dueOn: string;
	/** 'before:30', 'overdue:7'. */
	duePoint: string;
	/** "30 days before". */
	pointLabel: string;
	sendAt: Date;
	/** The send time in the district's zone, which the schedule follows. */
	districtZone: string;
	whenInDistrictZone: string;
	recipient: { userId: string; name: string; email: string; organizationName: string; timeZone: string };
	/** The send time in the recipient's own organization's zone. */
	whenInTheirZone: string;
}

async function plan(
	sql: Sql,
	mou: store.RemindableMou,
	point: Pick<DuePoint, 'key' | 'sendAt'>,
	skip: Set<string>,
	dueOn = mou.dueOn
): Promise<PlannedReminder[]> {
	const schedule = scheduleOf(mou);
	const people = await store.recipients(sql, mou.id, dueOn);
	return people
		.filter((p) => !skip.has(p.userId))
		.map((p) => {
			const zone = p.timeZone ?? schedule.timeZone;
			return {
				mouId: mou.id,
				mouTitle: mou.title,
				kind: kindOf(point.key),
				dueOn,
				duePoint: point.key,
				pointLabel: describeDuePoint(point.key),
				sendAt: point.sendAt,
				districtZone: schedule.timeZone,
				whenInDistrictZone: formatWhen(point.sendAt, schedule.timeZone),
				recipient: { userId: p.userId, name: p.name, email: p.email, organizationName: p.organizationName, timeZone: zone },
				whenInTheirZone: formatWhen(point.sendAt, zone)
			};
		});
}

function kindOf(duePoint: string): ReminderKind {
	if (duePoint.startsWith('term-end:')) return 'term-end';
	return duePoint.startsWith('notice:') ? 'notice' : 'review';
}

/** What a sweep at `now` would send: each MOU's current due point, to whoever has not had it. */
export async function dryRunSweep(sql: Sql, now: Date): Promise<PlannedReminder[]> {
	const planned: PlannedReminder[] = [];
	for (const mou of await store.remindableMous(sql)) {
		const dates = contractDates(await store.agreedState(sql, mou.id));
		for (const point of dates ? currentContractPoints(dates, scheduleOf(mou), now) : []) {
			planned.push(...(await plan(sql, mou, point, await store.deliveredTo(sql, mou.id, point.target, point.key), point.target)));
		}
		const point = currentDuePoint(scheduleOf(mou), mou.dueOn, now);
		if (!point) continue;
		planned.push(...(await plan(sql, mou, point, await store.deliveredTo(sql, mou.id, mou.dueOn, point.key))));
	}
	return planned;
}

/** For an administrator: the next reminder of each MOU their organization is a party to, to everyone it will go to. */
export async function upcomingReminders(sql: Sql, user: SessionUser, now = new Date()): Promise<PlannedReminder[] | null> {
	if (!user.isAdmin) return null;
	const planned: PlannedReminder[] = [];
	for (const mou of await store.remindableMousOf(sql, user.organizationId)) {
		const point = nextDuePoint(scheduleOf(mou), mou.dueOn, now);
		if (point) planned.push(...(await plan(sql, mou, point, new Set())));
		// The term's end and the non-renewal notice deadline, from the signed text, as the sweep sends them.
		const dates = contractDates(await store.agreedState(sql, mou.id));
		for (const next of dates ? nextContractPoints(dates, scheduleOf(mou), now) : []) planned.push(...(await plan(sql, mou, next, new Set(), next.target)));
	}
	// Other organizations' addresses are theirs to see.
	return planned
		.map((p) => (p.recipient.organizationName === user.organizationName ? p : { ...p, recipient: { ...p.recipient, email: '' } }))
		.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || a.mouTitle.localeCompare(b.mouTitle));
}

/** The dry run as lines for a terminal. */
export function describePlan(planned: PlannedReminder[], asOf: Date): string {
	if (planned.length === 0) return `A sweep at ${asOf.toISOString()} would send no reminders.`;
	const lines = [`A sweep at ${asOf.toISOString()} would send ${planned.length} reminder${planned.length === 1 ? '' : 's'} (dry run: nothing sent):`];
	for (const p of planned) {
		const about = p.kind === 'review' ? `review due ${p.dueOn}, ${p.pointLabel.toLowerCase()}` : `${p.dueOn}, ${p.pointLabel.toLowerCase()}`;
		lines.push(`  ${p.mouTitle} — ${about} (${p.duePoint})`);
		lines.push(
			`    to ${p.recipient.name} <${p.recipient.email}>, ${p.recipient.organizationName}: ${p.whenInTheirZone} (${p.recipient.timeZone}); ${p.whenInDistrictZone} in the district (${p.districtZone})`
		);
	}
	return lines.join('\n');
}
