import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Node } from '@tiptap/pm/model';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { waitFor, within } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { body, clause, clauseElement, clauseIndex, firstParagraph, firstText } from '../helpers/mou-doc';
import { unaccountedText } from '../helpers/negotiated-text';
import { suggestionMark } from '../helpers/stored-edits';
import { CloseCode } from '../../src/lib/collab/protocol';
import { readStoredMou } from '../../src/lib/document';
import { documentSchema } from '../../src/lib/editor/schema';
import { loadDocumentState } from '../../src/lib/server/collab';

// The body holds only what the editor's schema can show. A bare Yjs client that writes anything
// else (a value straight inside a paragraph, a node the schema does not know) would make every
// reader of the stored MOU throw and every other editor drop the node: it is refused in every mode.
// So is a node holding children in an order or number its content expression does not allow
// (`listItem: paragraph block*`, `table: tableRow+`, `clause: block+` …), or text a mark its node
// does not allow: y-tiptap builds nodes unchecked, so it would reach every editor, the stored MOU
// and its exports as a document ProseMirror's own check rejects.

const OPEN_CLAUSE = 'purpose.mission'; // recommended, unlocked

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { connected, rowCount, storedDoc } = live;

const MODES = ['draft', 'negotiating'] as const;
type Mode = (typeof MODES)[number];

const FORGERIES: Array<[string, (doc: Y.Doc) => void]> = [
	['a string straight inside a paragraph', (doc) => (firstParagraph(doc, OPEN_CLAUSE) as unknown as Y.Array<string>).insert(1, ['ZqxHIDDEN text'])],
	['a node the schema does not know', (doc) => firstParagraph(doc, OPEN_CLAUSE).insert(1, [new Y.XmlElement('script')])],
	['a map inside a paragraph', (doc) => (firstParagraph(doc, OPEN_CLAUSE) as unknown as Y.Array<Y.Map<string>>).insert(1, [new Y.Map()])],
	['text straight inside a clause', (doc) => clause(doc, OPEN_CLAUSE).insert(0, [new Y.XmlText('ZqxHIDDEN text')])],
	['a paragraph inside a paragraph', (doc) => firstParagraph(doc, OPEN_CLAUSE).insert(1, [new Y.XmlElement('paragraph')])],
	['an embedded object inside text', (doc) => firstText(doc, OPEN_CLAUSE).insertEmbed(0, { ZqxHIDDEN: true })],
	['a mark the schema does not know', (doc) => firstText(doc, OPEN_CLAUSE).format(0, 3, { blink: true })],
	['a value on the body itself', (doc) => Y.XmlElement.prototype.setAttribute.call(body(doc), 'ZqxHIDDEN', 'x')]
];

function element(name: string, children: Array<Y.XmlElement | Y.XmlText> = [], attributes: Record<string, unknown> = {}): Y.XmlElement {
	const node = new Y.XmlElement(name);
	for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value as string);
	node.insert(0, children);
	return node;
}
const paragraph = (words = 'Words.') => element('paragraph', [new Y.XmlText(words)]);
const list = (...items: Y.XmlElement[][]) =>
	element(
		'bulletList',
		items.map((children) => element('listItem', children))
	);
const cell = () => element('tableCell', [paragraph()], { colspan: 1, rowspan: 1 });

/** Inserted right after the open clause's first paragraph. */
const addBlock = (block: () => Y.XmlElement) => (doc: Y.Doc) => clause(doc, OPEN_CLAUSE).insert(1, [block()]);

const CONTENT_FORGERIES: Array<[string, (doc: Y.Doc) => void]> = [
	['a list item that starts with a list, not a paragraph', addBlock(() => list([list([paragraph()])]))],
	['a list item with nothing in it', addBlock(() => list([]))],
	['a list with no items', addBlock(() => element('bulletList'))],
	['a table with no rows', addBlock(() => element('table'))],
	['a table cell with nothing in it', addBlock(() => element('table', [element('tableRow', [element('tableCell')])]))],
	['a clause with nothing in it', (doc) => body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [element('clause', [], { title: 'Empty' })])],
	['emptying a clause of all its blocks', (doc) => clause(doc, OPEN_CLAUSE).delete(0, clause(doc, OPEN_CLAUSE).length)],
	['a bold word in a code block, which allows no marks', addBlock(() => element('codeBlock', [boldText()]))],
	['a table cell spanning 10⁸ columns', addBlock(() => element('table', [element('tableRow', [element('tableCell', [paragraph()], { colspan: 1e8 })])]))],
	['a table cell spanning “all” rows', addBlock(() => element('table', [element('tableRow', [element('tableCell', [paragraph()], { rowspan: 'all' })])]))]
];

