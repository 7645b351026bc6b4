import type { IncomingMessage } from 'node:http';

/** Environment variables that decide the site's public origin, as adapter-node reads them. */
export interface OriginSettings {
	ORIGIN?: string;
	PROTOCOL_HEADER?: string;
	HOST_HEADER?: string;
	PORT_HEADER?: string;
}

function header(req: IncomingMessage, name: string | undefined): string | undefined {
	if (!name) return undefined;
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * The origin this request was addressed to, derived exactly as adapter-node derives `url.origin` for
 * SvelteKit's form-post check: ORIGIN when set, else the protocol, host and port headers it is told to
 * trust (server/start.js stamps the protocol of a plain-HTTP request when none is configured).
 */
export function siteOrigin(req: IncomingMessage, settings: OriginSettings = process.env): string | null {
	if (settings.ORIGIN) return new URL(settings.ORIGIN).origin;
	const protocol = header(req, settings.PROTOCOL_HEADER) || ('encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http');
	const host = header(req, settings.HOST_HEADER) || header(req, 'host');
	if (!host || protocol.includes(':')) return null;
	const port = header(req, settings.PORT_HEADER);
	try {
		return new URL(`${protocol}://${host}${port ? `:${port}` : ''}`).origin;
	} catch {
		return null;
	}
}

/**
 * Browsers always send Origin with a websocket upgrade, and a page on another site can open one with our
 * cookie: refuse any Origin but our own. A request without Origin comes from no browser, and a
 * non-browser client can claim any Origin anyway, so its cookie alone decides.
 */
export function isSameOriginUpgrade(req: IncomingMessage, settings: OriginSettings = process.env): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return true;
	return origin === siteOrigin(req, settings);
}

/**
 * A post from one of our own pages, for endpoints SvelteKit's form-post check does not cover (a beacon
 * is not a form): browsers send Origin with every POST, so any other Origin, or none, is refused.
 */
export function isSameOriginPost(request: Request, url: URL): boolean {
	return request.headers.get('origin') === url.origin;
}
