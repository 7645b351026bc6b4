import { describe, expect, it } from 'vitest';
import { Slice, Fragment } from '@tiptap/pm/model';
import { TextSelection } from '@tiptap/pm/state';
import { Client, serverVerdict, DANA, ELENA, SAM, del, docJson, ins, p, redline, schema, seedDoc, serverViolations, term, text } from './suggest-harness';
import * as Y from 'yjs';

const base = () => seedDoc(docJson(p('The officer will attend all school events.'), p('Second paragraph.')));

/** Acts as `user` and checks that the server would accept what went over the wire. */
function act(client: Client, command: Parameters<Client['act']>[0]) {
	const before = new Y.Doc({ gc: false });
	Y.applyUpdate(before, Y.encodeStateAsUpdate(client.doc));
	const update = client.act(command);
	expect(serverViolations(before, update, client.user)).toEqual([]);
	expect(serverVerdict(before, update, client.user, [client.doc.clientID])).toBeNull();
	return update;
}

describe('typing while suggesting', () => {
	it('marks inserted text with the author, party and time', () => {
		const dana = new Client(DANA, base());
		act(dana, (s) => s.tr.insertText(' sworn', dana.after('The')));
		expect(redline(dana.shared())).toContain('The[+a: sworn+] officer will');
		const mark = dana.state.doc.firstChild!.child(1).marks[0];
		expect(mark.attrs).toMatchObject({ party: 'agency', authorId: DANA.id, authorName: 'Dana Whitfield', at: '2026-02-14T09:30:00.000Z' });
	});

	it('keeps the mark on the new characters even next to equal ones (space before a space)', () => {
		const dana = new Client(DANA, base());
		const at = dana.after('The');
		for (const [i, ch] of [...' very'].entries()) act(dana, (s) => s.tr.insertText(ch, at + i));
		expect(redline(dana.shared())).toContain('The[+a: very+] officer');
		const l = new Client(DANA, seedDoc(docJson(p('hello'))));
		act(l, (s) => s.tr.insertText('l', l.after('hel')));
		expect(redline(l.shared())).toBe('hel[+a:l+]lo');
	});

	it("continues the author's own insertion (one suggestion) but never the other party's", () => {
		const dana = new Client(DANA, base());
		const at = dana.after('The');
		act(dana, (s) => s.tr.insertText(' a', at));
		act(dana, (s) => s.tr.insertText('b', at + 2));
		const ids = new Set<string>();
		dana.state.doc.descendants((n) => void n.marks.forEach((m) => m.type.name === 'insertion' && ids.add(m.attrs.id)));
		expect(ids.size).toBe(1);

		const elena = new Client(ELENA, dana.doc);
		act(elena, (s) => s.tr.insertText('c', elena.after('The ab')));
		expect(redline(elena.shared())).toContain('The[+a: ab+][+d:c+] officer');
		expect(elena.state.doc.firstChild!.child(2).marks[0].attrs.id).not.toBe(dana.state.doc.firstChild!.child(1).marks[0].attrs.id);
	});

	it('typing inside a deletion goes after the deleted run', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('keep ', text('gone', [del(ELENA)]), ' end'))));
		act(dana, (s) => s.tr.insertText('X', dana.after('keep go')));
		expect(redline(dana.shared())).toBe('keep [-d:gone-][+a:X+] end');
	});

	it("typing inside the other party's insertion nests a separate insertion", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('a ', text('district words', [ins(ELENA)]), ' z'))));
		act(dana, (s) => s.tr.insertText('!', dana.after('district')));
		expect(redline(dana.shared())).toBe('a [+d:district+][+a:!+][+d: words+] z');
	});
});

