import type { Sql, Tx } from '$lib/server/db';
import { NOTIFICATION_EVENTS, isNotificationEvent, type NotificationEvent } from '$lib/mail/notifications';
import * as store from './store';

/**
 * The one place that decides whether a notification about an event is mailed to a person: every
 * notification path (rounds, decisions, mentions, signing to counsel) asks here before it queues.
 * Mail a person needs to act or that proves something (their signing invitation and code,
 * confirmations, resets, invitations) does not ask: it always goes.
 */
export async function wantsMail(sql: Sql | Tx, email: string, event: NotificationEvent): Promise<boolean> {
	return !(await store.optedOut(sql, email, event));
}

/** Keeps the people who want mail about the event, in order. */
export async function keepWanting<T extends { email: string }>(sql: Sql | Tx, people: T[], event: NotificationEvent): Promise<T[]> {
	if (people.length === 0) return [];
	// One query for the whole list (this runs inside the transactions of approvals and rounds).
	const off = new Set(
		await store.optedOutAmong(
			sql,
			people.map((p) => p.email),
			event
		)
	);
	return people.filter((person) => !off.has(person.email.toLowerCase()));
}

export type NotificationChoices = Record<NotificationEvent, boolean>;

export async function getNotificationChoices(sql: Sql, userId: string): Promise<NotificationChoices> {
	const off = new Set(await store.listOptOuts(sql, userId));
	return Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, !off.has(event)])) as NotificationChoices;
}

/** Saves the events ticked in the form (`on`: the events wanted); anything unknown is ignored. */
export async function setNotificationChoices(sql: Sql, userId: string, on: unknown[]): Promise<NotificationChoices> {
	const wanted = new Set(on.filter(isNotificationEvent));
	await store.replaceOptOuts(
		sql,
		userId,
		NOTIFICATION_EVENTS.filter((event) => !wanted.has(event))
	);
	return getNotificationChoices(sql, userId);
}
