import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/lib/server/templates/index';
import { formatTermValue, validateTerm, validateTerms } from '../../src/lib/templates/terms';
import type { TemplateTerm } from '../../src/lib/templates/types';

const template = loadTemplate('sro-mou', '2026.1');
const term = (key: string): TemplateTerm => template.terms.find((t) => t.key === key)!;
const defaults = Object.fromEntries(template.terms.map((t) => [t.key, t.default ?? '']));

describe('validateTerm', () => {
	it('requires required terms and lets optional ones stay empty', () => {
		expect(validateTerm(term('agency_name'), '   ')).toBe('Law enforcement agency is required.');
		expect(validateTerm(term('board_president_name'), '')).toBeNull();
		expect(validateTerm(term('agency_name'), 'Arroyo Grande Police Department')).toBeNull();
	});

	it('keeps single-line text on one line', () => {
		expect(validateTerm(term('agency_name'), 'Arroyo Grande\nPolice')).toMatch(/single line/);
		expect(validateTerm(term('schools_covered'), 'Ocean View Elementary\nMesa Middle School')).toBeNull();
	});

	it('rejects dates that are malformed or not on the calendar', () => {
		expect(validateTerm(term('term_start'), '2027-08-01')).toBeNull();
		expect(validateTerm(term('term_start'), '08/01/2027')).toMatch(/YYYY-MM-DD/);
		expect(validateTerm(term('term_start'), '2027-02-30')).toBe('Term starts: 2027-02-30 is not a real calendar date.');
		expect(validateTerm(term('term_start'), '2027-13-01')).toMatch(/not a real calendar date/);
		expect(validateTerm(term('term_start'), '0202-08-01')).toMatch(/not a plausible year/);
		expect(validateTerm(term('term_start'), '2028-02-29')).toBeNull();
	});

	it('accepts dollar amounts and rejects negative or malformed money', () => {
		for (const ok of ['163800.00', '163800', '$163,800.5', '0']) expect(validateTerm(term('annual_cost'), ok), ok).toBeNull();
		expect(validateTerm(term('annual_cost'), '-5000')).toBe('Annual program cost cannot be negative.');
		expect(validateTerm(term('annual_cost'), '$-5000')).toMatch(/cannot be negative/);
		expect(validateTerm(term('annual_cost'), '163.800,00')).toMatch(/dollar amount/);
		expect(validateTerm(term('annual_cost'), '12.345')).toMatch(/dollar amount/);
		expect(validateTerm(term('annual_cost'), '1000000000000')).toMatch(/too large/);
	});

	it('keeps percentages between 0 and 100', () => {
		expect(validateTerm(term('agency_cost_share'), '33.33')).toBeNull();
		expect(validateTerm(term('agency_cost_share'), '101')).toMatch(/from 0 to 100/);
		expect(validateTerm(term('agency_cost_share'), '-10')).toMatch(/from 0 to 100/);
	});

	it('needs whole numbers within bounds', () => {
		expect(validateTerm(term('sro_count'), '2.5')).toBe('Number of SROs assigned must be a whole number.');
		expect(validateTerm(term('sro_count'), '0')).toBe('Number of SROs assigned must be at least 1.');
		expect(validateTerm(term('hours_on_campus'), '80')).toMatch(/at most 60/);
	});

	it('refuses a review interval of 0 months', () => {
		expect(validateTerm(term('review_interval_months'), '0')).toBe('Review interval must be at least 1 month.');
		expect(validateTerm(term('review_interval_months'), '24')).toBeNull();
	});

	it('refuses unknown time zones and asks for the proper spelling', () => {
		expect(validateTerm(term('district_time_zone'), 'America/Denver')).toBeNull();
		expect(validateTerm(term('district_time_zone'), 'Central Time')).toMatch(/not a known time zone/);
		expect(validateTerm(term('district_time_zone'), 'Mars/Olympus_Mons')).toMatch(/not a known time zone/);
		expect(validateTerm(term('district_time_zone'), 'america/chicago')).toMatch(/as America\/Chicago/);
	});
});

describe('validateTerms', () => {
	const filled = {
		...defaults,
		agency_name: 'Arroyo Grande Police Department',
		term_start: '2027-08-01',
		term_end: '2028-07-31'
	};

	it('finds nothing wrong with the template defaults beyond empty required terms', () => {
		const errors = validateTerms(template.terms, defaults);
		expect(Object.values(errors).every((m) => m.endsWith('is required.'))).toBe(true);
	});

	it('requires the cost shares to add up to exactly 100', () => {
		const errors = validateTerms(template.terms, { ...filled, agency_cost_share: '60', district_cost_share: '50' });
		const message = "Agency's share of the cost and District's share of the cost must add up to 100% (now 110%).";
		expect(errors.agency_cost_share).toBe(message);
		expect(errors.district_cost_share).toBe(message);
		const split = validateTerms(template.terms, { ...filled, agency_cost_share: '33.33', district_cost_share: '66.67' });
		expect(split.agency_cost_share).toBeUndefined();
	});

	it('reports a share problem on the share itself rather than the sum while one is invalid', () => {
		const errors = validateTerms(template.terms, { ...filled, agency_cost_share: 'half' });
		expect(errors.agency_cost_share).toMatch(/percentage/);
		expect(errors.district_cost_share).toBeUndefined();
	});

	it('refuses a term that ends before it starts, and allows a one-day term', () => {
		const errors = validateTerms(template.terms, { ...filled, term_start: '2027-08-01', term_end: '2027-07-31' });
		expect(errors.term_end).toBe('Term ends (July 31, 2027) cannot be before term starts (August 1, 2027).');
		expect(errors.term_start).toBeUndefined();
		expect(validateTerms(template.terms, { ...filled, term_end: '2027-08-01' }).term_end).toBeUndefined();
	});
});

describe('formatTermValue', () => {
	it('formats values for reading inside the document', () => {
		expect(formatTermValue(term('term_start'), '2027-08-01')).toBe('August 1, 2027');
		expect(formatTermValue(term('annual_cost'), '163800')).toBe('$163,800.00');
		expect(formatTermValue(term('annual_cost'), '$1,234.5')).toBe('$1,234.50');
		expect(formatTermValue(term('agency_cost_share'), '50')).toBe('50%');
		expect(formatTermValue(term('agency_cost_share'), '33.30')).toBe('33.3%');
		expect(formatTermValue(term('review_interval_months'), '12')).toBe('12 months');
		expect(formatTermValue(term('probation_months'), '1')).toBe('1 month');
		expect(formatTermValue(term('schools_covered'), 'Ocean View Elementary\n\nMesa Middle')).toBe('Ocean View Elementary; Mesa Middle');
	});

	it('shows invalid or empty values as typed, so nothing the user wrote disappears', () => {
		expect(formatTermValue(term('term_start'), '2027-02-30')).toBe('2027-02-30');
		expect(formatTermValue(term('annual_cost'), '')).toBe('');
	});
});
