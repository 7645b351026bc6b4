import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/lib/server/db/migrations';

// A migration runs once per database and is known afterwards only by its id (schema_migrations), so
// a shipped migration whose text changed would leave old and new databases different. Each one's SQL
// is pinned here by its SHA-256, as it was when it shipped. Migrations share some text through
// modules (db/migrations/mou-updates-guard.ts): a change there shows up here too. A new migration
// adds its own line; a pinned one never changes.
const SHIPPED: Record<string, string> = {
	'0001_accounts': '191fb8a658fddb10f929c47774cb52929c60f5b36cca5b8711f826fa0ac37c2f',
	'0002_mous': '559a092dd342606286a2def8884a28e4d905e4ce87e578197a117f7fd0f5efcb',
	'0003_outbox_claims': 'ecf83f2abb5c07b8b78b0495349397b6a861c6378a522d957b2dc40b659cf3a3',
	'0004_negotiation': '606d567536771a722a9d3c882ea85589cbbada38b021d50631e1388665c0ec8c',
	'0005_signing': 'ea50bb7fded471cca7ba684f2c5864095644746f1052ffaa7e180324c1c7f4d0',
	'0006_reminders': 'e89820f0bbdbd063785679d21d99d21a71a0cb650b64595bab18acd37b1921dd',
	'0007_exports': 'c07252eddba7907ac455a9587f35fe3bb5de1c31236f8a03b010660c1595b879',
	'0008_frozen_sqlstate': 'c1d4a5d8fd177cd33f59a95800ddd4a70f02c071bf0935658e1518c4b38fddee',
	'0009_signing_identity': '0fa44fcd306af180bf76acd196b3dbe00f396d03986765ed48cb375858186066',
	'0010_state_profiles': '748dedefe79b5ed4e3f056df21a2949eac17f84121a287aa3940e3e415c65588',
	'0011_review_records': '6aef5690986e2ec8b34f09fcf15c581c21edc192ec123100d244e3e34593d4cc',
	'0012_publication': '7006582b00a295911473f2cd9732b76d9d48775a7e45433a2f5b9851b07beb3f',
	'0013_contract_reminders': '0f4b51feea70a62ad817aba1d9f009b4c1f3a227ea61872d0665e1b967df3855',
	'0013_account_trust': '4a1e0e4354c493d0d6ff9a3192803563ecc7b6132681f1f823c928583d235fa5',
	'0014_suggestion_threads': 'fd2aca2171acb9d6fd7545afa97709c7d4916c3b466896648e61e8b246ca46d2',
	'0015_visits_notifications': '837b9ec05b376955a980e07cee7946cb709861b0419bad53413f9723a7520c27',
	'0016_decision_count': '917c600c04aa099bb365a59c6a07b81e063e8edc4820bf0fa861e8e4be1986d9'
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('migrations', () => {
	it('run the SQL each had when it shipped, in the order they shipped', () => {
		const shipped = migrations.filter((m) => m.id in SHIPPED);
		expect(shipped.map((m) => m.id)).toEqual(Object.keys(SHIPPED));
		for (const m of shipped) expect({ id: m.id, sha256: sha256(m.sql) }).toEqual({ id: m.id, sha256: SHIPPED[m.id] });
	});

	it('are each pinned here once they exist', () => {
		expect(migrations.map((m) => m.id).filter((id) => !(id in SHIPPED))).toEqual([]);
	});
});
