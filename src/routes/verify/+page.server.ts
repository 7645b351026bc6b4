import { appError, type AppErrorCode } from '$lib/errors';
import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { checkUploadSize, MAX_UPLOAD_BYTES, verifyDocument, type Refusal, type Verification } from '$lib/server/export';
import type { Actions, PageServerLoad } from './$types';

/** Public: anyone holding a file may check it, signed in or not. */
export const load: PageServerLoad = async () => ({ maxBytes: MAX_UPLOAD_BYTES });

/** Each refusal's kind, and so its HTTP status (src/lib/errors.ts). */
const CODE: Record<Refusal['reason'], AppErrorCode> = {
	missing: 'invalid_input',
	'too-large': 'too_large',
	'not-docx': 'unsupported_type',
	'zip-bomb': 'unprocessable'
};

export const actions: Actions = {
	default: async ({ request }) => {
		let form: FormData;
		try {
			form = await request.formData();
		} catch (e) {
			// The server's own request size limit (adapter-node's BODY_SIZE_LIMIT) stops the body first.
			if ((e as { status?: number })?.status === 413) {
				return refuse(
					{
						outcome: 'refused',
						reason: 'too-large',
						message: 'This file is larger than the server accepts for checking. Signed MOUs from MOU Studio are far smaller.'
					},
					''
				);
			}
			return refuse({ outcome: 'refused', reason: 'missing', message: 'The upload could not be read. Choose the file and try again.' }, '');
		}
		const file = form.get('document');
		if (!(file instanceof File)) return refuse({ outcome: 'refused', reason: 'missing', message: 'Choose a Word document (.docx) to check.' }, '');
		const name = file.name.slice(0, 200);
		// Judged by the declared size before the bytes are read.
		const tooBig = checkUploadSize(file.size);
		if (tooBig) return refuse(tooBig, name);
		const { db } = await getRuntime();
		const result = await verifyDocument(db.sql, new Uint8Array(await file.arrayBuffer()));
		if (result.outcome === 'refused') return refuse(result, name);
		return { result, name };
	}
};

function refuse(result: Refusal, name: string) {
	return failAction(appError(CODE[result.reason], result.message), { result: result as Verification, name });
}
