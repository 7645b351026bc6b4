/**
 * Test harness for suggestion mode: a simulated browser (ProseMirror state bound to a Y.Doc the
 * way y-prosemirror binds it) and a checker that judges the resulting Yjs change character by
 * character, by the rules the server enforces while negotiating.
 */
import * as Y from 'yjs';
import { EditorState, TextSelection, type Transaction } from '@tiptap/pm/state';
import type { Node as PMNode } from '@tiptap/pm/model';
import { initProseMirrorDoc, prosemirrorJSONToYDoc, updateYFragment, ySyncPluginKey } from '@tiptap/y-tiptap';
import { documentSchema as schema } from '../../src/lib/editor/schema';
import { trackedChangeViolation } from '../../src/lib/server/collab/tracked/rules';
import { dispatchInParts, suggestContext, suggestTransaction, writeTextEdits, type SuggestUser } from '../../src/lib/editor/suggestions';

export { schema };

export const DANA: SuggestUser = { id: '11111111-1111-4111-8111-111111111111', name: 'Dana Whitfield', side: 'agency' };
export const ELENA: SuggestUser = { id: '22222222-2222-4222-8222-222222222222', name: 'Elena Brooks', side: 'district' };
export const SAM: SuggestUser = { id: '33333333-3333-4333-8333-333333333333', name: 'Sam Ortiz', side: 'agency' };

type Json = Record<string, unknown>;
export const text = (value: string, marks: Json[] = []): Json => (marks.length ? { type: 'text', text: value, marks } : { type: 'text', text: value });
export const p = (...content: (Json | string)[]): Json => ({ type: 'paragraph', content: content.map((c) => (typeof c === 'string' ? text(c) : c)) });
export const term = (key: string): Json => ({ type: 'term', attrs: { key } });
export const docJson = (...content: Json[]): Json => ({ type: 'doc', content });
export const ins = (user: SuggestUser, id = `ins-${user.side}`): Json => ({
	type: 'insertion',
	attrs: { id, party: user.side, authorId: user.id, authorName: user.name, at: '2026-02-01T10:00:00.000Z' }
});
export const del = (user: SuggestUser, id = `del-${user.side}`): Json => ({
	type: 'deletion',
	attrs: { id, party: user.side, authorId: user.id, authorName: user.name, at: '2026-02-01T10:00:00.000Z' }
});

let ids = 0;
export function contextFor(user: SuggestUser) {
	return suggestContext(
		user,
		() => '2026-02-14T09:30:00.000Z',
		() => `s${++ids}`
	);
}

/** One browser: editor state + Y.Doc, synced the way the live binding syncs them. */
export class Client {
	readonly doc: Y.Doc;
	readonly fragment: Y.XmlFragment;
	state!: EditorState;
	private meta!: ReturnType<typeof initProseMirrorDoc>['meta'];
	notices: string[] = [];
	/** Every Yjs update this client produced, in order. */
	updates: Uint8Array[] = [];

