import { error, redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { readMouPage } from '$lib/server/mou-page';
import { requireUserForAction } from '$lib/server/auth';
import { updateSchedule } from '$lib/server/reminders';
import { confirmReview, loadReviewPage, recordReviewStep, startReview } from '$lib/server/reviews';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.depends('mou:history', 'mou:status');
	const { user, found: page } = await readMouPage(event, loadReviewPage);
	const { access, schedule, ...rest } = page;
	return {
		mou: access.mou,
		side: access.side,
		isAdmin: user.isAdmin,
		schedule: {
			settings: schedule.settings,
			districtTimeZone: schedule.districtTimeZone,
			updatedAt: schedule.updatedAt,
			updatedByName: schedule.updatedByName
		},
		timeZones: Intl.supportedValuesOf('timeZone'),
		...rest
	};
};

async function context(locals: App.Locals, url: URL) {
	const user = requireUserForAction(locals);
	const runtime = await getRuntime();
	return { user, runtime, deps: { sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab } };
}

export const actions: Actions = {
	start: async ({ locals, params, url }) => {
		const { user, deps } = await context(locals, url);
		const result = await startReview(deps, user, params.id);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { startError: result.error.message });
		redirect(303, `/mous/${result.value.mouId}`);
	},

	confirm: async ({ locals, params, url }) => {
		const { user, deps } = await context(locals, url);
		const result = await confirmReview(deps, user, params.id);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { confirmError: result.error.message });
		return { confirmed: result.value };
	},

	record: async ({ locals, params, request, url }) => {
		const { user, deps } = await context(locals, url);
		const form = await request.formData();
		const field = (name: string) => form.get(name) ?? undefined;
		const file = form.get('file');
		const result = await recordReviewStep(deps, user, params.id, {
			kind: field('kind'),
			occurredOn: field('occurredOn'),
			meetingOn: field('meetingOn'),
			where: field('where'),
			received: field('received'),
			summary: field('summary'),
			resolution: field('resolution'),
			arrests: field('arrests'),
			citations: field('citations'),
			useOfForce: field('useOfForce'),
			complaints: field('complaints'),
			byRace: field('byRace'),
			byDisability: field('byDisability'),
			file: file instanceof File ? file : null
		});
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { recordErrors: formErrors(result.error) });
		return { recorded: true };
	},

	schedule: async ({ locals, params, request, url }) => {
		const { user, deps } = await context(locals, url);
		const form = await request.formData();
		const input = {
			daysBefore: String(form.get('daysBefore') ?? ''),
			overdueEveryDays: String(form.get('overdueEveryDays') ?? ''),
			sendHour: String(form.get('sendHour') ?? ''),
			timeZone: String(form.get('timeZone') ?? '')
		};
		const result = await updateSchedule(deps.sql, user, params.id, input);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { scheduleErrors: formErrors(result.error), scheduleInput: input });
		return { scheduleSaved: true };
	}
};