describe('deleting while suggesting', () => {
	it('marks deleted original text instead of removing it', () => {
		const dana = new Client(DANA, base());
		const from = dana.before('all ');
		act(dana, (s) => s.tr.delete(from, from + 4));
		expect(redline(dana.shared())).toContain('attend [-a:all -]school');
		expect(dana.state.doc.textContent).toContain('attend all school');
	});

	it("really removes the author's own party's pending insertion (also a colleague's)", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('x ', text('mine', [ins(DANA)]), text('ours', [ins(SAM, 'sam')]), ' y'))));
		act(dana, (s) => s.tr.delete(dana.before('mine'), dana.after('ours')));
		expect(redline(dana.shared())).toBe('x  y');
	});

	it("deleting inside the other party's insertion records a deletion, it does not erase it", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('a ', text('district words', [ins(ELENA)]), ' z'))));
		act(dana, (s) => s.tr.delete(dana.before('words'), dana.after('words')));
		expect(redline(dana.shared())).toBe('a [+d:district +][+d:[-a:words-]+] z');
	});

	it('leaves already deleted text alone and Backspace walks over it', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('ab', text('cd', [del(ELENA)]), 'ef'))));
		const caret = dana.after('abcd');
		dana.select(caret);
		const update = act(dana, (s) => s.tr.delete(caret - 1, caret));
		expect(redline(dana.shared())).toBe('ab[-d:cd-]ef');
		expect(Y.decodeUpdate(update).structs).toHaveLength(0);
		expect(dana.state.selection.head).toBe(dana.after('ab'));
		// The next Backspace deletes the character before the run.
		act(dana, (s) => s.tr.delete(s.selection.head - 1, s.selection.head));
		expect(redline(dana.shared())).toBe('a[-a:b-][-d:cd-]ef');
	});

	it('Backspace leaves the caret before the struck character, Delete after it', () => {
		const dana = new Client(DANA, base());
		const at = dana.after('The');
		dana.select(at);
		act(dana, (s) => s.tr.delete(at - 1, at));
		expect(dana.state.selection.head).toBe(at - 1);
		dana.select(at);
		act(dana, (s) => s.tr.delete(at, at + 1));
		expect(dana.state.selection.head).toBe(at + 1);
		expect(redline(dana.shared())).toContain('Th[-a:e -]officer');
	});

	it('consecutive deletions by the same author form one suggestion', () => {
		const dana = new Client(DANA, base());
		const at = dana.after('The officer');
		for (let i = 0; i < 3; i++) {
			dana.select(at - i);
			act(dana, (s) => s.tr.delete(at - i - 1, at - i));
		}
		const ids = new Set<string>();
		dana.state.doc.descendants((n) => void n.marks.forEach((m) => m.type.name === 'deletion' && ids.add(m.attrs.id)));
		expect(ids.size).toBe(1);
		expect(redline(dana.shared())).toContain('The offi[-a:cer-] will');
	});

	it('leaves terms in place (they cannot carry marks) and says why', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('Pay ', term('amount'), ' monthly.'))));
		act(dana, (s) => s.tr.delete(dana.before('Pay'), dana.after('monthly.')));
		expect(redline(dana.shared())).toBe('[-a:Pay -]{amount}[-a: monthly.-]');
		expect(dana.notices).toContain(dana.notices[0]);
		expect(dana.notices[0]).toMatch(/terms/i);
	});
});

describe('replacing while suggesting', () => {
	it('select and type: the old text is struck, the new text follows it', () => {
		const dana = new Client(DANA, base());
		const from = dana.before('all'),
			to = dana.after('all');
		dana.select(from, to);
		act(dana, (s) => s.tr.insertText('most', s.selection.from, s.selection.to));
		expect(redline(dana.shared())).toContain('attend [-a:all-][+a:most+] school');
		expect(dana.state.selection.head).toBe(dana.after('allmost'));
	});

	it('replacing across paragraphs marks both parts and keeps the paragraphs', () => {
		const dana = new Client(DANA, base());
		const from = dana.before('events.'),
			to = dana.after('Second');
		act(dana, (s) => s.tr.insertText('X', from, to));
		expect(redline(dana.shared())).toBe('The officer will attend all school [-a:events.-] ¶ [-a:Second-][+a:X+] paragraph.');
	});

	it("pasting text with suggestion marks copied along gets only the paster's mark, without terms", () => {
		const dana = new Client(DANA, base());
		const pasted = new Slice(
			Fragment.from([
				schema.text('copied ', [schema.marks.deletion.create(del(ELENA).attrs as Record<string, unknown>)]),
				schema.nodes.term.create({ key: 'x' })
			]),
			0,
			0
		);
		act(dana, (s) => s.tr.replace(dana.before('school'), dana.before('school'), pasted));
		expect(redline(dana.shared())).toContain('all [+a:copied +]school');
	});
});

