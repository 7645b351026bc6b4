import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { generateToken, hashToken } from '$lib/server/auth';
import { composeEmail, type Mailer } from '$lib/server/mail';
import { getMouAccess } from '$lib/server/mous';
import { renderAgreement } from '$lib/server/signing';
import { mouProfile, mouTemplate } from '$lib/server/profiles';
import { addDays, localDate } from '$lib/server/reminders';
import { REVIEW_WINDOW_DAYS } from '$lib/profiles/review';
import { can } from '$lib/mou/lifecycle';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import * as store from './store';

/**
 * The public page of a published MOU and the public's comments on its review. The page shows the
 * current signed text (terms resolved), its dates and the signed DOCX's fingerprint — nothing about
 * the people involved, no comments, no history. A comment counts once its sender confirms their
 * address by an emailed link and the district accepts it; it never reaches the document.
 */

export const MAX_COMMENT_CHARS = 4000;
const MIN_COMMENT_CHARS = 10;
/** Comments per address and per IP in any 24 hours. */
export const COMMENTS_PER_EMAIL_PER_DAY = 3;
export const COMMENTS_PER_IP_PER_DAY = 10;
const DAY_MS = 24 * 3_600_000;
const EMAIL = /^[^\s@<>()",;:]{1,64}@[^\s@<>()",;:]{1,190}\.[a-z]{2,24}$/i;
const HTML = /<\s*[a-z!/?]/i;

export interface PublicPage {
	slug: string;
	title: string;
	agencyName: string | null;
	districtName: string | null;
	stateName: string | null;
	effectiveDate: string | null;
	nextReviewOn: string | null;
	docxSha256: string | null;
	html: string;
	outline: { id: string; text: string; level: number }[];
	/** The review is open, so the page takes comments. */
	commentsOpen: boolean;
}

async function published(sql: Sql, slug: string) {
	if (!/^[a-z0-9][a-z0-9-]{2,80}$/.test(slug)) return null;
	const publication = await store.findBySlug(sql, slug);
	if (!publication || publication.unpublishedAt) return null;
	const currentId = await store.currentSigned(sql, publication.mouId);
	const mou = currentId ? await store.publicMou(sql, currentId) : null;
	return mou && mou.status === 'signed' ? { publication, mou } : null;
}

function reviewOpen(mou: store.PublicMou, now: Date): boolean {
	if (!mou.dueOn) return false;
	if (mou.reviewStarted) return true;
	const today = localDate(now, mou.districtTimeZone ?? 'UTC');
	return today >= addDays(mou.dueOn, -REVIEW_WINDOW_DAYS);
}

/** The page anyone can read; null when not published (or taken down). */
export async function loadPublicPage(sql: Sql, slug: string, now = new Date()): Promise<PublicPage | null> {
	const found = await published(sql, slug);
	if (!found) return null;
	const { mou } = found;
	const signed = await store.signedText(sql, mou.id);
	if (!signed) return null;
	const rendered = renderAgreement(signed.state, mouTemplate(mou));
	const profile = mouProfile(mou);
	return {
		slug,
		title: mou.title,
		agencyName: mou.agencyName,
		districtName: mou.districtName,
		stateName: profile.code === 'none' ? null : profile.name,
		effectiveDate: mou.effectiveDate,
		nextReviewOn: mou.dueOn,
		docxSha256: signed.docxSha256,
		html: rendered.html,
		outline: rendered.outline,
		commentsOpen: reviewOpen(mou, now)
	};
}

export interface CommentInput {
	name: unknown;
	email: unknown;
	body: unknown;
}

