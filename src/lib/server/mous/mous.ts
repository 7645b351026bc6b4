import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { can, type Action } from '$lib/mou/lifecycle';
import { appendInitialState } from '$lib/server/collab';
import { initialDocumentUpdate, loadTemplate } from '$lib/server/templates';
import { applyProfile } from '$lib/profiles';
import { currentProfile, isStateCode } from '$lib/server/profiles';
import { cleanText } from '$lib/server/orgs';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import * as store from './store';
import { PARTY_NAME_TERM } from './party-names';
import { accessFor, type MouAccess } from './access';

/**
 * Counsel (or an administrator) starts a draft from the current template under the district's
 * state-law profile (`none`: NASRO alone), which adds or rewrites clauses before the first edit.
 */
export async function createMou(sql: Sql, user: SessionUser, input: { title: unknown; state?: unknown }): Promise<Outcome<{ id: string }>> {
	if (!can(user, 'createMou')) return failure('forbidden', 'Only counsel or an administrator can start an MOU.');
	const title = cleanText(input.title, 300);
	if (title.length < 3) return invalid({ title: 'Give the MOU a title of at least 3 characters.' });
	const state = input.state ?? 'none';
	if (!isStateCode(state)) return invalid({ state: 'Choose the state whose law governs the program, or “No state profile”.' });
	const base = loadTemplate();
	const profile = currentProfile(state, base);
	if (!profile) return invalid({ state: 'There is no profile for that state for the current template yet.' });
	const template = applyProfile(base, profile);
	const id = await sql.begin(async (tx) => {
		const mouId = await store.insertMou(tx, {
			title,
			templateId: template.id,
			templateVersion: template.version,
			stateCode: profile.code,
			stateProfileVersion: profile.version,
			createdBy: user.id
		});
		await store.insertParty(tx, mouId, user.organizationId, user.organizationKind);
		return mouId;
	});
	// The creator's organization names its side; the other side's name comes when it joins.
	await appendInitialState(sql, id, initialDocumentUpdate(template, { [PARTY_NAME_TERM[user.organizationKind]]: user.organizationName }));
	return ok({ id });
}

export function listMous(sql: Sql, user: SessionUser) {
	return store.listForOrganization(sql, user.organizationId);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's access to an MOU, or null when it does not exist or their organization is not a party. */
export async function getMouAccess(sql: Sql, user: SessionUser, mouId: string): Promise<MouAccess | null> {
	if (!UUID.test(mouId)) return null;
	const mou = await store.findForOrganization(sql, mouId, user.organizationId);
	return mou ? accessFor(user, mou) : null;
}

/**
 * The person's access to an MOU they would do `action` on: null when the MOU is not theirs, a
 * refusal (`refusal` says why) when their role may not do it. Its status the caller judges, to say
 * precisely why not.
 */
export async function accessToAct(sql: Sql, user: SessionUser, mouId: string, action: Action, refusal: string): Promise<Outcome<MouAccess> | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	return can(user, action) ? ok(access) : failure('forbidden', refusal);
}