describe('paragraph structure while suggesting', () => {
	it('Enter at the end of a paragraph adds an empty one', () => {
		const dana = new Client(DANA, base());
		act(dana, (s) => s.tr.split(dana.after('events.')));
		expect(dana.shared().content).toHaveLength(3);
		act(dana, (s) => s.tr.insertText('New', s.selection.head));
		expect(redline(dana.shared())).toBe('The officer will attend all school events. ¶ [+a:New+] ¶ Second paragraph.');
	});

	it('Enter at the very start of a paragraph adds an empty one before it', () => {
		const dana = new Client(DANA, base());
		act(dana, (s) => s.tr.split(dana.before('Second')));
		expect(redline(dana.shared())).toBe('The officer will attend all school events. ¶  ¶ Second paragraph.');
	});

	it('Enter in the middle of original text does nothing and explains', () => {
		const dana = new Client(DANA, base());
		const update = act(dana, (s) => s.tr.split(dana.after('officer')));
		expect(update.length).toBeLessThan(3);
		expect(redline(dana.shared())).toBe('The officer will attend all school events. ¶ Second paragraph.');
		expect(dana.notices[0]).toMatch(/split/);
	});

	it("Enter inside the author's own insertion splits it", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('Start ', text('my new words', [ins(DANA)])))));
		act(dana, (s) => s.tr.split(dana.after('my new')));
		expect(redline(dana.shared())).toBe('Start [+a:my new+] ¶ [+a: words+]');
	});

	it("Enter inside a colleague's insertion is refused (the server wants authorId = writer)", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('Start ', text('sam words', [ins(SAM)])))));
		act(dana, (s) => s.tr.split(dana.after('sam')));
		expect(dana.shared().content).toHaveLength(1);
	});

	it('Backspace joins only when a paragraph is empty; otherwise nothing moves', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('One.'), p(), p('Two.'))));
		const start = dana.before('Two.');
		dana.select(start);
		act(dana, (s) => s.tr.join(start - 1));
		expect(redline(dana.shared())).toBe('One. ¶ Two.');

		const two = dana.before('Two.');
		dana.select(two);
		act(dana, (s) => s.tr.join(two - 1));
		expect(redline(dana.shared())).toBe('One. ¶ Two.');
		expect(dana.notices.at(-1)).toMatch(/joined only when/);
		expect(dana.state.selection.head).toBe(dana.after('One.'));
	});

	it('deleting a selection over several paragraphs marks their text and drops emptied ones', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('Alpha beta'), p(text('mine', [ins(DANA)])), p('Gamma delta'))));
		act(dana, (s) => s.tr.delete(dana.after('Alpha'), dana.before(' delta')));
		expect(redline(dana.shared())).toBe('Alpha[-a: beta-] ¶ [-a:Gamma-] delta');
	});

	it('pasting several paragraphs works at the end of a paragraph, with every new text marked', () => {
		const dana = new Client(DANA, base());
		const slice = new Slice(
			Fragment.from([schema.nodes.paragraph.create(null, schema.text(' More.')), schema.nodes.paragraph.create(null, schema.text('Another.'))]),
			1,
			1
		);
		act(dana, (s) => s.tr.replace(dana.after('events.'), dana.after('events.'), slice));
		expect(redline(dana.shared())).toBe('The officer will attend all school events.[+a: More.+] ¶ [+a:Another.+] ¶ Second paragraph.');
	});

	it('pasting several paragraphs into the middle of original text is refused', () => {
		const dana = new Client(DANA, base());
		const slice = new Slice(
			Fragment.from([schema.nodes.paragraph.create(null, schema.text('a')), schema.nodes.paragraph.create(null, schema.text('b'))]),
			1,
			1
		);
		act(dana, (s) => s.tr.replace(dana.after('officer'), dana.after('officer'), slice));
		expect(redline(dana.shared())).toBe('The officer will attend all school events. ¶ Second paragraph.');
		expect(dana.notices[0]).toMatch(/pasted/);
	});
});

describe('formatting and block changes while suggesting', () => {
	it("drops bold on original text but allows it on the author's own new text", () => {
		const dana = new Client(DANA, seedDoc(docJson(p('Old ', text('new', [ins(DANA)])))));
		act(dana, (s) => s.tr.addMark(dana.before('Old'), dana.after('Old'), schema.marks.bold.create()));
		expect(JSON.stringify(dana.shared())).not.toContain('bold');
		expect(dana.notices[0]).toMatch(/formatting/);
		act(dana, (s) => s.tr.addMark(dana.before('new'), dana.after('new'), schema.marks.bold.create()));
		expect(JSON.stringify(dana.shared())).toContain('bold');
	});

	it('drops a heading change on original text, allows it on an empty paragraph the author made', () => {
		const dana = new Client(DANA, base());
		act(dana, (s) => s.tr.setBlockType(2, 2, schema.nodes.heading, { level: 2 }));
		expect((dana.shared().content as { type: string }[])[0].type).toBe('paragraph');
		act(dana, (s) => s.tr.split(dana.after('events.')));
		act(dana, (s) => s.tr.insertText('Title', s.selection.head));
		const pos = dana.before('Title');
		act(dana, (s) => s.tr.setBlockType(pos, pos, schema.nodes.heading, { level: 2 }));
		expect((dana.shared().content as { type: string }[])[1].type).toBe('heading');
	});

	it('never lets a user add or remove suggestion marks directly', () => {
		const dana = new Client(DANA, seedDoc(docJson(p('a ', text('theirs', [ins(ELENA)])))));
		act(dana, (s) => s.tr.removeMark(0, s.doc.content.size, schema.marks.insertion));
		expect(redline(dana.shared())).toBe('a [+d:theirs+]');
	});
});

describe('selection edge cases', () => {
	it('a transaction that changes nothing in the document passes through untouched', () => {
		const dana = new Client(DANA, base());
		const tr = dana.state.tr.setSelection(TextSelection.create(dana.state.doc, 3));
		act(dana, () => tr);
		expect(dana.state.selection.head).toBe(3);
	});
});
