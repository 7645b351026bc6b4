import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Node } from '@tiptap/pm/model';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { within } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { body, clause, clauseIndex, firstParagraph } from '../helpers/mou-doc';
import { suggestionMark } from '../helpers/stored-edits';
import { CloseCode } from '../../src/lib/collab/protocol';
import { readStoredMou } from '../../src/lib/document';
import { documentSchema } from '../../src/lib/editor/schema';
import { loadDocumentState } from '../../src/lib/server/collab';

// Each node holds its children in the order and number its content expression asks for
// (`listItem: paragraph block*`, `table: tableRow+`, `clause: block+` …), and text only the marks
// its node allows. y-tiptap builds nodes unchecked, so anything else reaches every editor, the
// stored MOU and its exports as a document ProseMirror's own check rejects: it is refused.

const OPEN_CLAUSE = 'purpose.mission'; // recommended, unlocked

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { connected, rowCount } = live;

const MODES = ['draft', 'negotiating'] as const;
type Mode = (typeof MODES)[number];

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

const FORGERIES: Array<[string, (doc: Y.Doc) => void]> = [
	['a list item that starts with a list, not a paragraph', addBlock(() => list([list([paragraph()])]))],
	['a list item with nothing in it', addBlock(() => list([]))],
	['a list with no items', addBlock(() => element('bulletList'))],
	['a table with no rows', addBlock(() => element('table'))],
	['a table cell with nothing in it', addBlock(() => element('table', [element('tableRow', [element('tableCell')])]))],
	['a clause with nothing in it', (doc) => body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [element('clause', [], { title: 'Empty' })])],
	['emptying a clause of all its blocks', (doc) => clause(doc, OPEN_CLAUSE).delete(0, clause(doc, OPEN_CLAUSE).length)],
	['a bold word in a code block, which allows no marks', addBlock(() => element('codeBlock', [boldText()]))]
];

function boldText(): Y.XmlText {
	const text = new Y.XmlText();
	text.insert(0, 'const x = 1;', { bold: {} });
	return text;
}

/** The stored body as every reader builds it, checked the way ProseMirror checks a document. */
async function storedBodyCheck(mouId: string): Promise<void> {
	const stored = readStoredMou(await loadDocumentState(live.sql, mouId));
	Node.fromJSON(documentSchema, stored.body).check();
}

async function twoCounsel(mode: Mode) {
	const mouId = await createMouBetween(live.sql, agency, district, undefined, mode);
	return { mouId, attacker: await connected(agency, mouId), other: await connected(district, mouId) };
}

describe.each(MODES)('each node holds the children and marks its schema allows (%s)', (mode) => {
	it.each(FORGERIES)('refuses %s; the stored MOU stays a valid document', async (_what, forge) => {
		const { mouId, attacker, other } = await twoCounsel(mode);
		const rows = await rowCount(mouId);
		const before = body(other.doc).toString();
		attacker.edit(forge);
		const closed = await within(attacker.closed, 'the attacker is disconnected');
		expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(/the document cannot hold it/) });
		expect(await rowCount(mouId)).toBe(rows);
		await other.roundTrip();
		expect(body(other.doc).toString()).toBe(before);
		await storedBodyCheck(mouId);
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
		await storedBodyCheck(mouId);
	});
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
	await storedBodyCheck(mouId);
});
