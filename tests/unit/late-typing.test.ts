import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DecidedIds, type AdmissionState, type AdmittedLateTyping, type ProposedChange } from '../../src/lib/server/collab/admission';
import { trackedChanges } from '../../src/lib/server/collab/admission/checks';
import {
	addedRanges,
	coversAdmitted,
	LATE_TYPING_MS,
	markLateTyping,
	MAX_LATE_TYPING,
	mayBeLateTyping,
	planLateTyping
} from '../../src/lib/server/collab/admission/late-typing';
import { ShadowDocument } from '../../src/lib/server/collab/tracked/shadow';
import { readUpdate } from '../../src/lib/server/collab/update-intake';
import { BODY_FIELD, markedRuns } from '../../src/lib/document';
import type { SuggestionAttrs } from '../../src/lib/redlines/types';

// Typing on inside one's own insertion carries its mark forward with no format item of its own, so
// a keystroke in flight as the other side decides the suggestion lands unmarked. Late typing by the
// run's author, right at the run and soon after the decision, is admitted and marked with the
// decided id's successor; every other unmarked text is refused as before.

const AUTHOR = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const mark: SuggestionAttrs = { id: 'typing', party: 'agency', authorId: AUTHOR, authorName: 'Avery Agency', at: '2026-12-03T12:00:00.000Z' };
const AUTHOR_CLIENT = 1000;

