import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Client, serverVerdict, DANA, ELENA, docJson, p, redline, seedDoc, serverViolations } from './suggest-harness';

const seed = () => seedDoc(docJson(p('The officer will attend all school events.'), p('Costs are shared equally.')));

function acted(client: Client, command: Parameters<Client['act']>[0]): Uint8Array {
	const base = new Y.Doc({ gc: false });
	Y.applyUpdate(base, Y.encodeStateAsUpdate(client.doc));
	const update = client.act(command);
	expect(serverViolations(base, update, client.user)).toEqual([]);
	expect(serverVerdict(base, update, client.user, [client.doc.clientID])).toBeNull();
	return update;
}

/** Both clients send each other everything they have not seen, then re-render. */
function exchange(a: Client, b: Client): void {
	const forB = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
	const forA = Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc));
	b.receive(forB);
	a.receive(forA);
}

describe('concurrent suggestions from both parties', () => {
	it("converge to the same document carrying both parties' marks", () => {
		const doc = seed();
		const dana = new Client(DANA, doc);
		const elena = new Client(ELENA, doc);
		// Agency: inserts a word and strikes another; district, at the same time, elsewhere.
		acted(dana, (s) => s.tr.insertText(' sworn', dana.after('The')));
		acted(dana, (s) => s.tr.delete(dana.before('all '), dana.after('all ')));
		acted(elena, (s) => s.tr.insertText('public ', elena.before('events')));
		acted(elena, (s) => s.tr.delete(elena.before('equally'), elena.after('equally')));
		acted(elena, (s) => s.tr.insertText('as agreed', elena.after('equally')));
		exchange(dana, elena);
		expect(dana.shared()).toEqual(elena.shared());
		expect(redline(dana.shared())).toBe(
			'The[+a: sworn+] officer will attend [-a:all -]school [+d:public +]events. ¶ Costs are shared [-d:equally-][+d:as agreed+].'
		);
	});

	it('converge when both type at the same spot and strike neighbouring words', () => {
		const doc = seed();
		const dana = new Client(DANA, doc);
		const elena = new Client(ELENA, doc);
		acted(dana, (s) => s.tr.insertText('A', dana.after('attend')));
		acted(elena, (s) => s.tr.insertText('D', elena.after('attend')));
		acted(dana, (s) => s.tr.delete(dana.before('school'), dana.after('school')));
		acted(elena, (s) => s.tr.delete(elena.before('events'), elena.after('events.')));
		exchange(dana, elena);
		const shared = dana.shared();
		expect(shared).toEqual(elena.shared());
		const line = redline(shared);
		// Both insertions survive side by side (their order is Yjs's tie-break, the same everywhere).
		expect(line).toMatch(/attend(\[\+a:A\+\]\[\+d:D\+\]|\[\+d:D\+\]\[\+a:A\+\]) all \[-a:school-\] \[-d:events\.-\]/);
	});

	it("the district then deletes inside the agency's pending insertion: a deletion suggestion on it", () => {
		const doc = seed();
		const dana = new Client(DANA, doc);
		const elena = new Client(ELENA, doc);
		acted(dana, (s) => s.tr.insertText(' sworn and armed', dana.after('The')));
		exchange(dana, elena);
		acted(elena, (s) => s.tr.delete(elena.before(' and armed'), elena.after(' and armed')));
		exchange(dana, elena);
		expect(dana.shared()).toEqual(elena.shared());
		expect(redline(dana.shared())).toContain('The[+a: sworn+][+a:[-d: and armed-]+] officer');
	});
});