function boldText(): Y.XmlText {
	const text = new Y.XmlText();
	text.insert(0, 'const x = 1;', { bold: {} });
	return text;
}

/** Readers of the stored MOU (exports, signing, redlines) still read it, and it has none of the forgery. */
async function expectReadable(mouId: string) {
	const stored = readStoredMou(await loadDocumentState(live.sql, mouId));
	expect(JSON.stringify(stored.body)).not.toContain('Zqx');
	expect(JSON.stringify(stored.body)).toContain('"clause"');
	Node.fromJSON(documentSchema, stored.body).check(); // as ProseMirror checks a document
}

async function twoCounsel(mode: Mode) {
	const mouId = await createMouBetween(live.sql, agency, district, undefined, mode);
	return { mouId, attacker: await connected(agency, mouId), other: await connected(district, mouId) };
}

describe.each(MODES)('the body holds only the schema’s nodes, marks and text (%s)', (mode) => {
	it.each([...FORGERIES, ...CONTENT_FORGERIES])('refuses %s, and the other counsel and every reader are unaffected', async (_what, forge) => {
		const { mouId, attacker, other } = await twoCounsel(mode);
		const rows = await rowCount(mouId);
		const agreed = await storedDoc(mouId);
		const before = body(other.doc).toString();
		attacker.edit(forge);
		const closed = await within(attacker.closed, 'the attacker is disconnected');
		expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/the document cannot hold it/) });
		expect(await rowCount(mouId)).toBe(rows);
		await other.roundTrip();
		expect(body(other.doc).toString()).toBe(before);
		expect(unaccountedText(await storedDoc(mouId), agreed)).toBe('');
		await expectReadable(mouId);
	});

	it('refuses a value put inside a paragraph whose adding is still being stored', async () => {
		const { mouId, attacker, other } = await twoCounsel(mode);
		const mark = mode === 'negotiating' ? { insertion: suggestionMark(agency, 'agency', `staged-${mode}`) } : {};
		const paragraph = new Y.XmlElement('paragraph');
		attacker.edit((doc) => {
			clause(doc, OPEN_CLAUSE).insert(1, [paragraph]);
			paragraph.insert(0, [new Y.XmlText()]);
			(paragraph.get(0) as Y.XmlText).insert(0, 'A new paragraph.', mark);
		});
		attacker.edit(() => (paragraph as unknown as Y.Array<string>).insert(1, ['ZqxHIDDEN text']));
		const closed = await within(attacker.closed, 'the attacker is disconnected');
		expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/the document cannot hold it/) });
		await waitFor(() => body(other.doc).toString().includes('A new paragraph.'), 'the honest paragraph reaches the other counsel');
		await other.roundTrip();
		expect(body(other.doc).toString()).not.toContain('Zqx');
		await expectReadable(mouId);
	});

	it('refuses deleting the only paragraph of a list item, after the list was stored', async () => {
		const { mouId, attacker, other } = await twoCounsel(mode);
		const mark = mode === 'negotiating' ? { insertion: suggestionMark(district, 'district', `list-${mode}`) } : {};
		const [first, nested] = [new Y.XmlText(), new Y.XmlText()];
		const item = element('listItem', [element('paragraph', [first]), list([element('paragraph', [nested])])]);
		other.edit((doc) => {
			clause(doc, OPEN_CLAUSE).insert(1, [element('bulletList', [item])]);
			first.insert(0, 'A listed duty.', mark);
			nested.insert(0, 'Nested.', mark);
		});
		await within(other.allStored(), 'the list is stored');
		await attacker.roundTrip();
		attacker.edit((doc) => ((clause(doc, OPEN_CLAUSE).get(1) as Y.XmlElement).get(0) as Y.XmlElement).delete(0, 1));
		const closed = await within(attacker.closed, 'the attacker is disconnected');
		expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/the document cannot hold it/) });
		await expectReadable(mouId);
	});

	it('stores honest edits: typing, a bold word, a new paragraph, a list and a table', async () => {
		const { mouId, attacker: writer, other } = await twoCounsel(mode);
		const mark = mode === 'negotiating' ? { insertion: suggestionMark(agency, 'agency', `shape-${mode}`) } : {};
		writer.edit((doc) => {
			const text = firstText(doc, OPEN_CLAUSE);
			text.insert(0, 'Monthly ', mark);
			text.insert(0, 'Quarterly ', { ...mark, bold: {} });
			const paragraph = new Y.XmlElement('paragraph');
			paragraph.insert(0, [new Y.XmlText()]);
			const list = new Y.XmlElement('bulletList');
			const listItem = new Y.XmlElement('listItem');
			const itemParagraph = new Y.XmlElement('paragraph');
			itemParagraph.insert(0, [new Y.XmlText()]);
			listItem.insert(0, [itemParagraph]);
			list.insert(0, [listItem]);
			const table = new Y.XmlElement('table');
			const row = new Y.XmlElement('tableRow');
			const cell = new Y.XmlElement('tableCell');
			cell.setAttribute('colspan', 1 as unknown as string);
			const cellParagraph = new Y.XmlElement('paragraph');
			cellParagraph.insert(0, [new Y.XmlText()]);
			cell.insert(0, [cellParagraph]);
			row.insert(0, [cell]);
			table.insert(0, [row]);
			clause(doc, OPEN_CLAUSE).insert(1, [paragraph, list, table]);
			(paragraph.get(0) as Y.XmlText).insert(0, 'A new paragraph.', mark);
			(itemParagraph.get(0) as Y.XmlText).insert(0, 'A listed duty.', mark);
			(cellParagraph.get(0) as Y.XmlText).insert(0, 'A cell.', mark);
		});
		await within(writer.allStored(), 'the edits are stored');
		await other.roundTrip();
		const seen = body(other.doc).toString();
		for (const words of ['Quarterly', 'Monthly', 'A new paragraph.', 'A listed duty.', 'A cell.']) expect(seen).toContain(words);
		const stored = JSON.stringify(readStoredMou(await loadDocumentState(live.sql, mouId)).body);
		expect(stored).toContain('"bulletList"');
		expect(stored).toContain('"table"');
	});
});

