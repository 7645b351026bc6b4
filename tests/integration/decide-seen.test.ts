import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { firstText } from '../helpers/mou-doc';
import { suggestionMark } from '../helpers/stored-edits';
import { decideSuggestions, openSuggestions } from '../../src/lib/server/redlines';
import { seenEntries } from '../../src/lib/document';

// A decision carries what its decider saw of each suggestion. The author typing on inside their
// own suggestion after that (the decision in flight) makes the server refuse the decision whole:
// nothing is accepted the decider never saw, and the new text stays an open suggestion. A bare
// Yjs client for each side over the real websocket, against real PostgreSQL.

const CLAUSE = 'purpose.mission';
const CHANGED = 'The agency changed this suggestion while you were deciding; look at it again.';

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { connected, deps } = live;

const hasText = (doc: Y.Doc, text: string) => JSON.stringify(firstText(doc, CLAUSE).toDelta()).includes(text);
const openTexts = async (mouId: string) => openSuggestions(await live.storedDoc(mouId)).map((s) => `${s.id}:${s.excerpt}`);
const decide = (mouId: string, ids: string[], seen: string[]) =>
	decideSuggestions(deps(), district.user, mouId, { suggestionIds: ids, decision: 'accept', seen });

/** The agency suggests "Monthly " (and "Weekly " under a second id); the district's copy has both. */
async function negotiating() {
	const mouId = await createMouBetween(live.sql, agency, district);
	const author = await connected(agency, mouId);
	const decider = await connected(district, mouId);
	const mark = suggestionMark(agency, 'agency', `seen-${Math.random().toString(36).slice(2, 8)}`);
	const other = suggestionMark(agency, 'agency', `${mark.id}-b`);
	author.edit((doc) => {
		firstText(doc, CLAUSE).insert(0, 'Monthly ', { insertion: mark });
		firstText(doc, CLAUSE).insert(firstText(doc, CLAUSE).length, ' Weekly', { insertion: other });
	});
	await within(author.allStored(), 'suggested');
	await waitFor(() => hasText(decider.doc, 'Weekly'), 'the district sees the suggestions');
	return { mouId, author, decider, mark, other };
}

/** The author types on inside their run (same mark); the decider's copy gets it afterwards. */
async function authorTypesOn(author: YjsClient, decider: YjsClient, mark: ReturnType<typeof suggestionMark>) {
	author.edit((doc) => firstText(doc, CLAUSE).insert(8, 'and unannounced ', { insertion: mark }));
	await within(author.allStored(), 'typed on');
	await waitFor(() => hasText(decider.doc, 'unannounced'), 'the district sees the new text');
}

describe('a decision on what its decider saw', () => {
	it('is refused when the author typed into the suggestion after it was seen; accepted once seen again', async () => {
		const { mouId, author, decider, mark } = await negotiating();
		const seen = seenEntries(decider.doc, [mark.id]);
		await authorTypesOn(author, decider, mark);

		expect(await decide(mouId, [mark.id], seen)).toEqual({ ok: false, errors: { form: CHANGED } });
		// Nothing changed: the whole run, the new text too, is still an open suggestion.
		expect(await openTexts(mouId)).toContain(`${mark.id}:Monthly and unannounced `);
		await decider.roundTrip();
		expect(JSON.stringify(firstText(decider.doc, CLAUSE).toDelta())).toContain(`"insert":"Monthly and unannounced ","attributes":{"insertion"`);

		expect(await decide(mouId, [mark.id], seenEntries(decider.doc, [mark.id]))).toEqual({ ok: true, value: { decided: 1 } });
		await waitFor(() => !hasText(decider.doc, `"id":"${mark.id}"`), 'accepted');
		expect(firstText(decider.doc, CLAUSE).toString()).toMatch(/^Monthly and unannounced /);
		expect((await openTexts(mouId)).some((s) => s.startsWith(`${mark.id}:`))).toBe(false);
	});

	it('in bulk: one changed suggestion refuses them all', async () => {
		const { mouId, author, decider, mark, other } = await negotiating();
		const seen = seenEntries(decider.doc, [mark.id, other.id]);
		expect(seen).toHaveLength(2);
		await authorTypesOn(author, decider, mark);

		expect(await decide(mouId, [mark.id, other.id], seen)).toEqual({
			ok: false,
			errors: { form: 'The agency changed one of these suggestions while you were deciding; look at it again.' }
		});
		expect(await openTexts(mouId)).toEqual(expect.arrayContaining([`${mark.id}:Monthly and unannounced `, `${other.id}: Weekly`]));
	});

	it('is refused without what was seen (an old tab, a raw post), or with another suggestion’s fingerprint', async () => {
		const { mouId, decider, mark, other } = await negotiating();
		const refused = { ok: false, errors: { form: expect.stringMatching(/did not say which version/) } };
		expect(await decide(mouId, [mark.id], [])).toEqual(refused);
		const otherSeen = seenEntries(decider.doc, [other.id])[0].split(':')[1];
		expect(await decide(mouId, [mark.id], [`${mark.id}:${otherSeen}`])).toEqual({ ok: false, errors: { form: CHANGED } });
		expect(await openTexts(mouId)).toEqual(expect.arrayContaining([`${mark.id}:Monthly `, `${other.id}: Weekly`]));
	});
});
