import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { can } from '$lib/mou/lifecycle';
import { ChangeRefused, DocumentFrozen, type CollabServer } from '$lib/server/collab';
import { loadTemplate } from '$lib/server/templates';
import { applyProfile } from '$lib/profiles';
import { currentProfile, isStateCode, mouProfile, mouTemplate, reapplyTemplate, type ReapplyReport } from '$lib/server/profiles';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import * as store from './store';
import { getMouAccess } from './mous';

const TOO_LATE = 'The state can no longer change: negotiation with the other party has started, and the locked text both parties negotiate stays as it is.';

/** The draft left `draft` (or its profile changed) between the check and the write. */
class NoLongerDraft extends Error {}

/**
 * Counsel changes the district's state while the MOU is still a draft: the new profile is applied
 * to the MOU's template and the live document follows (locked cores replaced, the profile's
 * clauses and terms added or removed), keeping what the parties wrote in unlocked clauses. Null
 * when the MOU does not exist for this user.
 */
export async function changeStateProfile(
	deps: { sql: Sql; collab: Pick<CollabServer, 'rewriteTemplate'> },
	user: SessionUser,
	mouId: string,
	input: { state: unknown }
): Promise<Outcome<{ name: string; report: ReapplyReport | null }> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	const { mou } = access;
	if (!can(user, 'changeStateProfile')) return failure('forbidden', 'Only counsel can change the state whose law governs the MOU.');
	if (!can(user, 'changeStateProfile', mou)) return failure('not_now', TOO_LATE);
	if (!isStateCode(input.state)) return invalid({ state: 'Choose the state whose law governs the program, or “No state profile”.' });
	const base = loadTemplate(mou.templateId, mou.templateVersion);
	const profile = currentProfile(input.state, base);
	if (!profile) return invalid({ state: `There is no profile for that state for template ${mou.templateVersion}.` });
	if (profile.code === mou.stateCode && profile.version === mou.stateProfileVersion) return ok({ name: profile.name, report: null });

	const from = mouTemplate(mou);
	// A value the old state's law imposed (the state's name) is the law's, not the parties'.
	const forced = new Set(
		mouProfile(mou)
			.terms.filter((rule) => rule.equals !== undefined)
			.map((rule) => rule.key)
	);
	try {
		const report = await deps.collab.rewriteTemplate(
			mouId,
			user.id,
			(doc) => reapplyTemplate(doc, from, applyProfile(base, profile), forced),
			async (tx) => {
				if (!(await store.setStateProfile(tx, mouId, mou.stateCode, profile))) throw new NoLongerDraft();
			}
		);
		return ok({ name: profile.name, report });
	} catch (error) {
		if (error instanceof NoLongerDraft || error instanceof DocumentFrozen) return failure('not_now', TOO_LATE);
		if (!(error instanceof ChangeRefused)) console.error('mous.changeStateProfile', error);
		return failure('not_now', 'The draft could not take the new state’s text right now; reload the page and try again.');
	}
}