	constructor(
		readonly user: SuggestUser,
		seed: Y.Doc
	) {
		this.doc = new Y.Doc();
		Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(seed));
		this.fragment = this.doc.getXmlFragment('body');
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== 'remote') this.updates.push(update);
		});
		this.render();
	}

	/** Re-reads the document from Yjs (what the binding does on a remote change). */
	render(): void {
		const { doc, meta } = initProseMirrorDoc(this.fragment, schema);
		const selection = this.state?.selection;
		this.state = EditorState.create({ doc });
		if (selection) {
			const pos = Math.min(selection.head, doc.content.size);
			this.state = this.state.apply(this.state.tr.setSelection(TextSelection.near(doc.resolve(pos))));
		}
		this.meta = meta;
	}

	/** Runs a user command the way the editor would in suggesting mode; returns the Yjs update. */
	act(command: (state: EditorState) => Transaction): Uint8Array {
		const original = command(this.state);
		const outcome = suggestTransaction(this.state, original, contextFor(this.user));
		if (outcome.notice) this.notices.push(outcome.notice);
		const before = this.updates.length;
		if (outcome.tr) {
			// As the editor extension does: text edits written exactly, then y-prosemirror's sync, per part.
			dispatchInParts(this.state, outcome.tr, (tr) => {
				this.doc.transact(() => writeTextEdits(this.fragment, tr), ySyncPluginKey);
				this.state = this.state.apply(tr);
				this.doc.transact(() => updateYFragment(this.doc, this.fragment, this.state.doc, this.meta), ySyncPluginKey);
				return this.state;
			});
		}
		return Y.mergeUpdates(this.updates.slice(before));
	}

	receive(update: Uint8Array): void {
		Y.applyUpdate(this.doc, update, 'remote');
		this.render();
	}

	/** The document as Yjs holds it (what every other client will see). */
	shared(): Json {
		return initProseMirrorDoc(this.fragment, schema).doc.toJSON();
	}

	select(from: number, to = from): void {
		this.state = this.state.apply(this.state.tr.setSelection(TextSelection.create(this.state.doc, from, to)));
	}

	/** Position right after the first occurrence of `needle` in the document text (+ offset). */
	after(needle: string, offset = 0): number {
		return positionOf(this.state.doc, needle) + needle.length + offset;
	}
	before(needle: string): number {
		return positionOf(this.state.doc, needle);
	}
}

export function positionOf(doc: PMNode, needle: string): number {
	let found = -1;
	doc.descendants((node, pos) => {
		if (found >= 0) return false;
		if (node.isTextblock) {
			// Text offsets inside one textblock, atoms counted as one position.
			let flat = '';
			const map: number[] = [];
			node.forEach((child, offset) => {
				const value = child.isText ? child.text! : '\u0000';
				for (let i = 0; i < value.length; i++) map.push(pos + 1 + offset + i);
				flat += value;
			});
			const index = flat.indexOf(needle);
			if (index >= 0) found = map[index];
			return false;
		}
		return true;
	});
	if (found < 0) throw new Error(`"${needle}" not in the document`);
	return found;
}

export function seedDoc(json: Json): Y.Doc {
	const seed = prosemirrorJSONToYDoc(schema, json, 'body');
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed));
	return doc;
}

type Attrs = Record<string, unknown>;
interface CharInfo {
	char: string;
	attrs: Attrs;
}

/** Every visible character of every XmlText, keyed by its Yjs id, with its effective formatting. */
function characters(doc: Y.Doc): Map<string, CharInfo> {
	const chars = new Map<string, CharInfo>();
	const visit = (type: Y.XmlFragment | Y.XmlElement | Y.XmlText) => {
		if (type instanceof Y.XmlText) {
			const current: Attrs = {};
			for (let item = (type as unknown as { _start: Y.Item | null })._start; item; item = item.right) {
				if (item.deleted) continue;
				if (item.content instanceof Y.ContentFormat) {
					const { key, value } = item.content as unknown as { key: string; value: unknown };
					if (value === null) delete current[key];
					else current[key] = value;
				} else if (item.content instanceof Y.ContentString) {
					const str = (item.content as unknown as { str: string }).str;
					for (let i = 0; i < str.length; i++) chars.set(`${item.id.client}:${item.id.clock + i}`, { char: str[i], attrs: { ...current } });
				}
			}
			return;
		}
		for (const child of type.toArray()) if (!(typeof child === 'string')) visit(child as Y.XmlElement | Y.XmlText);
	};
	visit(doc.getXmlFragment('body'));
	return chars;
}

