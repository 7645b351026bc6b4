import { createHash } from 'node:crypto';
import type { Sql, Tx } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { accessToAct, getMouAccess } from '$lib/server/mous';
import { isIsoDate } from '$lib/server/reminders';
import { mouProfile } from '$lib/server/profiles';
import { missingSteps, stepLabel, REVIEW_STEPS } from '$lib/profiles/review';
import type { DataBreakdown, ReviewStepKind } from '$lib/profiles/types';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import type { ReviewDeps } from './deps';
import * as store from './store';
import { acceptedPublicComments, isPublished, type PublicComment } from '$lib/server/publication';

/**
 * The review as a record: what was done for the review of the current due date, and what the
 * MOU's state profile still requires before the review can close (by confirmation or by a new
 * signed MOU). With the `none` profile every step is optional.
 */

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_SUMMARY = 4000;

export interface ReviewRecord {
	dueOn: string;
	profileName: string;
	cite: string | null;
	required: ReviewStepKind[];
	steps: store.ReviewStepRow[];
	missing: ReviewStepKind[];
	/** The state's law needs the MOU on its public page (Virginia), and whether it is. */
	requiresPublication: boolean;
	published: boolean;
	/** Public comments the district accepted for this review. */
	publicComments: PublicComment[];
	/** Breakdowns a data report given as figures must include (Washington: race, disability). */
	dataBreakdowns: DataBreakdown[];
}

/** The record of the review of `mou`'s current due date; null when it has none (not signed). */
export async function loadReviewRecord(
	sql: Sql | Tx,
	mou: { id: string; dueOn: string | null; templateId: string; templateVersion: string; stateCode: string; stateProfileVersion: string }
): Promise<ReviewRecord | null> {
	if (!mou.dueOn) return null;
	const profile = mouProfile(mou);
	const [steps, published, publicComments] = await Promise.all([
		store.listSteps(sql, mou.id, mou.dueOn),
		isPublished(sql as Sql, mou.id),
		acceptedPublicComments(sql as Sql, mou.id, mou.dueOn)
	]);
	return {
		dueOn: mou.dueOn,
		profileName: profile.name,
		cite: profile.review.cite,
		required: [...profile.review.requiredSteps],
		steps,
		missing: missingSteps(
			profile.review.requiredSteps,
			steps.map((s) => s.kind)
		),
		requiresPublication: profile.review.requiresPublication,
		published,
		publicComments,
		dataBreakdowns: [...(profile.review.dataBreakdowns ?? [])]
	};
}

/** What still stands between the review and its close, in words counsel can act on. */
export function recordBlockers(record: ReviewRecord | null): string[] {
	if (!record) return [];
	const law = `${record.profileName} law${record.cite ? ` (${record.cite})` : ''}`;
	const blockers: string[] = [];
	if (record.missing.length) {
		const names = record.missing.map((kind) => stepLabel(kind).toLowerCase());
		blockers.push(
			`${law} requires the review record to show: ${names.join(', ')}. Record ${record.missing.length === 1 ? 'it' : 'them'} on the review page first.`
		);
	}
	if (record.requiresPublication && !record.published) {
		blockers.push(`${law} requires the current MOU to be published: the district publishes it on its public page first.`);
	}
	return blockers;
}

/** For a review draft's approval: the blockers of the review it belongs to (none for other MOUs). */
export async function reviewDraftBlockers(sql: Sql | Tx, draftMouId: string): Promise<string[]> {
	const draft = await store.findMou(sql, draftMouId);
	if (!draft?.reviewsMouId) return [];
	const reviewed = await store.findMou(sql, draft.reviewsMouId);
	return reviewed ? recordBlockers(await loadReviewRecord(sql, reviewed)) : [];
}

export interface StepInput {
	kind: unknown;
	occurredOn: unknown;
	meetingOn?: unknown;
	where?: unknown;
	received?: unknown;
	summary?: unknown;
	resolution?: unknown;
	arrests?: unknown;
	citations?: unknown;
	useOfForce?: unknown;
	complaints?: unknown;
	/** The figures by race and ethnicity, and by IEP or Section 504 status (as the district gives them). */
	byRace?: unknown;
	byDisability?: unknown;
	file?: File | null;
}

