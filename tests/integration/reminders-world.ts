import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll } from 'vitest';
import type { Sql } from '../../src/lib/server/db';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { freshDatabase, type TestDatabase } from '../helpers/db';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';

/**
 * Two organizations with the people reminders go to (counsel, signatories, administrators) and one
 * who gets none (a viewer), and signed MOUs between them — made the way signing leaves them:
 * status 'signed', an agreed version holding the full stored state, the review dates set.
 */
export async function reminderWorld(sql: Sql) {
	const agency = await createOrganization(sql, 'agency');
	const district = await createOrganization(sql, 'district');
	const agencySignatory = await addColleague(sql, agency, 'signatory');
	const districtSignatory = await addColleague(sql, district, 'signatory');
	const agencyAdminViewer = await addColleague(sql, agency, 'viewer');
	await sql`update memberships set is_admin = true where user_id = ${agencyAdminViewer.user.id}`;
	agencyAdminViewer.user.isAdmin = true;
	const districtViewer = await addColleague(sql, district, 'viewer');
	const agencySecondCounsel = await addColleague(sql, agency, 'counsel');
	return {
		agency,
		district,
		agencySignatory,
		districtSignatory,
		agencyAdminViewer,
		districtViewer,
		agencySecondCounsel,
		/** Everyone who should be reminded, by email. */
		remindedEmails: [agency, agencySignatory, agencyAdminViewer, agencySecondCounsel, district, districtSignatory].map((p) => p.email).sort(),
		agencyEmails: [agency, agencySignatory, agencyAdminViewer, agencySecondCounsel].map((p) => p.email).sort(),
		districtEmails: [district, districtSignatory].map((p) => p.email).sort()
	};
}

export type ReminderWorld = Awaited<ReturnType<typeof reminderWorld>>;

/**
 * A test file's fresh database with the reminder world in it and a mailer that keeps mail in the
 * outbox (no SMTP server), made before the file's tests and closed after them. `ready` hands them to
 * the file's variables.
 */
export function withReminderWorld(ready: (made: { db: TestDatabase; mailer: Mailer; world: ReminderWorld }) => void) {
	let db: TestDatabase | undefined;
	let mailer: Mailer | undefined;
	beforeAll(async () => {
		db = await freshDatabase();
		mailer = createMailer({ sql: db.sql });
		ready({ db, mailer, world: await reminderWorld(db.sql) });
	});
	afterAll(async () => {
		mailer?.close();
		await db?.close();
	});
}

/** Sets a fill-in term in the stored draft (before it is agreed), the way the server writes. */
export async function setTerm(sql: Sql, mouId: string, key: string, value: string) {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(sql, mouId));
	const before = Y.encodeStateVector(doc);
	doc.getMap<string>('terms').set(key, value);
	await appendInitialState(sql, mouId, Y.encodeStateAsUpdate(doc, before));
	doc.destroy();
}

/** An MOU negotiated by agency and district, agreed and signed with these review dates. */
export async function signedMou(
	sql: Sql,
	people: { agency: Person; district: Person },
	options: {
		title?: string;
		effectiveDate: string;
		dueOn: string;
		intervalMonths?: number;
		districtTimeZone?: string;
		signedAt?: Date;
		state?: 'none' | 'il' | 'wa' | 'va';
		terms?: Record<string, string>;
	}
) {
	const mouId = await createMouBetween(
		sql,
		people.agency,
		people.district,
		options.title ?? 'Springfield SRO MOU 2027–28',
		'negotiating',
		options.state ?? 'none'
	);
	if (options.districtTimeZone) await setTerm(sql, mouId, 'district_time_zone', options.districtTimeZone);
	for (const [key, value] of Object.entries(options.terms ?? {})) await setTerm(sql, mouId, key, value);
	const state = await loadDocumentState(sql, mouId);
	const [{ seq }] = await sql<{ seq: string }[]>`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	const [version] = await sql<{ id: string }[]>`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${mouId}, 1, 'agreed', 'Agreed text', null, ${people.agency.user.id}, ${seq}::bigint, ${state},
			${createHash('sha256').update(state).digest('hex')})
		returning id`;
	await sql`
		update mous set status = 'signed', effective_date = ${options.effectiveDate}::date,
			review_interval_months = ${options.intervalMonths ?? 12}, review_due_on = ${options.dueOn}::date,
			signed_at = ${options.signedAt ?? new Date(`${options.effectiveDate}T12:00:00Z`)}
		where id = ${mouId}`;
	return { mouId, versionId: version.id, state };
}
