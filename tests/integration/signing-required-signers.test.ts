import { afterAll, describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { sendForSignature, type SigningDeps } from '../../src/lib/server/signing';
import type { PrepareDraft, SignerDraft } from '../../src/lib/signing/types';
import { agreedMou, setTitle, worldDraft } from './signing-world';
import { addColleague } from '../helpers/fixtures';

/** A state's profile can require signers beyond the agency head and the superintendent (Washington: the board). */

let db: Database;
let mailer: Mailer;
const deps = (): SigningDeps => ({ sql: db.sql, mailer, origin: 'http://app.test' });
const browser = () => ({ ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0' });

databaseForFile(async (opened) => {
	db = opened;
	mailer = createMailer({ sql: db.sql });
});
afterAll(async () => {
	mailer?.close();
});

type World = Awaited<ReturnType<typeof agreedMou>>;

function draftFor(w: World, extra: SignerDraft[] = []): PrepareDraft {
	const draft = worldDraft(w, { routing: 'sequential' });
	return { ...draft, signers: [...draft.signers, ...extra] };
}

async function underState(w: World, code: string) {
	await db.sql`update mous set state_code = ${code}, state_profile_version = '2027.1', template_version = '2027.1' where id = ${w.mouId}`;
}

const status = async (mouId: string) => (await db.sql<{ status: string }[]>`select status from mous where id = ${mouId}`)[0].status;

describe('required signers by state profile', () => {
	it('Washington: refused without the board president, with the statute; sent once the board president is added', async () => {
		const w = await agreedMou(db.sql);
		await underState(w, 'wa');
		const refused = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w), browser());
		expect(refused).toMatchObject({
			ok: false,
			error: {
				code: 'invalid_input',
				message: 'Washington requires the school board president (for the district) to sign (RCW 28A.320.1242(1)). Add this signer before sending.'
			}
		});
		// The form comes back as typed, and nothing was sent.
		expect(refused?.draft?.signers.map((s) => s.capacity)).toEqual(['agency_head', 'superintendent']);
		expect(await status(w.mouId)).toBe('agreed');
		const [{ count }] = await db.sql<{ count: number }[]>`select count(*)::int as count from signing_requests where mou_id = ${w.mouId}`;
		expect(count).toBe(0);

		// Another signatory of the agency, signing as mayor, does not count: the board is the district's.
		const mayor = await addColleague(db.sql, w.agencyCounsel, 'signatory');
		const wrongSide = await sendForSignature(
			deps(),
			w.agencyCounsel.user,
			w.mouId,
			draftFor(w, [{ title: 'Mayor', email: mayor.email, party: 'agency', capacity: 'mayor', accessCode: '' }]),
			browser()
		);
		expect(wrongSide).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Washington requires the school board president/) } });

		const president = await addColleague(db.sql, w.districtCounsel, 'signatory');
		await setTitle(db.sql, president, 'President of the Board of Directors');
		const board: SignerDraft = {
			title: 'Board President',
			email: president.email,
			party: 'district',
			capacity: 'board_president',
			accessCode: ''
		};
		const sent = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w, [board]), browser());
		expect(sent?.ok).toBe(true);
		expect(await status(w.mouId)).toBe('signing');
	});

	it('Illinois needs only the agency head and the superintendent', async () => {
		const w = await agreedMou(db.sql);
		await underState(w, 'il');
		expect((await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w), browser()))?.ok).toBe(true);
	});
});
