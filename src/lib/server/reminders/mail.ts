import { composeEmail } from '$lib/server/mail';
import { formatLongDate } from './time';

export interface ReminderFacts {
	mouId: string;
	title: string;
	agencyName: string | null;
	districtName: string | null;
	dueOn: string;
	intervalMonths: number;
	/** From the district's today: positive before the due date, 0 on it, negative when overdue. */
	daysLeft: number;
	/** What the state's law still needs in the review record (“board adoption”), if anything. */
	missingSteps?: string[];
	lawName?: string;
}

function days(n: number): string {
	return `${n} day${n === 1 ? '' : 's'}`;
}

export function reminderSubject(facts: ReminderFacts): string {
	const when = facts.daysLeft > 0 ? `due in ${days(facts.daysLeft)}` : facts.daysLeft === 0 ? 'due today' : `overdue by ${days(-facts.daysLeft)}`;
	return `Review ${when}: “${facts.title}”`;
}

function interval(months: number): string {
	if (months === 12) return 'every 12 months';
	return months % 12 === 0 ? `every ${months / 12} years (${months} months)` : `every ${months} month${months === 1 ? '' : 's'}`;
}

/**
 * What is due and when, what to do about it, and a link to the MOU's review page. The footer names
 * the reminder's id: an interrupted hand-over finds its one outbox message by it.
 */
export function reminderEmail(facts: ReminderFacts, person: { name: string; organizationName: string }, deliveryId: string, origin: string) {
	const parties = [facts.agencyName, facts.districtName].filter(Boolean).join(' and ');
	const due = formatLongDate(facts.dueOn);
	const status =
		facts.daysLeft > 0
			? `is due on ${due}, in ${days(facts.daysLeft)}.`
			: facts.daysLeft === 0
				? `is due today, ${due}.`
				: `was due on ${due} and is ${days(-facts.daysLeft)} overdue.`;
	const body = composeEmail({
		greeting: `Hello ${person.name},`,
		paragraphs: [
			`The periodic review of “${facts.title}”${parties ? ` between ${parties}` : ''} ${status} The MOU provides for a review ${interval(facts.intervalMonths)}.`,
			'Counsel of either party can start the review from the signed text — a new draft negotiated with the same tracked changes — or, if nothing needs to change, counsel of both parties confirm the review without changes and the next review moves a full interval forward.',
			...(facts.missingSteps?.length
				? [
						`Before the review can close, ${facts.lawName ?? 'state'} law requires its record to show what is still missing: ${facts.missingSteps.join(', ')}. Counsel record each step on the review page.`
					]
				: []),
			`Reminders stop once the review is started or confirmed. You receive them as counsel, signatory or administrator of ${person.organizationName}.`,
			`The MOU: ${origin}/mous/${facts.mouId}`
		],
		action: { label: 'Open the review', url: `${origin}/mous/${facts.mouId}/review` },
		footer: `MOU Studio review reminder · reference ${deliveryId}`
	});
	return { subject: reminderSubject(facts), ...body };
}