const textOf = (doc: Y.Doc) => (doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;

function writeAs(doc: Y.Doc, client: number, change: (text: Y.XmlText) => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	const own = doc.clientID;
	doc.clientID = client;
	doc.on('update', capture);
	doc.transact(() => change(textOf(doc)));
	doc.off('update', capture);
	doc.clientID = own;
	return Y.mergeUpdates(updates);
}

/** "Monthly " suggested by the author, decided by the server; and the author's editor from before the decision. */
function decidedRun(decision: 'accept' | 'reject') {
	const doc = new Y.Doc({ gc: false });
	doc.clientID = 1;
	const paragraph = new Y.XmlElement('paragraph');
	doc.getXmlFragment(BODY_FIELD).insert(0, [paragraph]);
	paragraph.insert(0, [new Y.XmlText('Plain text.')]);
	writeAs(doc, AUTHOR_CLIENT, (text) => text.insert(0, 'Monthly ', { insertion: mark }));
	const stale = new Y.Doc({ gc: false });
	Y.applyUpdate(stale, Y.encodeStateAsUpdate(doc));
	writeAs(doc, 5, () => {
		for (const run of markedRuns(doc)) {
			if (decision === 'reject') run.text.delete(run.index, run.length);
			else run.text.format(run.index, run.length, { insertion: null });
		}
	});
	let now = 1_000_000;
	const decided = new DecidedIds(() => now);
	decided.add(['typing']);
	return { doc, stale, decided, later: (ms: number) => (now += ms) };
}

/** The tracked-change verdict on `update` (null: admitted), and whether the server then looks for late typing in it. */
function judged(doc: Y.Doc, update: Uint8Array, decided: DecidedIds, userId = AUTHOR) {
	const shadow = new ShadowDocument(doc, () => null);
	const state = { shadow, owners: { ownerOf: () => userId }, decidedIds: decided } as unknown as AdmissionState;
	const intake = readUpdate(doc, update);
	const lateTyping = { at: decided.clock(), admitted: [] };
	const change: ProposedChange = { intake, author: { kind: 'person', userId, side: 'agency' }, candidate: { bytes: update, staged: null }, lateTyping };
	const refusal = trackedChanges(change, state)?.reason ?? null;
	return { refusal, looked: refusal === null && mayBeLateTyping(shadow.copy, addedRanges(intake)!, decided) };
}

const TYPIST = { userId: AUTHOR, side: 'agency' } as const;

/**
 * What the server does on its copy once `update` (already in `doc`) is admitted: plans the late
 * typing among its text and marks it. Returns the refusal, or how many runs it marked.
 */
function markLate(doc: Y.Doc, update: Uint8Array, decided: DecidedIds): string | number {
	const ranges = addedRanges(readUpdate(new Y.Doc(), update))!;
	const plan = planLateTyping(doc, Y.decodeUpdate(update), ranges, TYPIST, decided, decided.clock());
	if (typeof plan === 'string') return plan;
	expect(markLateTyping(doc, plan, ranges, TYPIST, decided)).toBeNull();
	decided.noteLateTyping(new Set(plan.map((mark) => mark.decided)), AUTHOR, decided.clock());
	return plan.length;
}

const judge = (doc: Y.Doc, update: Uint8Array, decided: DecidedIds, userId = AUTHOR) => judged(doc, update, decided, userId).refusal;

const delta = (doc: Y.Doc) =>
	(textOf(doc).toDelta() as Array<{ insert: string; attributes?: { insertion?: SuggestionAttrs } }>).map((op) => [
		op.insert,
		op.attributes?.insertion?.id ?? null
	]);

describe('late typing without a mark of its own', () => {
	for (const decision of ['accept', 'reject'] as const) {
		it(`admits the author's keystroke continuing their run just ${decision}ed, and marks it with one successor`, () => {
			const { doc, stale, decided } = decidedRun(decision);
			const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
			expect(Y.decodeUpdate(late).structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentFormat)).toBe(false);
			expect(judged(doc, late, decided)).toEqual({ refusal: null, looked: true });

			Y.applyUpdate(doc, late);
			expect(delta(doc).some(([, id]) => id !== null)).toBe(false); // what the decision left: plain text
			expect(markLate(doc, late, decided)).toBe(1);
			const successor = decided.successor('typing');
			expect(delta(doc)).toEqual(
				decision === 'accept'
					? [
							['Monthly ', null],
							['meetings', successor],
							['Plain text.', null]
						]
					: [
							['meetings', successor],
							['Plain text.', null]
						]
			);

			// A second keystroke from the same stale editor joins the same successor.
			const next = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(16, ' with', { insertion: mark }));
			expect(judge(doc, next, decided)).toBeNull();
			Y.applyUpdate(doc, next);
			markLate(doc, next, decided);
			expect(delta(doc).filter(([, id]) => id !== null)).toEqual([['meetings with', successor]]);
		});
	}

	it('is looked for when the decision is still being stored (the tracked copy does not have it yet)', () => {
		const { doc, stale, decided } = decidedRun('accept');
		const undecided = decidedRun('accept').stale; // the same document before the decision
		const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
		expect(judged(undecided, late, decided)).toEqual({ refusal: null, looked: true });
		// On the server's copy, which has the decision, the keystroke is plain text, which the server marks.
		Y.applyUpdate(doc, late);
		expect(markLate(doc, late, decided)).toBe(1);
		expect(delta(doc).filter(([, id]) => id !== null)).toEqual([['meetings', decided.successor('typing')]]);
	});

	it('marks every keystroke of a burst with the same successor, one marked before the next is judged', () => {
		const { doc, stale, decided } = decidedRun('accept');
		const keystrokes = [...'meetings'].map((char, n) => writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8 + n, char, { insertion: mark })));
		for (const keystroke of keystrokes) {
			expect(judge(doc, keystroke, decided)).toBeNull();
			Y.applyUpdate(doc, keystroke);
			expect(markLate(doc, keystroke, decided)).toBeTypeOf('number');
		}
		expect(delta(doc).filter(([, id]) => id !== null)).toEqual([['meetings', decided.successor('typing')]]);
	});

	it('refuses late typing that comes with a format item of its own (a forged run end inside the decided run)', () => {
		const { doc, stale, decided } = decidedRun('accept');
		const forged = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(4, 'Forged', { insertion: null }));
		expect(judge(doc, forged, decided)).toMatch('not marked as your party');
		Y.applyUpdate(doc, forged);
		expect(markLate(doc, forged, decided)).toMatch('not marked as your party');
	});

	it('marks the keystroke with the successor when the decision has not reached this copy yet (made on another instance)', () => {
		const { stale, decided } = decidedRun('accept');
		const undecided = decidedRun('accept').stale;
		const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
		Y.applyUpdate(undecided, late);
		expect(markLate(undecided, late, decided)).toBe(1);
		expect(delta(undecided).filter(([, id]) => id !== null)).toEqual([
			['Monthly ', 'typing'],
			['meetings', decided.successor('typing')]
		]);
	});

	it('is not looked for in the author’s other suggestions, even soon after a decision', () => {
		const { doc, stale, decided } = decidedRun('accept');
		const fresh = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(14, 'Also.', { insertion: { ...mark, id: 'fresh' } }));
		expect(judged(doc, fresh, decided)).toEqual({ refusal: null, looked: false });
	});

	it('refuses it from anyone but the run’s author', () => {
		const { doc, stale, decided } = decidedRun('accept');
		const late = writeAs(stale, 2000, (text) => text.insert(8, 'meetings', { insertion: mark }));
		expect(judge(doc, late, decided, OTHER)).toMatch('not marked as your party');
	});

	it(`refuses it once the decision is ${LATE_TYPING_MS / 1000} s old, and leaves it unmarked`, () => {
		const { doc, stale, decided, later } = decidedRun('accept');
		later(LATE_TYPING_MS);
		const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
		expect(judge(doc, late, decided)).toMatch('not marked as your party');
		Y.applyUpdate(doc, late);
		expect(markLate(doc, late, decided)).toMatch('not marked as your party');
		expect(delta(doc).some(([, id]) => id !== null)).toBe(false);
	});

	it('judges the whole admission on one clock reading: text admitted just inside the window is planned with its mark after it closed', () => {
		const { doc, stale, decided, later } = decidedRun('accept');
		later(LATE_TYPING_MS - 1);
		const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
		const lateTyping = { at: decided.clock(), admitted: [] as AdmittedLateTyping[] };
		const intake = readUpdate(doc, late);
		const state = { shadow: new ShadowDocument(doc, () => null), owners: { ownerOf: () => AUTHOR }, decidedIds: decided } as unknown as AdmissionState;
		const change: ProposedChange = { intake, author: { kind: 'person', ...TYPIST }, candidate: { bytes: late, staged: null }, lateTyping };
		expect(trackedChanges(change, state)).toBeNull();
		const successor = decided.successor('typing');
		expect(lateTyping.admitted).toEqual([{ client: AUTHOR_CLIENT, clock: expect.any(Number), length: 8, decided: 'typing', successor }]);
		later(2); // the window closes before the marks are planned: the admission's reading still holds
		Y.applyUpdate(doc, late);
		const plan = planLateTyping(doc, intake.decoded, addedRanges(intake)!, TYPIST, decided, lateTyping.at);
		expect(typeof plan !== 'string' && coversAdmitted(plan, lateTyping.admitted)).toBe(true);
		// A fresh reading would plan nothing for it, and the entry refuses a plan that leaves admitted text out.
		expect(planLateTyping(doc, intake.decoded, addedRanges(intake)!, TYPIST, decided, decided.clock())).toMatch('not marked as your party');
		expect(coversAdmitted([], lateTyping.admitted)).toBe(false);
		const other = typeof plan === 'string' ? [] : plan.map((run) => ({ ...run, attrs: { ...run.attrs, id: 'another' } }));
		expect(coversAdmitted(other, lateTyping.admitted)).toBe(false);
		const short = typeof plan === 'string' ? [] : plan.map((run) => ({ ...run, length: run.length - 1 }));
		expect(coversAdmitted(short, lateTyping.admitted)).toBe(false);
	});

	it(`refuses it once the decided id had ${MAX_LATE_TYPING} late-typing updates`, () => {
		const { doc, stale, decided } = decidedRun('accept');
		for (let n = 0; n < MAX_LATE_TYPING; n++) decided.noteLateTyping(['typing'], OTHER, decided.clock());
		const late = writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(8, 'meetings', { insertion: mark }));
		expect(judge(doc, late, decided)).toMatch('not marked as your party');
	});

	it('refuses unmarked text after the run’s end, or where no run was', () => {
		for (const index of [9, 14]) {
			const { doc, stale, decided } = decidedRun('accept');
			expect(
				judge(
					doc,
					writeAs(stale, AUTHOR_CLIENT, (text) => text.insert(index, 'Beyond')),
					decided
				)
			).toMatch('not marked as your party');
		}
	});
});
