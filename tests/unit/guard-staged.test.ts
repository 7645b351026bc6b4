import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { DOCUMENT_ROOTS } from '../../src/lib/document';
import { createUpdateGuard } from '../../src/lib/server/collab/guard';
import { WritePipeline, type PipelineHost } from '../../src/lib/server/collab/write-pipeline';
import type { RoomContext } from '../../src/lib/server/collab/room-context';

// A keystroke that continues one still being stored is judged after the staged structs as they
// were decoded, not merged with them (issue 17: merging on every keystroke of a slow commit was
// most of the CPU an update cost). The verdicts must be those of the merged candidate.

const LOCKED_TEXT = 'The agency shall assign officers.';

function serverDoc(): Y.Doc {
	const seed = prosemirrorJSONToYDoc(
		documentSchema,
		{
			type: 'doc',
			content: [
				{
					type: 'clause',
					attrs: { clauseId: 'purpose', title: 'Purpose', level: 'required', nasro: '01.01.04-c', locked: true },
					content: [{ type: 'paragraph', content: [{ type: 'text', text: LOCKED_TEXT }] }]
				},
				{
					type: 'clause',
					attrs: { clauseId: 'local', title: 'Local', level: 'custom', nasro: '', locked: false },
					content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Parking.' }] }]
				}
			]
		},
		'body'
	);
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed));
	return doc;
}

const clauseText = (doc: Y.Doc, index: number) => ((doc.getXmlFragment('body').get(index) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** A writer's copy of the server's document; each edit returns the update it sends. */
function writerOf(server: Y.Doc) {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
	return (change: (doc: Y.Doc) => void): Uint8Array => {
		const updates: Uint8Array[] = [];
		const capture = (update: Uint8Array) => updates.push(update);
		doc.on('update', capture);
		doc.transact(() => change(doc));
		doc.off('update', capture);
		return Y.mergeUpdates(updates);
	};
}

/** A room's pipeline whose store never answers: whatever is enqueued stays staged. */
function stagingPipeline(doc: Y.Doc): WritePipeline {
	const ctx = { store: () => new Promise(() => {}) } as unknown as RoomContext;
	const host = {
		mouId: 'm',
		doc,
		owners: { save: async () => {} },
		peers: null,
		isReady: () => true,
		broadcast: () => {},
		serverOrigin: Symbol('server'),
		stored: () => {},
		frozen: () => {},
		failed: () => {},
		unstaged: () => {}
	} as unknown as PipelineHost;
	return new WritePipeline(ctx, host);
}

function setup() {
	const server = serverDoc();
	const guard = createUpdateGuard(server, { allowedRoots: DOCUMENT_ROOTS });
	const pipeline = stagingPipeline(server);
	const edit = writerOf(server);
	/** Judges an update as the lock guard does, both ways: after the staged structs and merged with them. */
	const judge = (update: Uint8Array) => {
		const decoded = Y.decodeUpdate(update);
		const candidate = pipeline.candidateFor(update, decoded);
		const laidOut = candidate.staged ? guard.check(update, decoded, candidate.staged) : null;
		const merged = pipeline.staged ? guard.check(Y.mergeUpdates([pipeline.staged, update])) : guard.check(update);
		return { candidate, laidOut, merged };
	};
	const stage = (update: Uint8Array) => {
		const decoded = Y.decodeUpdate(update);
		const candidate = pipeline.candidateFor(update, decoded);
		expect(guard.check(candidate.bytes, candidate.bytes === update ? decoded : undefined, candidate.staged ?? undefined).ok).toBe(true);
		pipeline.enqueue({ connection: null, update, decoded, userId: 'u', clients: [] }, candidate);
	};
	return { server, edit, judge, stage };
}

describe('a keystroke judged after the keystrokes still being stored', () => {
	it('is judged unmerged when it continues the staged typing, and accepted as the merged candidate is', () => {
		const { server, edit, judge, stage } = setup();
		const end = clauseText(server, 1).length;
		stage(edit((doc) => clauseText(doc, 1).insert(end, 'A')));
		stage(edit((doc) => clauseText(doc, 1).insert(end + 1, 'B')));
		const { candidate, laidOut, merged } = judge(edit((doc) => clauseText(doc, 1).insert(end + 2, 'C')));
		expect(candidate.staged).not.toBeNull();
		expect(candidate.bytes.length).toBeLessThan(100); // the keystroke itself, not the queue merged
		expect(laidOut?.ok).toBe(true);
		expect(merged.ok).toBe(true);
	});

	it.each<[string, (doc: Y.Doc) => void, string]>([
		['deletes locked text', (doc) => clauseText(doc, 0).delete(0, 4), 'deletes locked clause content'],
		['writes outside the document', (doc) => doc.getMap('smuggled').set('x', 1), 'writes to unknown root smuggled']
	])('is still refused when it also %s', (_what, alsoDoes, reason) => {
		const { server, edit, judge, stage } = setup();
		const end = clauseText(server, 1).length;
		stage(edit((doc) => clauseText(doc, 1).insert(end, 'A')));
		const { candidate, laidOut, merged } = judge(
			edit((doc) => {
				clauseText(doc, 1).insert(end + 1, 'B');
				alsoDoes(doc);
			})
		);
		expect(candidate.staged).not.toBeNull();
		expect(laidOut).toEqual({ ok: false, reason });
		expect(merged).toEqual(laidOut);
	});

	it('is merged with the queue when it repeats what is staged (a reconnecting client resends)', () => {
		const { server, edit, judge, stage } = setup();
		const end = clauseText(server, 1).length;
		const first = edit((doc) => clauseText(doc, 1).insert(end, 'A'));
		stage(first);
		const second = edit((doc) => clauseText(doc, 1).insert(end + 1, 'B'));
		const { candidate, merged } = judge(Y.mergeUpdates([first, second]));
		expect(candidate.staged).toBeNull();
		expect(candidate.bytes).toEqual(Y.mergeUpdates([first, first, second]));
		expect(merged.ok).toBe(true);
	});
});
