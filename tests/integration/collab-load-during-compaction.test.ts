import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Database, Sql } from '../../src/lib/server/db';
import { appendUpdates, compactDocument, loadStoredDocument, loadTailSince } from '../../src/lib/server/collab/persistence';
import { freshDatabase } from '../helpers/db';
import { createMouBetween, counselOfEachParty } from '../helpers/fixtures';

let db: Database;
let mouId: string;

beforeAll(async () => {
	db = await freshDatabase();
	const { agency, district } = await counselOfEachParty(db.sql);
	mouId = await createMouBetween(db.sql, agency, district);
}, 60_000);

afterAll(async () => {
	await db?.close();
});

/** Three more edits in the log, each adding a word to a text of their own. */
async function storeWords(words: string[]): Promise<void> {
	for (const word of words) {
		const doc = new Y.Doc();
		doc.getText('words').insert(0, word);
		await appendUpdates(db.sql, mouId, [{ update: Y.encodeStateAsUpdate(doc), userId: null }]);
	}
}

/** `sql` that lets a compaction of the MOU commit right after its first statement has run. */
function compactingAfterFirstStatement(): Sql {
	let statements = 0;
	const sql = (strings: TemplateStringsArray, ...values: unknown[]) => {
		const query = db.sql(strings, ...(values as never[]));
		if (++statements !== 1) return query;
		return query.then(async (result) => {
			await compactDocument(db.sql, mouId);
			return result;
		});
	};
	return sql as unknown as Sql;
}

function wordsIn(updates: Uint8Array[]): string[] {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc.share.has('words') ? [doc.getText('words').toString()] : [];
}

describe('a room loading while the log is compacted', () => {
	it('gets every stored edit, whether the compaction commits before, between or after its reads', async () => {
		await storeWords(['alpha ', 'beta ', 'gamma ']);
		const loaded = await loadStoredDocument(compactingAfterFirstStatement(), mouId);
		const text = wordsIn(loaded.updates)[0] ?? '';
		for (const word of ['alpha', 'beta', 'gamma']) expect(text).toContain(word);
	});

	it('catches up with every edit stored past its watermark, as another instance would', async () => {
		const { watermark } = await loadStoredDocument(db.sql, mouId);
		await storeWords(['delta ', 'epsilon ']);
		const tail = await loadTailSince(compactingAfterFirstStatement(), mouId, watermark, []);
		const text = wordsIn(tail.checkpoint ? [tail.checkpoint, ...tail.updates] : tail.updates)[0] ?? '';
		for (const word of ['delta', 'epsilon']) expect(text).toContain(word);
	});
});
