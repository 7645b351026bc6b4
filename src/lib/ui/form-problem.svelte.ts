/**
 * The one message about a form post that the page itself could not show: a refusal before the
 * action ran (the cross-site check, an expired session), a server error, or a lost connection.
 */
export const formProblem = $state({ message: '' });

export function showFormProblem(message: string): void {
	formProblem.message = message;
}

export function clearFormProblem(): void {
	formProblem.message = '';
}
