import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess, type MouAccess } from '$lib/server/mous';
import { loadDocumentState } from '$lib/server/collab';
import { reviewBaseline } from '$lib/server/reviews';
import { mouTemplate } from '$lib/server/profiles';
import { termPresentation } from '$lib/editor/term-values';
import type { Template } from '$lib/templates/types';
import type { ClientDirectory } from './attribution';
import { compareStates } from './compare';
import * as store from './store';
import type { Attribution, Comparison, VersionOption } from '$lib/compare/types';
import { failure, ok, type Outcome } from '$lib/errors';

/** The draft as it stands: always the newest state, since every version is a state of it. */
export const CURRENT = 'current';
/** For an annual-review draft: the signed MOU it reviews (its agreed text starts this draft's history). */
export const SIGNED = 'signed';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CompareSide {
	id: string;
	label: string;
}

export interface ComparePage {
	access: MouAccess;
	versions: VersionOption[];
	/** What the selects show (the request's choice, or the default). */
	from: string;
	to: string;
	/** The two states compared, older first; null when the MOU has no version yet. */
	older: CompareSide | null;
	newer: CompareSide | null;
	/** The request named the newer version first; the view still reads older → newer. */
	swapped: boolean;
	comparison: Comparison | null;
}

/**
 * The compare view for a party to the MOU: `from`/`to` are version ids or 'current'; missing
 * ones default to the other side's latest round against the current draft (what they sent, and
 * what has happened to it since), else the latest round. Strangers get 404, as for the MOU.
 */
export async function loadComparison(
	sql: Sql,
	user: SessionUser,
	mouId: string,
	query: { from: string | null; to: string | null }
): Promise<Outcome<ComparePage>> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return failure('not_found', 'No such MOU.');
	for (const [name, value] of Object.entries(query)) {
		if (value !== null && value !== CURRENT && value !== SIGNED && !UUID.test(value)) {
			return failure('invalid_input', `The “${name}” version is not a version id. Choose the versions from the lists.`);
		}
	}
	const [ownVersions, baseline] = await Promise.all([store.listVersions(sql, mouId), reviewBaseline(sql, mouId)]);
	const versions = baseline ? [signedOption(baseline), ...ownVersions] : ownVersions;
	const theirRound = ownVersions.findLast((v) => v.kind === 'round' && v.party !== null && v.party !== access.side);
	const latestRound = theirRound ?? ownVersions.findLast((v) => v.kind === 'round') ?? ownVersions[ownVersions.length - 1];
	// A review draft is compared against the signed MOU by default.
	const from = query.from ?? (baseline ? SIGNED : (latestRound?.id ?? CURRENT));
	const to = query.to ?? CURRENT;
	const empty = { access, versions, from, to, older: null, newer: null, swapped: false, comparison: null };
	if (!versions.length && from === CURRENT && to === CURRENT) return ok(empty);

	const a = pick(versions, from);
	const b = pick(versions, to);
	if (!a || !b) return failure('not_found', 'This MOU has no such version. Choose the versions from the lists.');
	const swapped = isNewer(a, b);
	const [older, newer] = swapped ? [b, a] : [a, b];
	const [olderState, newerState, directory] = await Promise.all([
		stateOf(sql, mouId, older, baseline?.state),
		stateOf(sql, mouId, newer, baseline?.state),
		clientDirectory(sql, mouId)
	]);
	const template = mouTemplate(access.mou);
	const comparison = compareStates(olderState, newerState, { directory, presentation: termPresentation(template.terms) });
	comparison.terms = labelTerms(comparison, template);
	return ok({ ...empty, older: side(older), newer: side(newer), swapped, comparison });
}

type Picked = VersionOption | typeof CURRENT;

function pick(versions: VersionOption[], id: string): Picked | null {
	return id === CURRENT ? CURRENT : (versions.find((v) => v.id === id) ?? null);
}

/** Versions are ordered by the log position they were taken at (then number); the draft is newest. */
function isNewer(a: Picked, b: Picked): boolean {
	if (a === CURRENT || b === CURRENT) return a === CURRENT && b !== CURRENT;
	const [seqA, seqB] = [BigInt(a.throughSeq), BigInt(b.throughSeq)];
	return seqA === seqB ? a.number > b.number : seqA > seqB;
}

function side(picked: Picked): CompareSide {
	return picked === CURRENT ? { id: CURRENT, label: 'Current draft' } : { id: picked.id, label: picked.label };
}

/** The signed MOU as the oldest version of its review draft. */
function signedOption(baseline: { label: string; title: string }): VersionOption {
	return { id: SIGNED, number: 0, kind: 'agreed', label: `Signed MOU — ${baseline.label}`, party: null, createdAt: '', throughSeq: '0' };
}

async function stateOf(sql: Sql, mouId: string, picked: Picked, signedState?: Uint8Array): Promise<Uint8Array> {
	if (picked === CURRENT) return loadDocumentState(sql, mouId);
	if (picked.id === SIGNED && signedState) return signedState;
	return (await store.versionState(sql, mouId, picked.id))!;
}

async function clientDirectory(sql: Sql, mouId: string): Promise<ClientDirectory> {
	const [clients, undone] = await Promise.all([store.boundClients(sql, mouId), store.undoneInsertions(sql, mouId)]);
	const byClient = new Map<number, Attribution>(clients.map((c) => [Number(c.clientId), { party: c.party, author: c.name }]));
	const bySuggestion = new Map<string, Attribution>(undone.map((d) => [d.suggestionId, { party: d.party, author: d.name }]));
	return { client: (id) => byClient.get(id) ?? null, undoneBy: (id) => bySuggestion.get(id) ?? null };
}

/** Term changes in the template's order, each with its label and readable values. */
function labelTerms(comparison: Comparison, template: Template) {
	const order = new Map(template.terms.map((term, index) => [term.key, index]));
	const position = (key: string) => order.get(key) ?? order.size;
	const { label, format } = termPresentation(template.terms);
	return comparison.terms
		.map((change) => ({
			...change,
			label: label(change.key),
			before: change.before && format(change.key, change.before),
			after: change.after && format(change.key, change.after)
		}))
		.sort((x, y) => position(x.key) - position(y.key));
}