it('stores a fill-in term node added while drafting', async () => {
	const { mouId, attacker: writer } = await twoCounsel('draft');
	writer.edit((doc) => {
		const term = new Y.XmlElement('term');
		term.setAttribute('key', 'startDate');
		firstParagraph(doc, OPEN_CLAUSE).insert(1, [term, new Y.XmlText(' and after.')]);
	});
	await within(writer.allStored(), 'the term is stored');
	expect(JSON.stringify(readStoredMou(await loadDocumentState(live.sql, mouId)).body)).toContain('"key":"startDate"');
	expect(clauseIndex(await storedDoc(mouId), OPEN_CLAUSE)).toBeGreaterThan(-1);
});

it('refuses locking a clause whose adding is still being stored, as it refuses locking any added clause', async () => {
	const { mouId, attacker, other } = await twoCounsel('draft');
	const added = clauseElement({ title: 'Local terms', level: 'custom', nasro: '', locked: false }, 'Agreed.');
	attacker.edit((doc) => body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [added]));
	attacker.edit(() => {
		added.setAttribute('locked', true as unknown as string);
		added.setAttribute('level', 'required');
	});
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/only the template makes locked or required clauses/) });
	await waitFor(() => body(other.doc).toString().includes('Local terms'), 'the added clause reaches the other counsel');
	const stored = await storedDoc(mouId);
	const storedClause = body(stored).get(clauseIndex(stored, OPEN_CLAUSE) + 1) as Y.XmlElement;
	expect(storedClause.getAttribute('title')).toBe('Local terms');
	expect(storedClause.getAttributes()).toMatchObject({ level: 'custom', locked: false });
});

