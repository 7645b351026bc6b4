import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/db';
import { createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { textContaining } from '../unit/export-fixtures';
import { replyToSuggestion } from '../../src/lib/server/comments';
import { decideAsSeen } from '../helpers/decide';
import { startCollabHttp } from '../helpers/collab-http';
import { storeEditAs, suggestionMark } from '../helpers/stored-edits';
import type { Database } from '../../src/lib/server/db';

// A reply to a suggestion sent at the very moment the suggestion is decided lands before the
// decision or not at all: the reply's "still undecided" check and its insert are one transaction
// under the lock the decision takes too. Raced for real against PostgreSQL, many times, with the
// reply starting a little later each time so that the decision falls anywhere within its work.

const ROUNDS = 60;

let db: Database;
let agency: Person;
let district: Person;
let server: Awaited<ReturnType<typeof startCollabHttp>>;

beforeAll(async () => {
	db = await freshDatabase();
	agency = await createOrganization(db.sql, 'agency');
	district = await createOrganization(db.sql, 'district');
	server = await startCollabHttp(db.sql);
	// Witness: a comment stored in a suggestion's thread while a decision on it is already recorded
	// (each statement of a trigger sees what was committed before it ran).
	await db.sql.unsafe(`
		create table late_replies (comment_id uuid, suggestion_id text);
		create function witness_late_replies() returns trigger language plpgsql as $$
		declare
			suggestion text;
		begin
			select coalesce(new.suggestion_id, t.suggestion_id) into suggestion from (select 1) one
				left join mou_comments t on t.id = new.thread_id;
			if suggestion is not null and exists (select 1 from mou_decisions d where d.mou_id = new.mou_id and d.suggestion_id = suggestion) then
				insert into late_replies values (new.id, suggestion);
			end if;
			return new;
		end $$;
		create trigger witness_late_replies after insert on mou_comments for each row execute function witness_late_replies();`);
});

afterAll(async () => {
	await server?.close();
	await db?.close();
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a reply racing the decision on its suggestion', () => {
	it('is stored before the decision or refused as decided, never stored after it', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		const ids = Array.from({ length: ROUNDS }, (_, i) => `race-${i}`);
		await storeEditAs(db.sql, mouId, agency, 'agency', 9201, (doc) => {
			for (const id of ids) {
				const found = textContaining(doc, 'The program exists to build');
				found.text.insert(found.index, `Clause ${id}. `, { insertion: suggestionMark(agency, 'agency', id) });
			}
		});
		const deps = { sql: db.sql, collab: server.collab };

		for (const [round, id] of ids.entries()) {
			// Both threads of the suggestion at once: the first reply of one, a later reply of the other.
			if (round % 2 === 1)
				expect(await replyToSuggestion(deps, district.user, mouId, { suggestionId: id, body: 'Why?', visibility: 'shared' })).toMatchObject({ ok: true });
			const [replied, decided] = await Promise.all([
				delay(round % 16).then(() =>
					replyToSuggestion(deps, district.user, mouId, { suggestionId: id, body: `Reply in round ${round}`, visibility: 'shared' })
				),
				decideAsSeen(deps, district.user, mouId, { suggestionIds: [id], decision: 'reject' })
			]);
			expect(decided).toMatchObject({ ok: true });
			const stored = await db.sql`select 1 from mou_comments where mou_id = ${mouId} and body = ${`Reply in round ${round}`}`;
			if (!replied?.ok) {
				// Decided by the time it was checked: closed (decided) or no longer open in the document.
				expect(replied).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(not_now|not_found)$/) } });
			}
			expect(stored).toHaveLength(replied?.ok ? 1 : 0);
		}

		expect(await db.sql`select comment_id, suggestion_id from late_replies`).toEqual([]);
		// After the decision, a reply is refused as before.
		expect(await replyToSuggestion(deps, agency.user, mouId, { suggestionId: ids[0], body: 'Late', visibility: 'shared' })).toMatchObject({
			ok: false,
			error: { code: 'not_now' }
		});
	});
});
