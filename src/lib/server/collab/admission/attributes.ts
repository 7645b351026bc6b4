import * as Y from 'yjs';
import { CloseCode } from '../../../collab/protocol';
import { BODY_FIELD, TERMS_FIELD } from '../../../document';
import { newItems, placementsOf } from './placements';
import type { AdmissionCheck, Refusal } from './types';

/** A clause's identity: what makes it a template clause, locked or required. Only the template sets these. */
const IDENTITY = ['clauseId', 'level', 'nasro', 'locked'] as const;
type IdentityKey = (typeof IDENTITY)[number];

/** What an added clause carries when it is no template clause (the editor's defaults). */
const NEUTRAL: Record<IdentityKey, unknown> = { clauseId: null, level: 'custom', nasro: '', locked: false };

const refused = (reason: string): Refusal => ({ code: CloseCode.updateRefused, reason });

/**
 * Clause identity attributes come from the template (the server), never from a client: a client
 * may give a clause it adds only the editor's defaults, or the identity of an unlocked template
 * clause it puts back (restore) while no clause of that id is in the document. An existing
 * clause's identity never changes.
 */
export const clauseIdentity: AdmissionCheck = ({ intake, author }, { doc, rules }) => {
	if (author.kind === 'server') return null;
	const placements = placementsOf(intake, doc);
	const added = new Map<Y.AbstractType<unknown>, Map<IdentityKey, unknown>>();
	for (const item of newItems(intake, placements)) {
		const placement = placements.placementOf(item);
		const key = placement?.parentSub;
		if (!placement || !isIdentityKey(key) || !isClause(placement.parent)) continue;
		if (!placement.parentIsNew || placements.rootOf(placement) !== BODY_FIELD) return refused(`changes the ${key} of a clause; only the template sets it`);
		const values = added.get(placement.parent!) ?? new Map<IdentityKey, unknown>();
		values.set(key, item.content instanceof Y.ContentAny ? item.content.getContent()[0] : Symbol('not a value'));
		added.set(placement.parent!, values);
	}
	for (const values of added.values()) {
		const refusal = addedClauseRefusal(values, rules.restorableClause.bind(rules), doc);
		if (refusal) return refusal;
	}
	return removedIdentityRefusal(intake.decoded.ds, doc);
};

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/**
 * Removing an identity attribute changes the clause as much as overwriting it (`level` falls back
 * to "custom"); removing the whole clause takes its attributes with it and is fine.
 */
function removedIdentityRefusal(ds: DeleteSet, doc: Y.Doc): Refusal | null {
	for (const [client, ranges] of ds.clients) {
		const structs = doc.store.clients.get(client);
		if (!structs) continue;
		for (const { clock, len } of ranges) {
			if (clock >= Y.getState(doc.store, client)) continue;
			for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
				const item = structs[i];
				if (!(item instanceof Y.Item) || item.deleted || !isIdentityKey(item.parentSub)) continue;
				const clauseItem = isClause(item.parent as Y.AbstractType<unknown>) ? (item.parent as Y.XmlElement)._item : null;
				if (clauseItem && !clauseItem.deleted && !deletes(ds, clauseItem.id))
					return refused(`removes the ${item.parentSub} of a clause; only the template sets it`);
			}
		}
	}
	return null;
}

function deletes(ds: DeleteSet, id: Y.ID): boolean {
	return (ds.clients.get(id.client) ?? []).some(({ clock, len }) => id.clock >= clock && id.clock < clock + len);
}

function addedClauseRefusal(
	values: Map<IdentityKey, unknown>,
	restorable: (clauseId: string) => { level: string; nasro: string } | null,
	doc: Y.Doc
): Refusal | null {
	const clauseId = values.get('clauseId') ?? null;
	const isNeutral = (key: IdentityKey) => !values.has(key) || sameValue(key, values.get(key));
	if (clauseId === null) {
		const wrong = IDENTITY.find((key) => !isNeutral(key));
		return wrong ? refused(`adds a clause with its own ${wrong}; only the template makes locked or required clauses`) : null;
	}
	const template = typeof clauseId === 'string' ? restorable(clauseId) : null;
	if (!template) return refused('adds a clause with a template clause’s identity; only the template makes locked or required clauses');
	if (clausePresent(doc, clauseId as string)) return refused(`adds a second clause ${clauseId}`);
	const expected: Record<IdentityKey, unknown> = { clauseId, level: template.level, nasro: template.nasro, locked: false };
	for (const key of IDENTITY) {
		if (values.has(key) && !looselyEqual(values.get(key), expected[key])) return refused(`adds clause ${clauseId} with a ${key} the template does not give it`);
	}
	return null;
}

/** Fill-in terms hold what their declared type allows (new keys and overwrites alike). */
export const termValues: AdmissionCheck = ({ intake, author }, { doc, rules }) => {
	if (author.kind === 'server') return null;
	const placements = placementsOf(intake, doc);
	for (const item of newItems(intake, placements)) {
		if (!(item.content instanceof Y.ContentAny)) continue;
		const placement = placements.placementOf(item);
		if (placement?.root !== TERMS_FIELD || placement.parentSub === null) continue;
		const value = item.content.getContent()[0];
		// Not text at all: the lock guard refuses it; an empty value is a term not filled in yet.
		if (typeof value !== 'string' || value.trim() === '') continue;
		const problem = rules.termProblem(placement.parentSub, value);
		if (problem) return refused(`writes a term value that does not fit: ${problem}`);
	}
	return null;
};

function isIdentityKey(key: string | null | undefined): key is IdentityKey {
	return (IDENTITY as readonly string[]).includes(key ?? '');
}

function isClause(type: Y.AbstractType<unknown> | null): boolean {
	return type instanceof Y.XmlElement && type.nodeName === 'clause';
}

function sameValue(key: IdentityKey, value: unknown): boolean {
	return looselyEqual(value, NEUTRAL[key]);
}

/** y-prosemirror writes attribute values as they are; `locked` may arrive as a string. */
function looselyEqual(value: unknown, expected: unknown): boolean {
	if (value === expected) return true;
	if (typeof expected === 'boolean') return value === String(expected);
	return false;
}

function clausePresent(doc: Y.Doc, clauseId: string): boolean {
	for (const node of doc.getXmlFragment(BODY_FIELD).toArray()) {
		if (node instanceof Y.XmlElement && node.nodeName === 'clause' && node.getAttribute('clauseId') === clauseId) return true;
	}
	return false;
}
