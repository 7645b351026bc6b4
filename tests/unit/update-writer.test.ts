import { describe, expect, it } from 'vitest';
import { UpdateWriter, type UpdateStatements } from '../../src/lib/server/collab/update-writer';
import type { StoredUpdate } from '../../src/lib/server/collab/persistence';

/** Statements that commit only when the test says so, recording what each one carried. */
function heldStatements() {
	const statements: Array<{ mous: string[]; rows: number; commit(): void }> = [];
	let seq = 0;
	const impl: UpdateStatements = {
		many(batches) {
			return new Promise((resolve) => {
				const commit = () => resolve(new Map(batches.map(({ mouId, updates }) => [mouId, updates.map(() => String(++seq))])));
				statements.push({ mous: batches.map((b) => b.mouId), rows: batches.reduce((n, b) => n + b.updates.length, 0), commit });
			});
		},
		one: async (_mouId, updates) => updates.map(() => String(++seq)),
		locked: async () => new Set(),
		wait: async (_mouId, updates) => updates.map(() => String(++seq))
	};
	return { statements, impl };
}

const edit = (): StoredUpdate[] => [{ update: new Uint8Array([1, 2, 3]), userId: 'u' }];
/** One turn of the event loop: every promise continuation and timer of 0 ms has run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit of the live document', () => {
	it('writes an edit on an idle server at once, also right after a previous commit', async () => {
		const { statements, impl } = heldStatements();
		const writer = new UpdateWriter(impl);
		const first = writer.append('mou-a', edit());
		expect(statements).toHaveLength(1); // started in the same turn, no timer first
		statements[0].commit();
		await first;

		// The next keystroke a moment later (another room) does not wait for a group-commit window.
		const second = writer.append('mou-b', edit());
		await nextTurn();
		expect(statements).toHaveLength(2);
		statements[1].commit();
		expect(await second).toEqual(['2']);
	});

	it('puts edits that arrive during a commit into the next one, all rooms in one statement', async () => {
		const { statements, impl } = heldStatements();
		const writer = new UpdateWriter(impl);
		const first = writer.append('mou-a', edit());
		const queued = [writer.append('mou-b', edit()), writer.append('mou-c', edit()), writer.append('mou-d', [...edit(), ...edit()])];
		await nextTurn();
		expect(statements).toHaveLength(1); // nothing else starts while a commit is in flight
		statements[0].commit();
		await first;
		await nextTurn();
		expect(statements).toHaveLength(2);
		expect(statements[1]).toMatchObject({ mous: ['mou-b', 'mou-c', 'mou-d'], rows: 4 });
		statements[1].commit();
		expect(await Promise.all(queued)).toEqual([['2'], ['3'], ['4', '5']]);
	});

	it('never puts two batches of one document in the same statement (their order matters)', async () => {
		const { statements, impl } = heldStatements();
		const writer = new UpdateWriter(impl);
		void writer.append('mou-a', edit());
		const later = [writer.append('mou-a', edit()), writer.append('mou-a', edit())];
		statements[0].commit();
		await nextTurn();
		expect(statements[1].mous).toEqual(['mou-a']);
		statements[1].commit();
		await nextTurn();
		expect(statements[2].mous).toEqual(['mou-a']);
		statements[2].commit();
		expect(await Promise.all(later)).toEqual([['2'], ['3']]);
	});

	it('lets a MOU whose row a decision holds wait apart, the others stored at once and in order', async () => {
		let seq = 0;
		const statements: string[][] = [];
		let unlock!: () => void;
		const unlocked = new Promise<void>((resolve) => (unlock = resolve));
		const waited: string[] = [];
		const seqsOf = (updates: StoredUpdate[]) => updates.map(() => String(++seq));
		const impl: UpdateStatements = {
			async many(batches) {
				statements.push(batches.map((b) => b.mouId));
				if (batches.some((b) => b.mouId === 'held')) throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
				return new Map(batches.map(({ mouId, updates }) => [mouId, seqsOf(updates)]));
			},
			one: async (_mouId, updates) => seqsOf(updates),
			locked: async (mouIds) => new Set(mouIds.filter((id) => id === 'held')),
			async wait(mouId, updates) {
				waited.push(mouId);
				await unlocked;
				return seqsOf(updates);
			}
		};
		const writer = new UpdateWriter(impl);
		let heldDone = false;
		const held = writer.append('held', edit()).then((seqs) => ((heldDone = true), seqs));
		const others = [writer.append('mou-a', edit()), writer.append('mou-b', edit())];
		expect(await Promise.all(others)).toEqual([['1'], ['2']]);
		expect(await writer.append('mou-a', edit())).toEqual(['3']); // the next batch does not wait either
		expect(waited).toEqual(['held']);
		expect(heldDone).toBe(false);
		unlock();
		expect(await held).toEqual(['4']);
		expect(statements).toEqual([['held'], ['mou-a', 'mou-b'], ['mou-a']]);
	});
});
