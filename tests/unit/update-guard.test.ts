import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { DOCUMENT_ROOTS } from '../../src/lib/document';
import { createUpdateGuard, type UpdateGuard } from '../../src/lib/server/collab/guard';

type PMNode = { type: string; attrs?: Record<string, unknown>; content?: PMNode[]; text?: string; marks?: { type: string }[] };

const paragraph = (...content: PMNode[]): PMNode => ({ type: 'paragraph', content });
const text = (value: string, marks?: { type: string }[]): PMNode => ({ type: 'text', text: value, marks });
const clause = (clauseId: string, locked: boolean, ...content: PMNode[]): PMNode => ({
	type: 'clause',
	attrs: { clauseId, title: `Clause ${clauseId}`, level: locked ? 'required' : 'custom', nasro: locked ? '01.01.04-c' : '', locked },
	content
});

const LOCKED_TEXT = 'The agency shall assign ';
const mouJson = (): PMNode => ({
	type: 'doc',
	content: [
		{ type: 'heading', attrs: { level: 1 }, content: [text('Memorandum of Understanding')] },
		clause('purpose', true, paragraph(text(LOCKED_TEXT), { type: 'term', attrs: { key: 'agencyName' } }, text(' sworn officers', [{ type: 'bold' }]))),
		clause('local', false, paragraph(text('Parking is provided by the district.')))
	]
});

/** The server's authoritative doc, built the way the app builds it (gc off, terms filled in). */
function serverDocFrom(json: PMNode): Y.Doc {
	const seed = prosemirrorJSONToYDoc(documentSchema, json, 'body');
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed));
	doc.getMap('terms').set('agencyName', 'Springfield Police Department');
	return doc;
}

function clientOf(server: Y.Doc): Y.Doc {
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	return client;
}

/** Runs one real edit on the client and returns the update it broadcasts. */
function edit(doc: Y.Doc, change: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	doc.on('update', capture);
	doc.transact(change);
	doc.off('update', capture);
	expect(updates).toHaveLength(1);
	return updates[0];
}

/** An edit made by a client freshly synced from the server (a refused edit leaves its author out of sync). */
function freshEdit(change: (doc: Y.Doc) => void): Uint8Array {
	const doc = clientOf(server);
	return edit(doc, () => change(doc));
}

const body = (doc: Y.Doc) => doc.getXmlFragment('body');
const lockedClause = (doc: Y.Doc) => body(doc).get(1) as Y.XmlElement;
const unlockedClause = (doc: Y.Doc) => body(doc).get(2) as Y.XmlElement;
const firstText = (element: Y.XmlElement) => (element.get(0) as Y.XmlElement).get(0) as Y.XmlText;
const boldText = (doc: Y.Doc) => (lockedClause(doc).get(0) as Y.XmlElement).get(2) as Y.XmlText;

let server: Y.Doc;
let client: Y.Doc;
let guard: UpdateGuard;

beforeEach(() => {
	server = serverDocFrom(mouJson());
	client = clientOf(server);
	guard = createUpdateGuard(server, { allowedRoots: DOCUMENT_ROOTS });
});

function expectAccepted(update: Uint8Array, clients: number[] = [client.clientID]) {
	const before = Y.encodeStateAsUpdate(server);
	expect(guard.check(update)).toEqual({ ok: true, clients });
	expect(Y.encodeStateAsUpdate(server)).toEqual(before);
	Y.applyUpdate(server, update);
}

function expectRefused(update: Uint8Array, reason: string | RegExp) {
	const before = Y.encodeStateAsUpdate(server);
	const bodyBefore = body(server).toString();
	const verdict = guard.check(update);
	expect(verdict.ok).toBe(false);
	if (!verdict.ok) expect(verdict.reason).toMatch(reason);
	expect(Y.encodeStateAsUpdate(server)).toEqual(before);
	expect(body(server).toString()).toBe(bodyBefore);
}

