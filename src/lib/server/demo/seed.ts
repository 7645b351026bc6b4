import type { Sql } from '$lib/server/db';
import { hashPassword } from '$lib/server/auth';
import type { Role } from '$lib/server/orgs';
import type { Party } from '$lib/mou/party';
import { confirmDemoAddresses, createDemoMou, findUserIdByEmail, insertDemoOrganization, insertDemoPerson } from './store';

export const DEMO_PASSWORD = 'springfield-demo-2026';

interface DemoPerson {
	email: string;
	name: string;
	role: Role;
	title: string;
	isAdmin: boolean;
}

interface DemoOrganization {
	name: string;
	kind: Party;
	people: DemoPerson[];
}

const ROLES: Role[] = ['counsel', 'signatory', 'viewer'];

/** An organization of the demo with one person per role, in ROLES' order; its counsel administers it. */
function demoOrganization(name: string, kind: Party, domain: string, people: [mailbox: string, name: string, title: string][]): DemoOrganization {
	return {
		name,
		kind,
		people: people.map(([mailbox, person, title], i) => ({
			email: `${mailbox}@${domain}`,
			name: person,
			role: ROLES[i],
			title,
			isAdmin: ROLES[i] === 'counsel'
		}))
	};
}

export const DEMO_ORGANIZATIONS: DemoOrganization[] = [
	demoOrganization('Springfield Police Department', 'agency', 'springfield-pd.example', [
		['counsel', 'Dana Whitfield', 'Deputy City Attorney'],
		['chief', 'Marcus Reyes', 'Chief of Police'],
		['viewer', 'Priya Shah', 'SRO Unit Sergeant']
	]),
	demoOrganization('Springfield Unified School District', 'district', 'springfield-usd.example', [
		['counsel', 'Elena Brooks', 'General Counsel'],
		['superintendent', 'Thomas Okafor', 'Superintendent'],
		['viewer', 'Grace Liu', 'Director of Student Services']
	])
];

/** Every required fill-in term entered, so the parties can reach agreement in the demo. */
const DEMO_TERMS: Record<string, string> = {
	agency_entity_name: 'City of Springfield',
	agency_name: 'Springfield Police Department',
	agency_head_name: 'Marcus Reyes',
	district_name: 'Springfield Unified School District',
	superintendent_name: 'Thomas Okafor',
	state_name: 'Illinois',
	schools_covered: 'Springfield High School\nLincoln Middle School\nDouglass Middle School',
	sro_count: '3',
	term_start: '2027-08-01',
	term_end: '2028-07-31',
	sro_annual_cost: '109200.00',
	cost_cap: '200000.00',
	absence_credit_per_day: '420.00',
	cooperation_statute: 'the Intergovernmental Cooperation Act, 5 ILCS 220',
	agency_authority: 'approval of the Springfield City Council',
	extra_duty_rate: '62.50',
	agency_head_title: 'Chief of Police',
	agency_notice_address: 'Office of the Chief, Springfield Police Department, 800 E Monroe St, Springfield, IL 62701',
	district_notice_address: 'Office of the Superintendent, Springfield Unified School District, 1900 W Monroe St, Springfield, IL 62704',
	hours_on_campus: '40',
	probation_months: '6',
	review_interval_months: '12',
	termination_notice_days: '90',
	agency_cost_share: '40',
	district_cost_share: '60',
	invoice_schedule: 'Quarterly, in arrears',
	invoice_due_days: '30',
	insurance_limit: '2000000.00',
	district_time_zone: 'America/Chicago'
};

/** Loads the Springfield organizations, one person per role, an MOU in negotiation and an agency draft. Safe to run twice. */
export async function seedDemo(sql: Sql): Promise<{ created: boolean }> {
	if (await findUserIdByEmail(sql, DEMO_ORGANIZATIONS[0].people[0].email)) {
		// A demo loaded before addresses were confirmed still signs in and works as the README says.
		await confirmDemoAddresses(
			sql,
			DEMO_ORGANIZATIONS.flatMap((o) => o.people.map((p) => p.email))
		);
		return { created: false };
	}
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const organizationIds: string[] = [];
	for (const organization of DEMO_ORGANIZATIONS) {
		const organizationId = await insertDemoOrganization(sql, organization.name, organization.kind);
		organizationIds.push(organizationId);
		for (const person of organization.people) await insertDemoPerson(sql, organizationId, { ...person, passwordHash });
	}
	const creator = (await findUserIdByEmail(sql, DEMO_ORGANIZATIONS[0].people[0].email))!;
	await createDemoMou(sql, {
		title: 'Springfield PD – Springfield USD SRO MOU, 2027–28',
		createdBy: creator,
		agencyId: organizationIds[0],
		districtId: organizationIds[1],
		// Springfield is in Illinois: the draft carries Illinois law (no citations on school property).
		state: 'il',
		terms: DEMO_TERMS
	});
	// The agency's own draft of next year's MOU: edited directly until it invites the district.
	await createDemoMou(sql, {
		title: 'Springfield PD – Springfield USD SRO MOU, 2028–29 (agency draft)',
		createdBy: creator,
		agencyId: organizationIds[0],
		districtId: null,
		state: 'il',
		terms: DEMO_TERMS
	});
	return { created: true };
}

export function demoCredentials(): string {
	const lines = DEMO_ORGANIZATIONS.flatMap((o) => o.people.map((p) => `  ${p.email.padEnd(40)} ${p.role.padEnd(10)} ${o.name}`));
	return [`Demo accounts (password: ${DEMO_PASSWORD}):`, ...lines].join('\n');
}
