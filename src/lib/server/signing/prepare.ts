import { randomInt } from 'node:crypto';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess, transitionStatus, type MouAccess } from '$lib/server/mous';
import type { Party } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';
import { missingRequiredSigners } from '$lib/profiles';
import { mouProfile } from '$lib/server/profiles';
import type { Capacity, PrepareDraft, SignerDraft } from '$lib/signing/types';
import { addMonths, dayIn } from './dates';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import type { RequestContext, SigningDeps } from './deps';
import { appendAll, loadMouContext, openStage, sha256Hex } from './context';
import { flushMessages } from './mail';
import { accessCodeHash } from './secrets';
import * as store from './store';
import { checkSigners, eligibleMembers } from './eligibility';
import { validatePrepare, type SignerChoice } from './validation';

/** Why counsel cannot send this MOU for signature now; null when they can. */
export function prepareProblem(access: MouAccess, user: SessionUser, hasAgreedVersion: boolean, openRequest: boolean): string | null {
	if (!can(user, 'sendForSignature')) return 'Only counsel of a party can send the MOU for signature.';
	if (access.mou.status === 'signing' || openRequest) return 'The MOU is already out for signature. Void that request first to send a new one.';
	if (access.mou.status === 'signed') return 'The MOU is already signed.';
	if (access.mou.status !== 'agreed' || !hasAgreedVersion) return 'Only an MOU whose text both parties have agreed can be sent for signature.';
	return null;
}

/** A guess from the title a member gave themselves, for the prefilled form. */
export function capacityFromTitle(title: string | null, side: Party): Capacity {
	const t = (title ?? '').toLowerCase();
	if (side === 'agency' && /(chief|sheriff|commissioner|director of public safety)/.test(t)) return 'agency_head';
	if (side === 'district' && /superintendent/.test(t)) return 'superintendent';
	if (side === 'district' && /(board|president)/.test(t)) return 'board_president';
	if (/city manager/.test(t)) return 'city_manager';
	if (/mayor/.test(t)) return 'mayor';
	return 'other';
}

/**
 * The form as it first appears: each party's signatories (the only members who may sign), each in
 * the capacity their title suggests; the agency head, superintendent and board president the
 * agreed terms name, as the signatory of that name when there is one, else a place to choose who;
 * the clerk from the terms likewise; expiry in 30 days; reminders every 3 days.
 */
export async function prefillDraft(deps: Pick<SigningDeps, 'sql'>, mouId: string, now = new Date()): Promise<PrepareDraft> {
	const version = await store.findAgreedVersion(deps.sql, mouId);
	const context = await loadMouContext(deps.sql, mouId, version);
	const terms = context?.terms ?? {};
	const eligible = await eligibleMembers(deps.sql, mouId);
	const signers: SignerDraft[] = (['agency', 'district'] as const).flatMap((side) =>
		eligible[side].map((m) => ({ title: m.title, email: m.email, party: side, capacity: capacityFromTitle(m.title, side), accessCode: '' }))
	);
	const sameName = (a: string, b: string | undefined) => !!b?.trim() && a.trim().toLowerCase() === b.trim().toLowerCase();
	/** The place the terms give a capacity: the signatory they name, else a row to choose who. */
	function place(capacity: Capacity, party: Party, name: string | undefined, title: string, where: 'start' | 'end') {
		if (signers.some((s) => s.capacity === capacity)) return;
		const member = eligible[party].find((m) => sameName(m.name, name));
		const row = member && signers.find((s) => s.email === member.email && s.capacity === 'other');
		if (row) Object.assign(row, { capacity, title: row.title || title });
		else if (where === 'start') signers.unshift({ title, email: '', party, capacity, accessCode: '' });
		else signers.push({ title, email: '', party, capacity, accessCode: '' });
	}
	place('agency_head', 'agency', terms.agency_head_name, terms.agency_head_title || 'Chief of Police', 'start');
	place('superintendent', 'district', terms.superintendent_name, 'Superintendent', 'end');
	if (terms.board_president_name?.trim()) place('board_president', 'district', terms.board_president_name, 'President of the Board of Education', 'end');
	const order: Record<string, number> = { agency_head: 0, mayor: 1, city_manager: 2, superintendent: 3, board_president: 4, other: 5 };
	signers.sort((a, b) => (a.party === b.party ? (order[a.capacity] ?? 9) - (order[b.capacity] ?? 9) : a.party === 'agency' ? -1 : 1));
	const zone = context?.zone ?? 'UTC';
	let clerk: SignerDraft | null = null;
	if (terms.clerk_name?.trim()) {
		const member = eligible.agency.find((m) => sameName(m.name, terms.clerk_name));
		const listed = member ? signers.findIndex((s) => s.email === member.email && s.capacity === 'other') : -1;
		if (listed >= 0) signers.splice(listed, 1);
		clerk = { title: terms.clerk_title || 'City Clerk', email: listed >= 0 ? member!.email : '', party: 'agency', capacity: 'clerk', accessCode: '' };
	}
	return {
		signers,
		clerk,
		recipients: [],
		routing: 'sequential',
		expiresOn: addMonths(dayIn(now, zone), 1),
		reminderDays: '3',
		message: ''
	};
}

export interface SentForSignature {
	requestId: string;
	/** Shown once to counsel, to give each signer out of band; only their hashes are kept. */
	accessCodes: Array<{ name: string; email: string; code: string }>;
}

/** A refusal carries the form as it was typed (cleaned), for the page to show again. */
export type SendResult = Outcome<SentForSignature> & { draft?: PrepareDraft };

