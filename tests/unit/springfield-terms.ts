import type { Template, TermValues } from '../../src/lib/templates/types';

/** The demo's parties, as every 2027.1 compliance test fills a draft: each term's default, then these. */
const SPRINGFIELD: TermValues = {
	agency_entity_name: 'City of Springfield',
	agency_name: 'Springfield Police Department',
	district_name: 'Springfield School District 186',
	agency_head_name: 'Marcus Reyes',
	superintendent_name: 'Thomas Okafor',
	cooperation_statute: 'the Intergovernmental Cooperation Act',
	agency_notice_address: '800 E Monroe St',
	district_notice_address: '1900 W Monroe St',
	schools_covered: 'Springfield High School\nLincoln Middle School',
	sro_count: '2',
	term_start: '2027-08-01',
	term_end: '2028-07-31',
	sro_annual_cost: '109200.00',
	cost_cap: '200000.00',
	absence_credit_per_day: '420.00',
	extra_duty_rate: '62.50'
};

export function springfieldTerms(template: Pick<Template, 'terms'>, extra: TermValues = {}): TermValues {
	return { ...Object.fromEntries(template.terms.map((t) => [t.key, t.default ?? ''])), ...SPRINGFIELD, ...extra };
}
