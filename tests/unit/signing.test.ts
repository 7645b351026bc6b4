import { describe, expect, it } from 'vitest';
import { canonicalJson, checkSignatureImage, renderAgreement, signedDates, validatePrepare } from '../../src/lib/server/signing';
import { addMonths, dayIn, endOfDayIn, startOfDayIn } from '../../src/lib/server/signing/dates';
import { initialDocumentUpdate, loadTemplate } from '../../src/lib/server/templates';
import { inkPng } from '../integration/signing-world';
import type { PrepareDraft } from '../../src/lib/signing/types';

describe('canonical JSON', () => {
	it('sorts keys at every level and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
	});
});

describe('calendar dates in a time zone', () => {
	it('adds months, keeping the end of shorter months', () => {
		expect(addMonths('2027-08-01', 12)).toBe('2028-08-01');
		expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
		expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
		expect(addMonths('2027-11-15', 3)).toBe('2028-02-15');
	});

	it('knows the district’s day and when it ends, across daylight saving', () => {
		const lateEvening = new Date('2027-03-01T05:30:00Z'); // 23:30 on Feb 28 in Chicago
		expect(dayIn(lateEvening, 'America/Chicago')).toBe('2027-02-28');
		expect(dayIn(lateEvening, 'UTC')).toBe('2027-03-01');
		expect(startOfDayIn('2027-07-04', 'America/Chicago').toISOString()).toBe('2027-07-04T05:00:00.000Z');
		expect(endOfDayIn('2027-01-15', 'America/Chicago').toISOString()).toBe('2027-01-16T05:59:59.999Z');
		expect(endOfDayIn('2027-03-14', 'America/New_York').toISOString()).toBe('2027-03-15T03:59:59.999Z');
	});
});

describe('dates fixed at completion', () => {
	const completed = new Date('2027-03-01T05:30:00Z');
	it('uses the effective date term, else the term start, else the completion day in the district', () => {
		expect(signedDates({ effective_date: '2027-09-01', term_start: '2027-08-01' }, completed, 'UTC')).toEqual({
			effectiveDate: '2027-09-01',
			reviewIntervalMonths: 12,
			reviewDueOn: '2028-09-01'
		});
		expect(signedDates({ term_start: '2027-08-01', review_interval_months: '6' }, completed, 'UTC')).toMatchObject({
			effectiveDate: '2027-08-01',
			reviewDueOn: '2028-02-01'
		});
		expect(signedDates({ term_start: 'soon', review_interval_months: '99' }, completed, 'America/Chicago')).toEqual({
			effectiveDate: '2027-02-28',
			reviewIntervalMonths: 12,
			reviewDueOn: '2028-02-28'
		});
	});
});

describe('signature images', () => {
	it('accepts a small PNG with ink and refuses anything else', () => {
		expect(checkSignatureImage(inkPng())).toMatchObject({ ok: true, width: 240, height: 80 });
		expect(checkSignatureImage('')).toMatchObject({ ok: false });
		expect(checkSignatureImage('data:image/svg+xml;base64,PHN2Zz4=')).toMatchObject({ ok: false, message: expect.stringMatching(/PNG/) });
		expect(checkSignatureImage('data:image/png;base64,not base64!')).toMatchObject({ ok: false });
		expect(
			checkSignatureImage(`data:image/png;base64,${Buffer.from('GIF89a................................................').toString('base64')}`)
		).toMatchObject({ ok: false });
		expect(checkSignatureImage(inkPng(240, 80, false))).toMatchObject({ ok: false, message: expect.stringMatching(/empty/) });
		expect(checkSignatureImage(inkPng(100, 700))).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) });
		const png = Buffer.from(inkPng().split(',')[1], 'base64');
		png[40] ^= 0xff; // flips a byte inside a chunk: its CRC no longer matches
		expect(checkSignatureImage(`data:image/png;base64,${png.toString('base64')}`)).toMatchObject({ ok: false, message: expect.stringMatching(/damaged/) });
	});
});

describe('the agreed text as signers read it', () => {
	it('renders every section with headings and resolves terms', () => {
		const template = loadTemplate();
		const rendered = renderAgreement(initialDocumentUpdate(template), template);
		expect(rendered.outline[0]).toMatchObject({ level: 2, text: template.title });
		const sections = rendered.outline.filter((h) => h.level === 3).map((h) => h.text);
		// Sections are numbered as they stand, so references and headings agree.
		expect(sections).toEqual(template.sections.map((s, i) => `${i + 1}. ${s.heading}`));
		// The default is filled in; an empty term says so instead of leaving a placeholder.
		expect(rendered.html).toContain('12 months');
		expect(rendered.html).toContain('[Law enforcement agency — not filled in]');
		expect(rendered.html).not.toMatch(/\{\{|<script/);
	});
});

describe('the prepare form', () => {
	const now = new Date('2027-02-14T15:00:00Z');
	const base: PrepareDraft = {
		signers: [
			{ title: 'Chief of Police', email: 'chief@pd.example', party: 'agency', capacity: 'agency_head', accessCode: '' },
			{ title: 'Superintendent', email: 'super@usd.example', party: 'district', capacity: 'superintendent', accessCode: 'on' },
			{ title: '', email: '', party: 'district', capacity: 'other', accessCode: '' }
		],
		clerk: { title: 'City Clerk', email: 'clerk@city.example', party: 'agency', capacity: 'clerk', accessCode: '' },
		recipients: [{ name: '', email: 'board@usd.example' }],
		routing: 'parallel',
		expiresOn: '2027-03-31',
		reminderDays: '',
		message: ''
	};

	it('accepts a complete form, drops blank rows and puts the clerk last', () => {
		const result = validatePrepare(base, now, 'America/Chicago');
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.value.signers.map((s) => [s.email, s.role, s.accessCode])).toEqual([
			['chief@pd.example', 'signer', false],
			['super@usd.example', 'signer', true],
			['clerk@city.example', 'attester', false]
		]);
		expect(result.value.reminderDays).toBe(3);
		expect(result.value.recipients).toEqual([{ name: 'board@usd.example', email: 'board@usd.example' }]);
		expect(result.value.expiresAt.toISOString()).toBe('2027-04-01T04:59:59.999Z');
	});

	it('refuses capacities on the wrong side, a signer twice, and odd reminder periods', () => {
		const result = validatePrepare(
			{
				...base,
				signers: [{ ...base.signers[0], party: 'district' }, base.signers[1]],
				clerk: { ...base.clerk!, email: 'SUPER@usd.example' },
				reminderDays: '0',
				routing: 'sideways'
			},
			now,
			'UTC'
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors['signers.0.capacity']).toMatch(/agency/);
		expect(result.errors['clerk.email']).toMatch(/already/);
		expect(result.errors.reminderDays).toBeTruthy();
		expect(result.errors.routing).toBeTruthy();
	});
});