describe('update guard: edits the parties may make', () => {
	it('indexes the locked clause (element, attributes, paragraph, text, term, bold run)', () => {
		expect(guard.lockedItemCount).toBeGreaterThanOrEqual(12);
	});

	it('accepts typing into an unlocked clause', () => {
		expectAccepted(edit(client, () => firstText(unlockedClause(client)).insert(8, 'visitor ')));
		expect(firstText(unlockedClause(server)).toString()).toBe('Parking visitor is provided by the district.');
	});

	it('accepts a new paragraph before and after the locked clause', () => {
		const provision = (words: string) => {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(words)]);
			return p;
		};
		expectAccepted(edit(client, () => body(client).insert(1, [provision('Added before.')])));
		expectAccepted(edit(client, () => body(client).insert(3, [provision('Added after.')])));
		const texts = body(server)
			.toArray()
			.map((node) => (node as Y.XmlElement).nodeName);
		expect(texts).toEqual(['heading', 'paragraph', 'clause', 'paragraph', 'clause']);
		expect(body(server).get(3).toString()).toContain('Added after.');
	});

	it('accepts filling in a term, even one shown inside a locked clause', () => {
		expectAccepted(edit(client, () => client.getMap('terms').set('agencyName', 'Shelbyville Sheriff')));
		expect(server.getMap('terms').get('agencyName')).toBe('Shelbyville Sheriff');
	});

	it('accepts deleting an unlocked clause', () => {
		expectAccepted(
			edit(client, () => body(client).delete(2, 1)),
			[]
		);
		expect(body(server).length).toBe(2);
	});

	it('accepts a reconnecting client re-sending everything the server lacks', () => {
		firstText(unlockedClause(client)).insert(0, 'Offline: ');
		client.getMap('terms').set('districtName', 'Springfield USD');
		expectAccepted(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
		expect(firstText(unlockedClause(server)).toString()).toMatch(/^Offline: /);
	});
});