const ACCESS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newAccessCode(): string {
	let code = '';
	for (let i = 0; i < 8; i++) code += ACCESS_ALPHABET[randomInt(ACCESS_ALPHABET.length)];
	return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Stages: one signer after another, or every signer at once; an attesting clerk always comes last. */
function stages(signers: SignerChoice[], routing: 'sequential' | 'parallel'): number[] {
	const signing = signers.filter((s) => s.role === 'signer').length;
	let next = 0;
	return signers.map((s) => (s.role === 'attester' ? (routing === 'sequential' ? signing + 1 : 2) : routing === 'sequential' ? ++next : 1));
}

/**
 * Counsel sends the agreed MOU for signature. Refused unless the MOU is agreed and its agreed
 * version's stored state still hashes to its fingerprint; checked with the MOU row locked, so two
 * counsel sending at once give one request.
 */
export async function sendForSignature(
	deps: SigningDeps,
	user: SessionUser,
	mouId: string,
	draft: PrepareDraft,
	requestContext: RequestContext,
	now = new Date()
): Promise<SendResult | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	const version = await store.findAgreedVersion(deps.sql, mouId);
	const open = await store.findOpenRequest(deps.sql, mouId);
	const problem = prepareProblem(access, user, !!version, !!open);
	if (problem) return { ...failure(can(user, 'sendForSignature') ? 'not_now' : 'forbidden', problem), draft };
	const context = (await loadMouContext(deps.sql, mouId, version))!;
	const checked = validatePrepare(draft, now, context.zone);
	if (!checked.ok) return { ...invalid(checked.errors), draft: checked.draft };
	const input = checked.value;

	const outcome = await deps.sql.begin(async (tx): Promise<SendResult> => {
		const mou = await store.lockMou(tx, mouId);
		if (!mou || mou.status !== 'agreed')
			return { ...failure('not_now', 'Only an MOU whose text both parties have agreed can be sent for signature.'), draft: checked.draft };
		const agreed = await store.findAgreedVersion(tx, mouId);
		if (!agreed || sha256Hex(agreed.state) !== agreed.sha256) {
			return { ...failure('not_now', 'The agreed version cannot be verified against its fingerprint; it cannot be sent for signature.'), draft: checked.draft };
		}
		if (await store.findOpenRequest(tx, mouId)) return { ...failure('not_now', 'The MOU is already out for signature.'), draft: checked.draft };
		// Each signer is a member of the party they sign for, in a role that fits; named as their account is.
		const people = await checkSigners(tx, mouId, input.signers, context.partyName);
		if (!people.ok) return { ...invalid(people.errors), draft: checked.draft };
		const named = people.signers;
		// The state's law may need more signatures than the agency head's and the superintendent's,
		// counted by the capacities just checked.
		const missingSigner = missingRequiredSigners(mouProfile(context.mou), named);
		if (missingSigner) return { ...invalid({ form: missingSigner }), draft: checked.draft };
		const request = await store.insertRequest(tx, {
			mouId,
			versionId: agreed.id,
			fingerprint: agreed.sha256,
			routing: input.routing,
			expiresAt: input.expiresAt,
			reminderDays: input.reminderDays,
			message: input.message,
			preparedBy: user.id,
			preparedParty: access.side,
			createdAt: now
		});
		const stageOf = stages(named, input.routing);
		const accessCodes: SentForSignature['accessCodes'] = [];
		const signers: store.SignerRow[] = [];
		for (const [index, s] of named.entries()) {
			const code = s.accessCode ? newAccessCode() : null;
			if (code) accessCodes.push({ name: s.name, email: s.email, code });
			signers.push(
				await store.insertSigner(tx, {
					requestId: request.id,
					position: index + 1,
					stage: stageOf[index],
					party: s.party,
					role: s.role,
					capacity: s.capacity,
					name: s.name,
					title: s.title,
					email: s.email,
					accessCodeHash: code ? accessCodeHash(request.id, s.email, code) : null
				})
			);
		}
		for (const r of input.recipients) await store.insertRecipient(tx, request.id, r.name, r.email);
		await transitionStatus(tx, mouId, 'agreed', 'signing');
		const actor = { name: user.name, email: user.email, party: access.side };
		const sentAudits = await openStage(
			tx,
			{ origin: deps.origin, request, signers, stage: 1, context, sender: { name: user.name, organizationName: user.organizationName }, actor, requestContext },
			now
		);
		await appendAll(
			tx,
			[
				{
					mouId,
					requestId: request.id,
					kind: 'prepared',
					actor: user.name,
					actorEmail: user.email,
					party: access.side,
					ipAddress: requestContext.ipAddress,
					userAgent: requestContext.userAgent,
					detail: {
						versionId: agreed.id,
						versionLabel: agreed.label,
						fingerprint: agreed.sha256,
						routing: input.routing,
						expiresAt: input.expiresAt.toISOString(),
						reminderDays: input.reminderDays,
						signers: named.map((s, i) => ({
							name: s.name,
							title: s.title,
							email: s.email,
							party: s.party,
							role: s.role,
							stage: stageOf[i],
							accessCode: s.accessCode
						})),
						copies: input.recipients.map((r) => r.email)
					}
				},
				...sentAudits
			],
			now
		);
		return ok({ requestId: request.id, accessCodes });
	});
	if (outcome.ok) {
		deps.collab?.notify?.(mouId, 'status');
		await flushMessages(deps, outcome.value.requestId, now);
	}
	return outcome;
}