function countTerms(doc: Y.Doc): number {
	let count = 0;
	const visit = (type: Y.XmlFragment | Y.XmlElement) => {
		for (const child of type.toArray()) {
			if (child instanceof Y.XmlElement) {
				if (child.nodeName === 'term') count++;
				visit(child);
			}
		}
	};
	visit(doc.getXmlFragment('body'));
	return count;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const byUser = (value: unknown, user: SuggestUser) => {
	const v = value as { authorId?: string; party?: string } | undefined;
	return v?.authorId === user.id && v?.party === user.side;
};

/** The collaboration server's own verdict (null: accepted), judged as its shadow document does. */
export function serverVerdict(base: Y.Doc, update: Uint8Array, user: SuggestUser, clients: number[]): string | null {
	const shadow = new Y.Doc({ gc: false });
	Y.applyUpdate(shadow, Y.encodeStateAsUpdate(base));
	let verdict: string | null = null;
	shadow.on('afterTransaction', (tr: Y.Transaction) => {
		verdict ??= trackedChangeViolation(tr, { userId: user.id, side: user.side, ownsClient: (c) => clients.includes(c) });
	});
	Y.applyUpdate(shadow, update);
	return verdict;
}

/**
 * What the server would refuse in `update` written by `user` onto `base` (empty: accepted).
 * New text must be the writer's insertion; only the writer's party's insertions may really go;
 * old text may only gain the writer's deletion mark, unless it is the writer's own insertion.
 */
export function serverViolations(base: Y.Doc, update: Uint8Array, user: SuggestUser): string[] {
	const after = new Y.Doc({ gc: false });
	Y.applyUpdate(after, Y.encodeStateAsUpdate(base));
	const before = characters(after);
	const termsBefore = countTerms(after);
	Y.applyUpdate(after, update);
	const now = characters(after);
	const problems: string[] = [];
	for (const [id, info] of now) {
		const old = before.get(id);
		if (!old) {
			if (!byUser(info.attrs.insertion, user)) problems.push(`new "${info.char}" without the writer's insertion mark`);
			if (info.attrs.deletion) problems.push(`new "${info.char}" already marked deleted`);
			continue;
		}
		if (same(old.attrs, info.attrs)) continue;
		const { deletion: was, insertion: insWas, ...restOld } = old.attrs;
		const { deletion: is, insertion: insIs, ...restNew } = info.attrs;
		if (!same(insWas, insIs)) problems.push(`insertion mark of "${info.char}" changed`);
		if (!same(was, is) && (was !== undefined || !byUser(is, user))) problems.push(`deletion mark of "${info.char}" changed`);
		const ownParty = (insWas as { party?: string } | undefined)?.party === user.side;
		if (!ownParty && !same(restOld, restNew))
			problems.push(`formatting of "${info.char}" changed: ${JSON.stringify(old.attrs)} → ${JSON.stringify(info.attrs)}`);
	}
	for (const [id, info] of before) {
		if (now.has(id)) continue;
		const insertion = info.attrs.insertion as { party?: string } | undefined;
		if (insertion?.party !== user.side) problems.push(`"${info.char}" really deleted`);
	}
	if (countTerms(after) !== termsBefore) problems.push('terms added or removed');
	return problems;
}

/** Plain view of a textblock for assertions: text with [+inserted+] and [-deleted-] runs. */
export function redline(json: Json): string {
	const blocks: string[] = [];
	const visit = (node: Json) => {
		const content = (node.content as Json[] | undefined) ?? [];
		if (node.type === 'paragraph' || node.type === 'heading') {
			let out = '';
			for (const child of content) {
				if (child.type !== 'text') {
					out += `{${(child.attrs as { key?: string })?.key ?? child.type}}`;
					continue;
				}
				const marks = ((child.marks as Json[] | undefined) ?? []).map((m) => m as { type: string; attrs: { party: string; authorName: string } });
				const i = marks.find((m) => m.type === 'insertion');
				const d = marks.find((m) => m.type === 'deletion');
				let value = child.text as string;
				if (d) value = `[-${d.attrs.party[0]}:${value}-]`;
				if (i) value = `[+${i.attrs.party[0]}:${value}+]`;
				out += value;
			}
			blocks.push(out);
			return;
		}
		content.forEach(visit);
	};
	visit(json);
	return blocks.join(' ¶ ');
}