describe('update guard: locked clauses cannot change', () => {
	it('refuses inserting text inside the locked clause', () => {
		expectRefused(
			freshEdit((c) => firstText(lockedClause(c)).insert(4, 'local ')),
			/locked clause/
		);
	});

	it('refuses inserting text at the very start and end of the locked text', () => {
		expectRefused(
			freshEdit((c) => firstText(lockedClause(c)).insert(0, 'Not ')),
			/locked clause/
		);
		expectRefused(
			freshEdit((c) => boldText(c).insert(boldText(c).length, '!')),
			/locked clause/
		);
	});

	it('refuses formatting its text', () => {
		expectRefused(
			freshEdit((c) => firstText(lockedClause(c)).format(0, 3, { italic: {} })),
			/locked clause/
		);
	});

	it('refuses changing or adding its attributes', () => {
		expectRefused(
			freshEdit((c) => lockedClause(c).setAttribute('locked', false as never)),
			/locked clause/
		);
		expectRefused(
			freshEdit((c) => lockedClause(c).setAttribute('title', 'Renamed')),
			/locked clause/
		);
		expectRefused(
			freshEdit((c) => lockedClause(c).setAttribute('note', 'sneaky')),
			/locked clause/
		);
		expectRefused(
			freshEdit((c) => lockedClause(c).removeAttribute('nasro')),
			/locked clause/
		);
	});

	it('refuses deleting the locked clause', () => {
		expectRefused(
			freshEdit((c) => body(c).delete(1, 1)),
			'deletes locked clause content'
		);
	});

	it('refuses deleting a run of siblings that includes it', () => {
		expectRefused(
			freshEdit((c) => body(c).delete(0, 3)),
			'deletes locked clause content'
		);
	});

	it('refuses deleting one character, the term, or the paragraph inside it', () => {
		expectRefused(
			freshEdit((c) => firstText(lockedClause(c)).delete(2, 1)),
			'deletes locked clause content'
		);
		const lockedParagraph = (doc: Y.Doc) => lockedClause(doc).get(0) as Y.XmlElement;
		expectRefused(
			freshEdit((c) => lockedParagraph(c).delete(1, 1)),
			'deletes locked clause content'
		);
		expectRefused(
			freshEdit((c) => lockedClause(c).delete(0, 1)),
			'deletes locked clause content'
		);
	});

	it('refuses deleting an unlocked clause that contains a locked one', () => {
		const nested = mouJson();
		nested.content!.push(clause('outer', false, paragraph(text('Outer text.')), clause('inner', true, paragraph(text('Inner locked.')))));
		server = serverDocFrom(nested);
		client = clientOf(server);
		guard = createUpdateGuard(server, { allowedRoots: DOCUMENT_ROOTS });
		const outer = (doc: Y.Doc) => body(doc).get(3) as Y.XmlElement;
		expectRefused(
			freshEdit((c) => body(c).delete(3, 1)),
			'deletes locked clause content'
		);
		expectRefused(
			freshEdit((c) => firstText(outer(c).get(1) as Y.XmlElement).insert(0, 'x')),
			/locked clause/
		);
		expectAccepted(edit(client, () => firstText(outer(client)).insert(0, 'Edited. ')));
	});

	it('refuses inserting next to text deleted from the locked clause before it was loaded, yet accepts re-sent deletions', () => {
		// Template history: a character was removed before the clause was locked in this doc.
		firstText(lockedClause(server)).delete(0, 1);
		client = clientOf(server);
		guard = createUpdateGuard(server, { allowedRoots: DOCUMENT_ROOTS });
		// A reconnecting client's full delete set repeats that old deletion: harmless.
		firstText(unlockedClause(client)).insert(0, 'Offline: ');
		expectAccepted(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
		expectRefused(
			freshEdit((c) => firstText(lockedClause(c)).insert(0, 'T')),
			/locked clause/
		);
	});
});

describe('update guard: roots, references, content and bytes', () => {
	it('refuses writes to a root outside the document', () => {
		expectRefused(
			freshEdit((c) => c.getMap('evil').set('payload', 1)),
			'writes to unknown root evil'
		);
		expect(server.share.has('evil')).toBe(false);
	});

	it('refuses a struct whose parent the server has never seen', () => {
		const stranger = new Y.Doc();
		const element = new Y.XmlElement('paragraph');
		stranger.getXmlFragment('body').insert(0, [element]);
		const accomplice = clientOf(stranger);
		const update = edit(accomplice, () => (body(accomplice).get(0) as Y.XmlElement).setAttribute('x', 'y'));
		expectRefused(update, `refers to an unknown parent ${stranger.clientID}:0`);
	});

	it('refuses an update that skips changes the server does not have', () => {
		client.getMap('terms').set('a', '1'); // never sent
		expectRefused(
			edit(client, () => client.getMap('terms').set('b', '2')),
			'depends on changes the server does not have'
		);
	});

	it('refuses subdocuments and binary content', () => {
		expectRefused(
			freshEdit((c) => c.getMap('terms').set('doc', new Y.Doc())),
			'contains a subdocument'
		);
		expectRefused(
			freshEdit((c) => c.getMap('terms').set('bytes', new Uint8Array([1, 2]))),
			'contains binary content'
		);
	});

	it('refuses garbage and truncated bytes without throwing', () => {
		expectRefused(new Uint8Array([0xff, 0xff, 0xff, 0x07, 0x42]), 'malformed update');
		const real = edit(client, () => firstText(unlockedClause(client)).insert(0, 'Hello'));
		expectRefused(real.slice(0, real.length - 4), 'malformed update');
		expect(guard.check(real)).toEqual({ ok: true, clients: [client.clientID] });
	});
});

describe('fill-in terms', () => {
	it('accepts text values and refuses other shapes, invalid keys and oversized values', async () => {
		const { createUpdateGuard } = await import('../../src/lib/server/collab/guard');
		const server = new Y.Doc({ gc: false });
		server.getMap('terms').set('agency_name', 'Springfield Police Department');
		const guard = createUpdateGuard(server, { allowedRoots: ['body', 'terms'] });
		const attempt = (write: (terms: Y.Map<unknown>) => void) => {
			const client = new Y.Doc();
			Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
			const before = Y.encodeStateVector(client);
			write(client.getMap('terms'));
			return guard.check(Y.encodeStateAsUpdate(client, before));
		};
		expect(attempt((t) => t.set('district_name', 'Springfield USD')).ok).toBe(true);
		expect(attempt((t) => t.delete('agency_name')).ok).toBe(true);
		expect(attempt((t) => t.set('sro_count', 3))).toMatchObject({ ok: false, reason: 'writes a term value that is not text' });
		expect(attempt((t) => t.set('x', { nested: true }))).toMatchObject({ ok: false });
		expect(attempt((t) => t.set('Bad Key!', 'v'))).toMatchObject({ ok: false, reason: 'writes a term under an invalid key' });
		expect(attempt((t) => t.set('schools_covered', 'x'.repeat(5000)))).toMatchObject({ ok: false });
		expect(attempt((t) => t.set('nested', new Y.Map()))).toMatchObject({ ok: false });
	});
});
