import type { Sql } from '$lib/server/db';
import { invalid, ok, type Outcome } from '$lib/errors';
import { hashPassword, passwordProblem } from '$lib/server/auth';
import * as store from './store';
import { isParty, type Party } from '$lib/mou/party';
import { cleanText, isRole, isTimeZone, normalizeEmail } from './validation';

export type FieldErrors = Record<string, string>;

export interface SignUpInput {
	name: unknown;
	email: unknown;
	password: unknown;
	organizationName: unknown;
	organizationKind: unknown;
	role?: unknown;
	title?: unknown;
	timeZone?: unknown;
}

/** A new person founds their organization and becomes its administrator. */
export async function signUpWithOrganization(sql: Sql, input: SignUpInput): Promise<Outcome<{ userId: string; organizationId: string }>> {
	const errors: FieldErrors = {};
	const name = cleanText(input.name);
	const email = normalizeEmail(input.email);
	const password = typeof input.password === 'string' ? input.password : '';
	const organizationName = cleanText(input.organizationName);
	const role = input.role ?? 'counsel';
	const timeZone = input.timeZone || 'America/Chicago';
	if (name.length < 2) errors.name = 'Enter your full name.';
	if (!email) errors.email = 'Enter a valid email address.';
	const weak = passwordProblem(password);
	if (weak) errors.password = weak;
	if (organizationName.length < 2) errors.organizationName = 'Enter the name of your agency or district.';
	if (!isParty(input.organizationKind)) errors.organizationKind = 'Choose whether you represent an agency or a district.';
	if (!isRole(role)) errors.role = 'Choose your role.';
	if (!isTimeZone(timeZone)) errors.timeZone = 'Choose a time zone such as America/Chicago.';
	if (email && (await store.emailTaken(sql, email))) errors.email = 'An account with this email already exists. Sign in instead.';
	if (Object.keys(errors).length) return invalid(errors);

	const passwordHash = await hashPassword(password);
	const value = await sql.begin(async (tx) => {
		const organizationId = await store.insertOrganization(tx, organizationName, input.organizationKind as Party, timeZone as string);
		const userId = await store.insertUser(tx, email!, name, passwordHash);
		await store.insertMembership(tx, { userId, organizationId, role: role as store.Role, title: cleanText(input.title) || null, isAdmin: true });
		return { userId, organizationId };
	});
	return ok(value);
}
