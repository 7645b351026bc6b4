import { error, fail } from '@sveltejs/kit';
import { HTTP_STATUS, type AppError } from '$lib/errors';

/**
 * The one place an AppError becomes HTTP (the code table is in src/lib/errors.ts): a form
 * action's failure keeps the page's data (`keep`: what was typed, which form it was) next to the
 * code and the message; a load or an endpoint answers with an error page.
 */

export function failAction<K extends Record<string, unknown>>(appError: AppError, keep: K = {} as K) {
	return fail(HTTP_STATUS[appError.code], { ...keep, code: appError.code, message: appError.message });
}

export function failRequest(appError: AppError): never {
	error(HTTP_STATUS[appError.code], appError.message);
}

/** What a form shows next to its fields: each field's own message, or one for the form as a whole. */
export function formErrors(appError: AppError): Record<string, string> {
	return appError.fields ?? { form: appError.message };
}
