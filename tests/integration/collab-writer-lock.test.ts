import { expect, it } from 'vitest';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { liveEditing } from '../helpers/live-editing';
import { firstText, plain } from '../helpers/mou-doc';
import { within } from '../helpers/yjs-client';

// The shared writer stores every room's keystrokes in one INSERT. A decision holds its MOU's row
// (FOR UPDATE) for its transaction; the writer's statement gives up waiting for it after its
// lock_timeout, and only that MOU's batch waits apart: another MOU's keystroke is stored and
// acknowledged at once, the held MOU's once the lock is released, nothing lost, in order.

const CLAUSE = 'purpose.mission';
const HOLD_MS = 1_500;
const ONE_CONNECTION = !process.env.DATABASE_URL || process.env.TEST_DB === 'pglite';
let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));

it.skipIf(ONE_CONNECTION)(
	'a MOU whose row a decision holds waits alone: another MOU’s keystroke is stored meanwhile',
	async () => {
		const held = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const other = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const typist = await live.connected(agency, held);
		const victim = await live.connected(district, other);
		typist.edit((doc) => firstText(doc, CLAUSE).insert(0, '0'));
		victim.edit((doc) => firstText(doc, CLAUSE).insert(0, '0'));
		await Promise.all([typist.allStored(), victim.allStored()]); // client ids bound: keystrokes go to the shared writer
		const heldBefore = await live.rowCount(held, agency.user.id);

		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let holding!: () => void;
		const locked = new Promise<void>((resolve) => (holding = resolve));
		const holder = live.sql.begin(async (tx) => {
			await tx`select decisions from mous where id = ${held} for update`; // as lockForDecision
			holding();
			await released;
		});
		await locked;
		const heldAt = Date.now();
		// The held MOU keeps a batch in (nearly) every statement the writer runs.
		let typed = 0;
		const typing = setInterval(() => typist.edit((doc) => firstText(doc, CLAUSE).insert(0, String(++typed % 10))), 3);
		await new Promise((resolve) => setTimeout(resolve, 100));

		const latencies: number[] = [];
		for (let i = 0; i < 5; i++) {
			const start = Date.now();
			victim.edit((doc) => firstText(doc, CLAUSE).insert(0, 'v'));
			await within(victim.allStored(), 'the other MOU’s keystroke acknowledged');
			latencies.push(Date.now() - start);
		}
		const victimStored = await live.rowCount(other, district.user.id);
		const heldWhileLocked = await live.rowCount(held, agency.user.id);
		expect(Date.now() - heldAt).toBeLessThan(HOLD_MS); // all of that while the row was still held
		expect(victimStored).toBe(1 + 5);
		expect(heldWhileLocked).toBe(heldBefore); // nothing of the held MOU got past the lock
		expect(Math.max(...latencies)).toBeLessThan(300);

		await new Promise((resolve) => setTimeout(resolve, HOLD_MS - (Date.now() - heldAt)));
		clearInterval(typing);
		release();
		await holder;
		await within(typist.allStored(), 'the held MOU’s keystrokes stored after the release');
		expect(typist.isOpen()).toBe(true);
		expect(victim.isOpen()).toBe(true);
		// Every keystroke stored, each its own row, and the stored text is the typist's.
		expect(await live.rowCount(held, agency.user.id)).toBe(heldBefore + typed);
		const stored = await live.storedDoc(held);
		expect(plain(firstText(stored, CLAUSE))).toBe(plain(firstText(typist.doc, CLAUSE)));
		expect(plain(firstText(await live.storedDoc(other), CLAUSE))).toBe(plain(firstText(victim.doc, CLAUSE)));
	},
	30_000
);
