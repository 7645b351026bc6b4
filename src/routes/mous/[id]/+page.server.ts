import { error, fail } from '@sveltejs/kit';
import { CONFIRM_OPEN_FIELD, openSharedThreads } from '$lib/comments/open';
import { fromFormOutcome } from '$lib/errors';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { changeStateProfile, getMouAccess, inviteParty, listPartyInvitations } from '$lib/server/mous';
import { profileChoices, templateDataJson } from '$lib/server/profiles';
import { approveDraft, loadNegotiation, sendRound, withdrawApproval } from '$lib/server/negotiation';
import { addComment, listMentionable, listThreads, replyToSuggestion, replyToThread, setThreadResolved } from '$lib/server/comments';
import { whatChanged } from '$lib/server/visits';
import { decideSuggestions } from '$lib/server/redlines';
import { SEEN_FIELD } from '$lib/document';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends, isDataRequest }) => {
	// Live notices from the collaboration server name one of these; the page reloads just its data.
	depends('mou:comments', 'mou:history', 'mou:status');
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	// The page's editor connects as soon as it is in the browser: its document is loaded meanwhile.
	// Not for a data reload: the editor is already connected (or not coming).
	if (!isDataRequest) locals.preloadMou = access.mou.id;
	const [negotiation, threads, partyInvitations, sinceLastVisit, mentionable] = await Promise.all([
		loadNegotiation(db.sql, user, access),
		listThreads(db.sql, user, access.mou.id),
		access.canInviteParty ? listPartyInvitations(db.sql, access.mou.id) : [],
		whatChanged(db.sql, user, access),
		listMentionable(db.sql, user, access)
	]);
	return {
		mou: access.mou,
		side: access.side,
		canEdit: access.canEdit,
		canInviteParty: access.canInviteParty,
		partyInvitations,
		// The states a draft can move to, for counsel while it is a draft.
		states: access.canChangeState ? profileChoices({ id: access.mou.templateId, version: access.mou.templateVersion }) : [],
		me: { id: user.id, name: user.name, role: user.role, isAdmin: user.isAdmin, organizationName: user.organizationName },
		negotiation,
		threads: threads ?? [],
		sinceLastVisit,
		mentionable,
		// Only in the page's first, server-rendered answer: its later data reloads (and a visit by
		// client-side navigation, see +page.ts) keep the copy the tab has. JSON text made once (+page.ts parses it).
		...(isDataRequest ? {} : { templateJson: templateDataJson(access.mou) })
	};
};

async function context(locals: App.Locals, request: Request, url: URL) {
	const user = requireUserForAction(locals);
	const runtime = await getRuntime();
	const form = await request.formData();
	const deps = { sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab };
	return { user, runtime, form, deps };
}

function notFound(): never {
	error(404, 'No such MOU.');
}

export const actions: Actions = {
	inviteParty: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const result = await inviteParty(deps, user, params.id, { email: form.get('email') });
		if (!result) notFound();
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error), email: String(form.get('email') ?? '') });
		return { invited: result.value.email };
	},

	changeState: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const result = await changeStateProfile(deps, user, params.id, { state: form.get('state') });
		if (!result) notFound();
		if (!result.ok) return failAction(result.error, { stateError: result.error.message });
		return { stateChanged: result.value };
	},

	sendRound: async ({ locals, params, request, url }) => {
		const { user, deps } = await context(locals, request, url);
		const result = await sendRound(deps, user, params.id);
		if (!result) notFound();
		if (!result.ok) return failAction(result.error, { sendError: result.error.message });
		return { sent: result.value };
	},

	approve: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		// Approving over unanswered shared comments takes a second, explicit yes (the page asks before posting with it).
		if (form.get(CONFIRM_OPEN_FIELD) !== 'yes') {
			const open = openSharedThreads((await listThreads(deps.sql, user, params.id)) ?? []);
			if (open.length) return fail(409, { approveOpen: open });
		}
		const result = await approveDraft(deps, user, params.id);
		if (!result) notFound();
		if (!result.ok) {
			// With a list of what is missing, the page shows a heading and the list; that heading is the message.
			const problems = result.error.problems ?? [];
			const approveError = problems.length ? 'This version cannot be approved yet:' : result.error.message;
			return failAction({ ...result.error, message: approveError }, { approveError, approveProblems: problems });
		}
		return { approved: result.value };
	},

	withdrawApproval: async ({ locals, params, request, url }) => {
		const { user, deps } = await context(locals, request, url);
		const result = await withdrawApproval(deps, user, params.id);
		if (!result) notFound();
		if (!result.ok) return failAction(result.error, { approveError: result.error.message, approveProblems: [] as string[] });
		return { withdrawn: true };
	},

	decide: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const decided = await decideSuggestions(deps, user, params.id, {
			suggestionIds: form.getAll('suggestion').map(String),
			decision: form.get('decision'),
			seen: form.getAll(SEEN_FIELD)
		});
		if (!decided) notFound();
		const result = fromFormOutcome(decided);
		if (!result.ok) return failAction(result.error, { decideError: result.error.message });
		return { decided: result.value.decided };
	},

	comment: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const result = await addComment(deps, user, params.id, {
			body: form.get('body'),
			quote: form.get('quote'),
			anchor: form.get('anchor'),
			visibility: form.get('visibility')
		});
		if (!result) notFound();
		if (!result.ok) {
			return failAction(result.error, { commentErrors: formErrors(result.error), commentBody: String(form.get('body') ?? '').slice(0, 10_000) });
		}
		return { commented: result.value.threadId, notified: result.value.notified };
	},

	reply: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const threadId = String(form.get('thread') ?? '');
		const result = await replyToThread(deps, user, params.id, { threadId, body: form.get('body') });
		if (!result) notFound();
		if (!result.ok) {
			return failAction(result.error, {
				threadErrors: formErrors(result.error),
				thread: threadId,
				replyBody: String(form.get('body') ?? '').slice(0, 10_000)
			});
		}
		return { replied: threadId, notified: result.value.notified };
	},

	replySuggestion: async ({ locals, params, request, url }) => {
		const { user, deps, form } = await context(locals, request, url);
		const suggestion = String(form.get('suggestion') ?? '').slice(0, 64);
		const result = await replyToSuggestion(deps, user, params.id, {
			suggestionId: suggestion,
			body: form.get('body'),
			visibility: form.get('visibility')
		});
		if (!result) notFound();
		if (!result.ok) {
			return failAction(result.error, {
				suggestionReplyErrors: formErrors(result.error),
				suggestion,
				replyBody: String(form.get('body') ?? '').slice(0, 10_000)
			});
		}
		return { repliedToSuggestion: suggestion, notified: result.value.notified };
	},

	resolveThread: async (event) => setResolved(event, true),
	reopenThread: async (event) => setResolved(event, false)
};

async function setResolved({ locals, params, request, url }: { locals: App.Locals; params: { id: string }; request: Request; url: URL }, resolved: boolean) {
	const { user, deps, form } = await context(locals, request, url);
	const threadId = String(form.get('thread') ?? '');
	const result = await setThreadResolved(deps, user, params.id, { threadId, resolved });
	if (!result) notFound();
	if (!result.ok) return failAction(result.error, { threadErrors: formErrors(result.error), thread: threadId, replyBody: '' });
	return { resolved: resolved ? threadId : null };
}
