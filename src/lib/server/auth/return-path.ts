/** Where signing in leads when there is no (acceptable) page to return to. */
const HOME = '/mous';
/**
 * Browsers read a backslash as a slash and drop tabs and newlines from a URL, so `/\evil.example`
 * or `/<tab>/evil.example` would lead off the site even though they start with one slash.
 */
const UNSAFE = /[\\\p{Cc}]/u;

/**
 * The page to return to after signing in (the `redirectTo` that requireUser adds): a path of this
 * site only, so that the sign-in page cannot be used to send someone elsewhere. Anything else
 * leads home.
 */
export function returnPath(target: string | null, site: URL): string {
	if (!target || !target.startsWith('/') || UNSAFE.test(target)) return HOME;
	let url: URL;
	try {
		url = new URL(target, site.origin);
	} catch {
		return HOME;
	}
	return url.origin === site.origin ? url.pathname + url.search + url.hash : HOME;
}
