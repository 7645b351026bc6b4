import { redirect } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { failAction } from '$lib/server/respond';
import type { Outcome } from '$lib/errors';
import {
	CEREMONY_COOKIE,
	continueWithAccount,
	decline,
	giveConsent,
	loadCertificateByToken,
	openSigningLink,
	requestCode,
	setCeremonyCookie,
	sign,
	verifyAccessCode,
	verifyCode,
	type CeremonyInput,
	type SigningDeps
} from '$lib/server/signing';
import { closeReviewBySuccessor } from '$lib/server/reviews';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function ceremonyInput(event: Pick<RequestEvent, 'cookies' | 'params' | 'request' | 'getClientAddress' | 'locals'>): CeremonyInput {
	return {
		ipAddress: event.getClientAddress(),
		userAgent: event.request.headers.get('user-agent') ?? '',
		ceremonyToken: event.cookies.get(CEREMONY_COOKIE) ?? null,
		user: event.locals.user
	};
}

async function deps(origin: string): Promise<SigningDeps> {
	const runtime = await getRuntime();
	return { sql: runtime.db.sql, mailer: runtime.mailer, origin, collab: runtime.collab, closeReview: closeReviewBySuccessor };
}

export const load: PageServerLoad = async (event) => {
	const d = await deps(event.url.origin);
	const view = await openSigningLink(d, event.params.token, ceremonyInput(event));
	// A certificate link from the completion email opened without its /certificate suffix.
	if (view.state === 'unknown' && (await loadCertificateByToken(d.sql, event.params.token))) redirect(303, `/sign/${event.params.token}/certificate`);
	return { view, token: event.params.token, ...(view.zone ? { zone: view.zone } : {}) };
};

/** Every step answers the same way: the message and the field it is about, for the page to show. */
function answer<T>(step: string, result: Outcome<T>, keep: Record<string, string> = {}) {
	if (!result.ok) return failAction(result.error, { step, field: Object.keys(result.error.fields ?? {})[0] ?? null, ...keep });
	return null;
}

export const actions: Actions = {
	sendCode: async (event) => {
		const result = await requestCode(await deps(event.url.origin), event.params.token, ceremonyInput(event));
		return answer('authenticate', result) ?? { step: 'authenticate', codeSentTo: result.ok ? result.value.sentTo : '' };
	},
	verifyCode: async (event) => {
		const form = await event.request.formData();
		const result = await verifyCode(await deps(event.url.origin), event.params.token, form.get('code'), ceremonyInput(event));
		if (!result.ok) return answer('authenticate', result);
		setCeremonyCookie(event.cookies, event.params.token, result.value.ceremonyToken, result.value.expiresAt);
		return { step: 'authenticate', verified: true };
	},
	useAccount: async (event) => {
		const result = await continueWithAccount(await deps(event.url.origin), event.params.token, ceremonyInput(event));
		if (!result.ok) return answer('authenticate', result);
		setCeremonyCookie(event.cookies, event.params.token, result.value.ceremonyToken, result.value.expiresAt);
		return { step: 'authenticate', verified: true };
	},
	accessCode: async (event) => {
		const form = await event.request.formData();
		const result = await verifyAccessCode(await deps(event.url.origin), event.params.token, form.get('accessCode'), ceremonyInput(event));
		return answer('access', result) ?? { step: 'access', verified: true };
	},
	consent: async (event) => {
		const form = await event.request.formData();
		const result = await giveConsent(await deps(event.url.origin), event.params.token, form.get('consent'), ceremonyInput(event));
		return answer('consent', result) ?? { step: 'consent', verified: true };
	},
	sign: async (event) => {
		const form = await event.request.formData();
		const typedName = String(form.get('typedName') ?? '').slice(0, 200);
		const result = await sign(
			await deps(event.url.origin),
			event.params.token,
			{ kind: form.get('kind'), typedName, image: form.get('image'), intent: form.get('intent'), fingerprint: form.get('fingerprint') },
			ceremonyInput(event)
		);
		return answer('sign', result, { typedName, kind: String(form.get('kind') ?? '') }) ?? { step: 'sign', signed: true };
	},
	decline: async (event) => {
		const form = await event.request.formData();
		const reason = String(form.get('reason') ?? '').slice(0, 2000);
		const result = await decline(await deps(event.url.origin), event.params.token, reason, ceremonyInput(event));
		return answer('decline', result, { reason }) ?? { step: 'decline', declined: true };
	}
};
