import { describe, expect, it } from 'vitest';
import { certificateView } from '../../src/lib/certificate';
import { certificateDocument } from '../../src/lib/server/signing/certificate-html';
import { formatWhen } from '../../src/lib/dates/format';
import { certificateFor } from './export-fixtures';

const fingerprint = 'a'.repeat(64);
const base = certificateFor('1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a', fingerprint);

describe('certificate view', () => {
	it('gives the signed file’s SHA-256 only once the file was issued', () => {
		const hashes = (c: typeof base) =>
			certificateView(c)
				.facts.filter((row) => row.kind === 'hash')
				.map((row) => row.value);
		expect(hashes(base)).toEqual([fingerprint]);
		expect(hashes({ ...base, signedFile: { sha256: 'b'.repeat(64), issuedAt: base.completedAt } })).toEqual([fingerprint, 'b'.repeat(64)]);
	});

	it('writes every time in the certificate’s zone and names parties by their organizations', () => {
		const view = certificateView({ ...base, zone: 'America/Chicago' }, { agency: 'Springfield Police Department' });
		const chief = view.signers[0];
		expect(chief.signedLine).toBe(`Signed ${formatWhen(base.signers[0].signedAt, 'America/Chicago')}`);
		expect(chief.signedLine).toMatch(/C[SD]T$/);
		expect(chief.rows.find((row) => row.label === 'Party')?.value).toBe('Springfield Police Department');
		// The clerk attests; the district has no organization name here, so its label stands.
		expect(view.signers[2].signedLine).toMatch(/^Attested /);
		expect(view.signers[2].rows.find((row) => row.label === 'Party')?.value).toBe('Springfield Police Department — attestation');
		expect(view.signers[1].rows.find((row) => row.label === 'Party')?.value).toBe('District');
		expect(view.events.map((event) => event.event)).toEqual(['Request sent', 'Signed', 'Completed — every signer has signed']);
	});

	it('is what the HTML certificate shows, escaped', () => {
		const html = certificateDocument({ ...base, title: 'SRO <MOU> & terms' });
		expect(html).toContain('SRO &lt;MOU&gt; &amp; terms');
		for (const row of certificateView(base).facts.filter((row) => row.label !== 'MOU')) expect(html).toContain(row.value);
		expect(html).toContain('alt="Signature of Renee Ortiz (drawn)"');
	});
});
