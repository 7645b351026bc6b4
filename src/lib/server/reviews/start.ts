import type { SessionUser } from '$lib/server/auth';
import { appendInitialState } from '$lib/server/collab';
import { composeEmail } from '$lib/server/mail';
import { getMouAccess, touchActivity } from '$lib/server/mous';
import { hasSqlState, SqlState } from '$lib/server/db';
import { otherParty } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';
import { localDate, reviewTimeZone } from '$lib/server/reminders';
import { failure, ok, type Outcome } from '$lib/errors';
import type { ReviewDeps } from './deps';
import * as store from './store';
import { reviewStart, startSummary, type ReviewStart } from './template';

const MAX_TITLE = 300;
const REVIEW_SUFFIX = / — \d{4} review$/;

export interface ReviewStarted {
	/** The new draft. */
	mouId: string;
	title: string;
	/** The draft moved to a newer template than the signed MOU's: what could not come along. */
	upgrade?: NonNullable<ReviewStart['upgrade']>;
}

/** "Springfield SRO MOU — 2028 review" (a review of a review does not stack suffixes). */
export function reviewTitle(signedTitle: string, year: number): string {
	const suffix = ` — ${year} review`;
	const base = signedTitle.replace(REVIEW_SUFFIX, '');
	return base.slice(0, MAX_TITLE - suffix.length).trimEnd() + suffix;
}

/**
 * Counsel of either party starts the periodic review of a signed MOU: a new MOU between the same
 * parties, in negotiation from the start (every change a tracked suggestion), whose document is the
 * signed text — the agreed version's stored Yjs state, byte for byte, so its history continues —
 * or, when the signed MOU is on an older template, the newest one with the signed values and the
 * parties' own clauses (template.ts). The signed MOU stays as it is; its reminders stop.
 */
export async function startReview(deps: ReviewDeps, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<ReviewStarted> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'startReview')) return failure('forbidden', 'Only counsel can start the review of an MOU.');
	const zone = await reviewTimeZone(deps.sql, mouId);

	let started: Outcome<Omit<ReviewStarted, 'upgrade'> & { signedTitle: string; year: number; upgrade: ReviewStart['upgrade'] }>;
	try {
		started = await deps.sql.begin(async (tx) => {
			const signed = await store.lockMou(tx, mouId);
			if (!signed) return failure('not_found', 'No such MOU.');
			if (signed.status !== 'signed') {
				return failure(
					'not_now',
					signed.status === 'terminated'
						? 'This MOU has ended: there is nothing to review.'
						: 'Only a signed MOU can be reviewed. Finish negotiating and signing it first.'
				);
			}
			const live = await store.liveReview(tx, mouId);
			if (live) return failure('not_now', `The review of this MOU has already started: “${live.title}”.`);
			const agreed = await store.agreedVersion(tx, mouId);
			if (!agreed) return failure('not_now', 'The signed text of this MOU cannot be found, so a review cannot start from it.');

			const year = Number((signed.dueOn ?? localDate(now, zone)).slice(0, 4));
			const title = reviewTitle(signed.title, year);
			const start = reviewStart(signed, agreed.state, access.mou.parties);
			const draftId = await store.insertReviewDraft(tx, {
				title,
				templateId: signed.templateId,
				templateVersion: start.templateVersion,
				// A review keeps the state its MOU was signed under (the law it answers to).
				stateCode: signed.stateCode,
				stateProfileVersion: start.stateProfileVersion,
				createdBy: user.id,
				reviewsMouId: mouId,
				now
			});
			await touchActivity(tx, draftId, now);
			await store.copyParties(tx, mouId, draftId, now);
			if (!start.upgrade) await store.copyClientBindings(tx, mouId, draftId);
			await appendInitialState(tx, draftId, start.state);
			await store.insertEvent(tx, {
				mouId: draftId,
				at: now,
				userId: user.id,
				party: access.side,
				kind: 'review_started',
				summary: startSummary(year, signed.title, start.upgrade),
				detail: { reviewsMouId: mouId, versionId: agreed.id, sha256: agreed.sha256, ...(start.upgrade ? { upgrade: start.upgrade } : {}) }
			});
			await store.insertEvent(tx, {
				mouId,
				at: now,
				userId: user.id,
				party: access.side,
				kind: 'review_started',
				summary: `Started the ${year} review: “${title}”. Reminders for this MOU stop.`,
				detail: { reviewMouId: draftId }
			});
			await touchActivity(tx, mouId, now);
			return ok({ mouId: draftId, title, signedTitle: signed.title, year, upgrade: start.upgrade });
		});
	} catch (error) {
		// Two counsel pressing at once: the unique index lets one review through.
		if (hasSqlState(error, SqlState.uniqueViolation)) return failure('not_now', 'The review of this MOU has already started.');
		throw error;
	}
	if (!started.ok) return started;

	deps.collab?.notify?.(mouId, 'history');
	deps.collab?.notify?.(mouId, 'status');
	const draft = started.value;
	for (const person of await store.counselOf(deps.sql, mouId, otherParty(access.side))) {
		const body = composeEmail({
			greeting: `Hello ${person.name},`,
			paragraphs: [
				`${user.name} of ${user.organizationName} has started the ${draft.year} review of “${draft.signedTitle}”.`,
				draft.upgrade
					? `The review draft starts from template ${draft.upgrade.to} with the signed values and the Parties’ own clauses. Every change is a tracked suggestion, as in the original negotiation, and the compare view shows the changes against the signed MOU.`
					: 'The review draft starts from the signed text. Every change is a tracked suggestion, as in the original negotiation, and the compare view shows the changes against the signed MOU.'
			],
			action: { label: 'Open the review draft', url: `${deps.origin}/mous/${draft.mouId}` }
		});
		await deps.mailer.send({ to: person.email, subject: `Review started: “${draft.signedTitle}”`, ...body, organizationId: user.organizationId });
	}
	return ok({ mouId: draft.mouId, title: draft.title, ...(draft.upgrade ? { upgrade: draft.upgrade } : {}) });
}