it('judges a node on the children still being stored: keeps a clause left with only its staged new paragraph, refuses a list item emptied while its adding is staged', async () => {
	const { mouId, attacker, other } = await twoCounsel('draft');
	const added = paragraph('The only paragraph left.');
	other.edit((doc) => clause(doc, OPEN_CLAUSE).insert(0, [added]));
	other.edit((doc) => {
		(added.get(0) as Y.XmlText).insert(0, 'Now ');
		clause(doc, OPEN_CLAUSE).delete(1, clause(doc, OPEN_CLAUSE).length - 1);
	});
	await within(other.allStored(), 'the staged paragraph and the deletion are stored');
	expect(other.isOpen()).toBe(true);
	const item = element('listItem', [paragraph('A duty.')]);
	attacker.edit((doc) => clause(doc, OPEN_CLAUSE).insert(1, [element('bulletList', [item])]));
	attacker.edit(() => item.delete(0, 1));
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/leaves a listItem holding nothing/) });
	await expectReadable(mouId);
});

it('judges a deletion on the children still being stored: keeps a list item whose stored paragraph is deleted right after a second one is added', async () => {
	const { mouId, attacker: writer } = await twoCounsel('draft');
	const item = element('listItem', [paragraph('First duty.')]);
	writer.edit((doc) => clause(doc, OPEN_CLAUSE).insert(1, [element('bulletList', [item])]));
	await within(writer.allStored(), 'the list is stored');
	writer.edit(() => item.insert(1, [paragraph('Second duty.')])); // still being stored when the deletion comes
	writer.edit(() => item.delete(0, 1)); // refers only to what is stored
	await within(writer.allStored(), 'the second paragraph and the deletion are stored');
	expect(writer.isOpen()).toBe(true);
	const storedItem = ((clause(await storedDoc(mouId), OPEN_CLAUSE).get(1) as Y.XmlElement).get(0) as Y.XmlElement).toString();
	expect(storedItem).toContain('Second duty.');
	expect(storedItem).not.toContain('First duty.');
	await expectReadable(mouId);
});

it('refuses two quick deletions that empty a clause between them, the first still being stored', async () => {
	const { mouId, attacker } = await twoCounsel('draft');
	attacker.edit((doc) => clause(doc, OPEN_CLAUSE).insert(1, [paragraph('A second paragraph.')]));
	await within(attacker.allStored(), 'the clause holds two paragraphs');
	expect(clause(await storedDoc(mouId), OPEN_CLAUSE).length).toBe(2);
	attacker.edit((doc) => clause(doc, OPEN_CLAUSE).delete(0, 1));
	attacker.edit((doc) => clause(doc, OPEN_CLAUSE).delete(0, 1));
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/leaves a clause holding nothing/) });
	await expectReadable(mouId);
});

it('stores honest structure: an emptied paragraph, a second list item, a row taken out of a table, a list item moved', async () => {
	const { mouId, attacker: writer } = await twoCounsel('draft');
	writer.edit((doc) => {
		const table = element('table', [element('tableRow', [cell(), cell()]), element('tableRow', [cell(), element('tableHeader', [paragraph()])])]);
		clause(doc, OPEN_CLAUSE).insert(1, [
			list([paragraph('One.')], [paragraph('Two.'), list([paragraph('Two a.')])]),
			table,
			element('paragraph'),
			element('horizontalRule')
		]);
	});
	await within(writer.allStored(), 'the blocks are stored');
	writer.edit((doc) => {
		const text = firstParagraph(doc, OPEN_CLAUSE).get(0) as Y.XmlText;
		text.delete(0, text.length);
		const bullets = clause(doc, OPEN_CLAUSE).get(1) as Y.XmlElement;
		bullets.delete(0, 1);
		bullets.insert(1, [element('listItem', [paragraph('Three.')])]);
		(clause(doc, OPEN_CLAUSE).get(2) as Y.XmlElement).delete(1, 1);
		((clause(doc, OPEN_CLAUSE).get(2) as Y.XmlElement).get(0) as Y.XmlElement).delete(0, 1);
	});
	await within(writer.allStored(), 'the changes are stored');
	expect(writer.isOpen()).toBe(true);
	await expectReadable(mouId);
});
