/** A DOCX as an HTTP download: never cached by shared caches, never sniffed as something else. */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function docxResponse(file: { bytes: Uint8Array; filename: string; sha256?: string }): Response {
	const ascii = file.filename.replace(/[^A-Za-z0-9._-]/g, '_');
	const headers: Record<string, string> = {
		'content-type': DOCX_TYPE,
		'content-length': String(file.bytes.byteLength),
		'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
		'cache-control': 'private, no-store',
		'x-content-type-options': 'nosniff'
	};
	if (file.sha256) headers['x-content-sha256'] = file.sha256;
	return new Response(file.bytes as BodyInit, { status: 200, headers });
}
