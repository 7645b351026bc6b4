/**
 * One vocabulary for what a request could not do. A service answers `Outcome<T>`: its value, or
 * an `AppError` whose code says what kind of refusal it is and whose message says it to a person.
 * Routes turn an AppError into HTTP in one place (src/lib/server/respond.ts), by this table:
 *
 * | code               | meaning                                                                      | HTTP |
 * |--------------------|------------------------------------------------------------------------------|------|
 * | `invalid_input`    | what was submitted is missing or malformed; `fields` names each problem      | 400  |
 * | `not_now`          | not possible in the current state (the MOU's status, a request, a thread, an invitation, a code) | 400  |
 * | `forbidden`        | the person's role does not allow it                                          | 403  |
 * | `not_found`        | no such thing for this person (an MOU they are not a party to included)      | 404  |
 * | `not_available`    | what was asked for does not exist yet (the signed document before signing)   | 409  |
 * | `too_large`        | the upload is larger than accepted                                           | 413  |
 * | `unsupported_type` | the upload is not the kind of file accepted                                  | 415  |
 * | `unprocessable`    | the upload was refused unread, as unsafe to unpack                           | 422  |
 * | `rate_limited`     | too many attempts; wait, then try again                                      | 429  |
 *
 * Shared by server and browser; no dependencies.
 */

export type AppErrorCode =
	'invalid_input' | 'not_now' | 'forbidden' | 'not_found' | 'not_available' | 'too_large' | 'unsupported_type' | 'unprocessable' | 'rate_limited';

export const HTTP_STATUS: Readonly<Record<AppErrorCode, number>> = {
	invalid_input: 400,
	not_now: 400,
	forbidden: 403,
	not_found: 404,
	not_available: 409,
	too_large: 413,
	unsupported_type: 415,
	unprocessable: 422,
	rate_limited: 429
};

export interface AppError {
	code: AppErrorCode;
	/** For the person: what went wrong and, where it helps, what to do. */
	message: string;
	/** Problems with what was typed, by form field name (`form`: the form as a whole). */
	fields?: Record<string, string>;
	/** Each thing still missing, for a list (approval blockers). */
	problems?: string[];
}

export type Outcome<T = void> = { ok: true; value: T } | { ok: false; error: AppError };

/** The refusal half of any Outcome. */
export type Failure = { ok: false; error: AppError };

export function ok(): { ok: true; value: void };
export function ok<T>(value: T): { ok: true; value: T };
export function ok<T>(value?: T): { ok: true; value: T | undefined } {
	return { ok: true, value };
}

export function appError(code: AppErrorCode, message: string, details: Pick<AppError, 'fields' | 'problems'> = {}): AppError {
	return { code, message, ...details };
}

export function failure(code: AppErrorCode, message: string, details: Pick<AppError, 'fields' | 'problems'> = {}): Failure {
	return { ok: false, error: appError(code, message, details) };
}

/**
 * What was typed is wrong: one message per field, nothing stored. The message is the form's own
 * (`fields.form`) or else the first field's — text the page shows next to that field.
 */
export function invalid(fields: Record<string, string>, message = fields.form ?? Object.values(fields)[0] ?? 'Check what you entered.'): Failure {
	return failure('invalid_input', message, { fields });
}

/**
 * The shape redlines/decide.ts still returns; it becomes an Outcome when that module moves to
 * this vocabulary. Routes read it through `fromFormOutcome`.
 * @deprecated
 */
export type FormOutcome<T> = { ok: true; value: T } | { ok: false; errors: { form: string } };

export function fromFormOutcome<T>(outcome: FormOutcome<T>): Outcome<T> {
	return outcome.ok ? outcome : failure('not_now', outcome.errors.form);
}