const text = (value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');
const count = (value: unknown) => (typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : null);

/** The details one kind of step needs, checked; field errors keyed by input name. */
const BREAKDOWN_FIELD: Record<DataBreakdown, { key: 'byRace' | 'byDisability'; words: string }> = {
	race: { key: 'byRace', words: 'by race and ethnicity' },
	disability: { key: 'byDisability', words: 'by IEP or Section 504 status' }
};

function checkDetails(kind: ReviewStepKind, input: StepInput, occurredOn: string, hasFile: boolean, breakdowns: readonly DataBreakdown[]) {
	const errors: Record<string, string> = {};
	const details: Record<string, string | number> = {};
	if (kind === 'public_notice') {
		const meetingOn = text(input.meetingOn);
		if (!isIsoDate(meetingOn)) errors.meetingOn = 'Enter the date of the public meeting.';
		else if (meetingOn < occurredOn) errors.meetingOn = 'The meeting cannot be before the notice was given.';
		else details.meetingOn = meetingOn;
		const where = text(input.where);
		if (where.length < 3 || where.length > 300) errors.where = 'Say where the notice was published (3 to 300 characters).';
		else details.where = where;
	} else if (kind === 'community_input') {
		const received = count(input.received);
		if (received === null) errors.received = 'Enter how many comments were received, as a whole number.';
		else details.received = received;
		const summary = typeof input.summary === 'string' ? input.summary.trim() : '';
		if (summary.length < 20 || summary.length > MAX_SUMMARY) errors.summary = `Summarise the input in 20 to ${MAX_SUMMARY} characters.`;
		else details.summary = summary;
	} else if (kind === 'data_report') {
		for (const key of ['arrests', 'citations', 'useOfForce', 'complaints'] as const) {
			const raw = text(input[key]);
			if (!raw) continue;
			const n = count(raw);
			if (n === null) errors[key] = 'Enter a whole number.';
			else details[key] = n;
		}
		const figures = Object.keys(details).length;
		if (!hasFile && figures < 4 && !Object.keys(errors).length) errors.file = 'Attach the report, or enter all four figures.';
		for (const breakdown of ['race', 'disability'] as const) {
			const { key, words } = BREAKDOWN_FIELD[breakdown];
			const given = typeof input[key] === 'string' ? (input[key] as string).trim() : '';
			if (given.length > MAX_SUMMARY) errors[key] = `Keep the figures ${words} to ${MAX_SUMMARY} characters.`;
			else if (given) details[key] = given;
			else if (!hasFile && breakdowns.includes(breakdown)) errors[key] = `The law here asks for the figures ${words}: enter them, or attach the report.`;
		}
	} else if (kind === 'board_adoption') {
		const resolution = text(input.resolution);
		if (resolution.length < 1 || resolution.length > 100) errors.resolution = 'Enter the resolution number.';
		else details.resolution = resolution;
		if (!hasFile) errors.file = 'Attach the adopted resolution or the minutes.';
	}
	return { errors, details };
}

/** Counsel records one step of the review of a signed MOU's current due date. */
export async function recordReviewStep(
	deps: Pick<ReviewDeps, 'sql' | 'collab'>,
	user: SessionUser,
	mouId: string,
	input: StepInput,
	now = new Date()
): Promise<Outcome<{ id: string }> | null> {
	const checked = await accessToAct(deps.sql, user, mouId, 'recordReviewStep', 'Only counsel can add to the review record.');
	if (!checked?.ok) return checked;
	const access = checked.value;
	const mou = await store.findMou(deps.sql, mouId);
	if (!mou || mou.status !== 'signed' || !mou.dueOn) return failure('not_now', 'Only a signed MOU with a review date has a review record.');
	const kind = REVIEW_STEPS.find((s) => s.kind === input.kind)?.kind;
	if (!kind) return invalid({ kind: 'Choose what you are recording.' });
	const occurredOn = text(input.occurredOn);
	const file = input.file && input.file.size > 0 ? input.file : null;
	if (file && file.size > MAX_FILE_BYTES) return invalid({ file: 'The file can be at most 10 MB.' });
	const breakdowns = mouProfile(mou).review.dataBreakdowns ?? [];
	const { errors, details } = checkDetails(kind, input, occurredOn, !!file, breakdowns);
	if (!isIsoDate(occurredOn)) errors.occurredOn = 'Enter the date as a real date.';
	if (Object.keys(errors).length) return invalid(errors);
	const data = file ? new Uint8Array(await file.arrayBuffer()) : null;
	const id = await store.insertStep(deps.sql, {
		mouId,
		dueOn: mou.dueOn,
		kind,
		occurredOn,
		details,
		file:
			file && data
				? { name: fileName(file.name), type: file.type || 'application/octet-stream', data, sha256: createHash('sha256').update(data).digest('hex') }
				: null,
		party: access.side,
		userId: user.id,
		at: now
	});
	await store.insertEvent(deps.sql, {
		mouId,
		at: now,
		userId: user.id,
		party: access.side,
		kind: 'review_step',
		summary: `Recorded for the review due ${mou.dueOn}: ${stepLabel(kind).toLowerCase()} (${occurredOn})`,
		detail: { stepId: id, kind, occurredOn }
	});
	deps.collab?.notify?.(mouId, 'history');
	return ok({ id });
}

/** A file name safe to store and to send back in Content-Disposition. */
function fileName(name: string): string {
	const cleaned = name
		.replace(/[^\w.\- ]+/g, '_')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(-200);
	return cleaned || 'file';
}

/** A step's file for a party of the MOU (null: not a party, or no such file). */
export async function reviewStepFile(sql: Sql, user: SessionUser, mouId: string, stepId: string) {
	const access = await getMouAccess(sql, user, mouId);
	if (!access || !/^[0-9a-f-]{36}$/i.test(stepId)) return null;
	return store.stepFile(sql, mouId, stepId);
}