/** Someone from the public comments on the open review; the comment waits for their address to be confirmed. */
export async function submitPublicComment(
	deps: { sql: Sql; mailer: Mailer; origin: string },
	slug: string,
	input: CommentInput,
	ip: string,
	now = new Date()
): Promise<Outcome<{ email: string }> | null> {
	const found = await published(deps.sql, slug);
	if (!found) return null;
	const { mou } = found;
	if (!reviewOpen(mou, now) || !mou.dueOn) return failure('not_now', 'Comments open when the MOU’s next review does.');
	const name = typeof input.name === 'string' ? input.name.replace(/\s+/g, ' ').trim().slice(0, 100) : '';
	const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
	// Control characters (other than tab and newline) have no place in a comment.
	const body =
		typeof input.body === 'string'
			? input.body
					.replace(/\r\n?/g, '\n')
					// eslint-disable-next-line no-control-regex
					.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
					.trim()
			: '';
	const errors: Record<string, string> = {};
	if (!EMAIL.test(email) || email.length > 254) errors.email = 'Enter your email address: we send a link to confirm the comment is yours.';
	if (body.length < MIN_COMMENT_CHARS) errors.body = `Write at least ${MIN_COMMENT_CHARS} characters.`;
	else if (body.length > MAX_COMMENT_CHARS) errors.body = `A comment can be at most ${MAX_COMMENT_CHARS} characters.`;
	else if (HTML.test(body) || HTML.test(name)) errors.body = 'Write plain text, without HTML tags.';
	if (Object.keys(errors).length) return invalid(errors);

	const counts = await store.recentCounts(deps.sql, email, ip, new Date(now.getTime() - DAY_MS));
	if (counts.byEmail >= COMMENTS_PER_EMAIL_PER_DAY || counts.byIp >= COMMENTS_PER_IP_PER_DAY) {
		return failure('rate_limited', 'Too many comments from this address today. Please try again tomorrow.');
	}
	const token = generateToken();
	await store.insertComment(deps.sql, {
		mouId: mou.id,
		dueOn: mou.dueOn,
		name: name || null,
		email,
		body,
		tokenHash: hashToken(token),
		ip: ip.slice(0, 64),
		at: now
	});
	const mail = composeEmail({
		greeting: name ? `Hello ${name},` : 'Hello,',
		paragraphs: [
			`You commented on the review of “${mou.title}”. Confirm that the comment is yours and it goes to ${mou.districtName ?? 'the school district'}, which reviews comments before they count.`,
			'If you did not send it, ignore this email and it will not be used. The link works for 7 days.'
		],
		action: { label: 'Confirm my comment', url: `${deps.origin}/p/${slug}/confirm/${token}` }
	});
	await deps.mailer.send({ to: email, subject: `Confirm your comment on “${mou.title}”`, ...mail, organizationId: mou.districtOrganizationId });
	return ok({ email });
}

/** The commenter's link: the comment now waits for the district's moderation. */
export async function confirmPublicComment(sql: Sql, token: string, now = new Date()): Promise<boolean> {
	if (!/^[a-z2-7]{20,64}$/.test(token)) return false;
	return (await store.verifyComment(sql, hashToken(token), now)) !== null;
}

async function currentReview(sql: Sql, mouId: string) {
	const mou = await store.publicMou(sql, mouId);
	return mou?.status === 'signed' && mou.dueOn ? { ...mou, dueOn: mou.dueOn } : null;
}

/** For the district's moderation: confirmed comments on the current review, in any state. */
export async function commentsToModerate(sql: Sql, user: SessionUser, mouId: string) {
	const access = await getMouAccess(sql, user, mouId);
	if (!access || access.side !== 'district' || !can(user, 'moderatePublicComments')) return null;
	const mou = await currentReview(sql, mouId);
	return mou ? store.verifiedComments(sql, mouId, mou.dueOn) : [];
}

export async function moderatePublicComment(
	sql: Sql,
	user: SessionUser,
	mouId: string,
	input: { commentId: unknown; decision: unknown },
	now = new Date()
): Promise<Outcome<void> | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	if (access.side !== 'district' || !can(user, 'moderatePublicComments', access.mou)) {
		return failure('forbidden', 'Only counsel or an administrator of the district moderates public comments.');
	}
	const decision = input.decision === 'accept' ? 'accepted' : input.decision === 'reject' ? 'rejected' : null;
	if (!decision || typeof input.commentId !== 'string' || !/^[0-9a-f-]{36}$/i.test(input.commentId))
		return invalid({ form: 'Choose a comment and accept or reject it.' });
	if (!(await store.moderate(sql, { mouId, commentId: input.commentId, status: decision, userId: user.id, at: now }))) {
		return failure('not_found', 'No such confirmed comment on this MOU.');
	}
	return ok();
}

/** Counsel of either party: the accepted public comments of the current review (the review workspace). */
export async function acceptedPublicComments(sql: Sql, mouId: string, dueOn: string) {
	return store.acceptedComments(sql, mouId, dueOn);
}

/** Whether the MOU's line is on its public page now (Virginia's review requires it). */
export async function isPublished(sql: Sql, mouId: string): Promise<boolean> {
	const publication = await store.findPublication(sql, await store.lineRoot(sql, mouId));
	return !!publication && !publication.unpublishedAt;
}
