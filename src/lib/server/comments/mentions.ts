import type { SessionUser } from '$lib/server/auth';
import type { MouAccess } from '$lib/server/mous';
import { composeEmail, keepWanting, type Mailer } from '$lib/server/mail';
import { findMentions } from '$lib/comments/mentions';
import type { MentionablePerson, Visibility } from '$lib/comments/types';
import type { Sql } from '$lib/server/db';
import { can } from '$lib/mou/lifecycle';
import type { Party } from '$lib/mou/party';
import * as store from './store';

/** Mail for mentions goes through the outbox queue, never while the request waits on SMTP. Without a mailer nobody is mailed. */
export interface MentionMail {
	sql: Sql;
	mailer?: Mailer;
	/** The app's public origin, for the link in the email. */
	origin?: string;
}

/**
 * Who may be mentioned in a comment of this visibility: anyone who can read it, except its author.
 * A shared comment: every person of both parties. An internal one: counsel and signatories of the
 * author's own party (viewers never read internal threads, the other party never learns of them).
 */
export function mayBeMentioned(people: store.MouPerson[], author: { id: string; side: Party }, visibility: Visibility) {
	// Those who may comment read their party's internal threads (readerOf in comments.ts); the rule ignores isAdmin.
	const readsInternal = (p: store.MouPerson) => can({ role: p.role, isAdmin: false }, 'comment');
	return people.filter((p) => p.id !== author.id && (visibility === 'shared' || (p.party === author.side && readsInternal(p))));
}

const EXCERPT = 400;

/**
 * Mails everyone the body mentions who may read it and wants mention mail; anyone else named is
 * simply not notified. Returns the names of those who were mailed (not those who turned it off).
 */
export async function notifyMentions(
	deps: MentionMail,
	user: SessionUser,
	access: MouAccess,
	comment: { body: string; visibility: Visibility }
): Promise<string[]> {
	if (!comment.body.includes('@')) return [];
	const allowed = mayBeMentioned(await store.listMouPeople(deps.sql, access.mou.id), { id: user.id, side: access.side }, comment.visibility);
	const mentioned = findMentions(comment.body, allowed);
	const { mailer, origin } = deps;
	if (!mailer || !origin || mentioned.length === 0) return [];
	const mailed = await keepWanting(deps.sql, mentioned, 'mentions');
	const excerpt = comment.body.length > EXCERPT ? `${comment.body.slice(0, EXCERPT - 1)}…` : comment.body;
	for (const person of mailed) {
		const body = composeEmail({
			greeting: `Hello ${person.name},`,
			paragraphs: [
				`${user.name} of ${user.organizationName} mentioned you in ${comment.visibility === 'internal' ? 'an internal comment (only your party reads it)' : 'a comment'} on “${access.mou.title}”:`,
				`“${excerpt}”`
			],
			action: { label: 'Open the MOU', url: `${origin}/mous/${access.mou.id}` }
		});
		await mailer.queue({ to: person.email, subject: `${user.name} mentioned you on “${access.mou.title}”`, ...body, organizationId: person.organizationId });
	}
	return mailed.map((p) => p.name);
}

/** The names the comment box may match `@` against, with whether each may read an internal comment of this person (no addresses). */
export async function listMentionable(sql: Sql, user: SessionUser, access: MouAccess): Promise<MentionablePerson[]> {
	const people = await store.listMouPeople(sql, access.mou.id);
	const internal = new Set(mayBeMentioned(people, { id: user.id, side: access.side }, 'internal').map((p) => p.id));
	return mayBeMentioned(people, { id: user.id, side: access.side }, 'shared').map((p) => ({
		id: p.id,
		name: p.name,
		party: p.party,
		readsInternal: internal.has(p.id)
	}));
}
