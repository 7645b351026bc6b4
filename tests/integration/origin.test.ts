import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { request } from 'node:http';
import * as Y from 'yjs';
import { syncStep1Message } from '../helpers/yjs-client';
import { DEMO, DEMO_PASSWORD, firstMouId, signInCookie, startDemoApp } from '../helpers/demo';
import type { RunningApp } from '../helpers/app';

type Running = Awaited<ReturnType<typeof startDemoApp>>;

/** A sign-in post as a browser on `origin` sends it: 303 when accepted, 403 when refused as cross-site. */
async function signInFrom(app: RunningApp, origin: string, headers: Record<string, string> = {}, base = app.url): Promise<number> {
	const response = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin, ...headers },
		body: new URLSearchParams({ email: DEMO.agencyCounsel, password: DEMO_PASSWORD }).toString()
	});
	return response.status;
}

/** Opens the live document as a browser on `origin` would (it always sends Origin): 1000 if served. */
function collabCloseCode(app: RunningApp, mouId: string, cookie: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`${app.url.replace('http', 'ws')}/collab/${mouId}`, { headers: { cookie, ...headers } });
		ws.on('open', () => ws.send(syncStep1Message(new Y.Doc())));
		ws.on('message', () => ws.close(1000));
		ws.on('close', (code) => resolve(code));
	});
}

/** Status of a GET for `path` sent to the app with the given Host header (fetch cannot set Host). */
function statusForHost(app: RunningApp, host: string, path = '/login'): Promise<number> {
	const { hostname, port } = new URL(app.url);
	return new Promise((resolve, reject) => {
		const req = request({ hostname, port, path, headers: { host } }, (res) => {
			res.resume();
			resolve(res.statusCode ?? 0);
		});
		req.on('error', reject);
		req.end();
	});
}

describe('started as the README says, with no ORIGIN', () => {
	let running: Running;
	let cookie: string;
	let mouId: string;
	beforeAll(async () => {
		running = await startDemoApp();
		cookie = await signInCookie(running.app, DEMO.agencyCounsel);
		mouId = await firstMouId(running.app, cookie);
	}, 120_000);
	afterAll(() => running?.stop());

	it('accepts form posts from its own pages on the address it printed and on localhost', async () => {
		const { url } = running.app;
		expect(await signInFrom(running.app, url)).toBe(303);
		const localhost = url.replace('127.0.0.1', 'localhost');
		expect(await signInFrom(running.app, localhost, {}, localhost)).toBe(303);
	});

	it('answers only to its own names, so no link it mails can point at a host a client made up', async () => {
		const { port } = new URL(running.app.url);
		expect(await statusForHost(running.app, `127.0.0.1:${port}`)).toBe(200);
		expect(await statusForHost(running.app, `localhost:${port}`)).toBe(200);
		expect(await statusForHost(running.app, 'evil.example')).toBe(421);
		expect(await statusForHost(running.app, `evil.example:${port}`, '/login/forgot')).toBe(421);
	});

	it('refuses posts from another site, another scheme, or a forged protocol header', async () => {
		const { url } = running.app;
		expect(await signInFrom(running.app, 'http://evil.example')).toBe(403);
		expect(await signInFrom(running.app, url.replace('http:', 'https:'))).toBe(403);
		// The server's own protocol header cannot be supplied by a client.
		const forged = { 'x-mou-studio-local-protocol': 'https' };
		expect(await signInFrom(running.app, url.replace('http:', 'https:'), forged)).toBe(403);
	});

	it('serves the live document to its own pages only', async () => {
		const { url } = running.app;
		expect(await collabCloseCode(running.app, mouId, cookie, { origin: url })).toBe(1000);
		expect(await collabCloseCode(running.app, mouId, cookie, { origin: 'http://evil.example' })).toBe(4403);
		expect(await collabCloseCode(running.app, mouId, cookie, { origin: url.replace('http:', 'https:') })).toBe(4403);
		// No Origin: no browser sent it, so the cookie alone decides (as before).
		expect(await collabCloseCode(running.app, mouId, cookie, {})).toBe(1000);
	});

	it("records a person's visit only when one of its own pages posts it", async () => {
		const visit = (headers: Record<string, string>) =>
			fetch(`${running.app.url}/mous/${mouId}/visit`, { method: 'POST', headers: { cookie, ...headers } }).then((r) => r.status);
		expect(await visit({ origin: 'http://evil.example' })).toBe(403);
		expect(await visit({ origin: running.app.url.replace('http:', 'https:') })).toBe(403);
		// A browser always sends Origin with this post: without one it is not ours either.
		expect(await visit({})).toBe(403);
		expect(await visit({ origin: running.app.url })).toBe(204);
	});
});

describe('behind a proxy', () => {
	it('lets ORIGIN rule over the request', async () => {
		const running = await startDemoApp({ ORIGIN: 'https://mou.example' });
		try {
			expect(await signInFrom(running.app, 'https://mou.example')).toBe(303);
			expect(await signInFrom(running.app, running.app.url)).toBe(403);
			const cookie = await cookieFrom(running.app, 'https://mou.example');
			const mouId = await firstMouId(running.app, cookie);
			expect(await collabCloseCode(running.app, mouId, cookie, { origin: 'https://mou.example' })).toBe(1000);
			expect(await collabCloseCode(running.app, mouId, cookie, { origin: running.app.url })).toBe(4403);
		} finally {
			await running.stop();
		}
	}, 120_000);

	it('trusts PROTOCOL_HEADER and HOST_HEADER when they are configured', async () => {
		const running = await startDemoApp({ PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host' });
		const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mou.example' };
		try {
			expect(await signInFrom(running.app, 'https://mou.example', proxied)).toBe(303);
			expect(await signInFrom(running.app, running.app.url, proxied)).toBe(403);
			const cookie = await cookieFrom(running.app, 'https://mou.example', proxied);
			const mouId = await firstMouId(running.app, cookie);
			expect(await collabCloseCode(running.app, mouId, cookie, { origin: 'https://mou.example', ...proxied })).toBe(1000);
			expect(await collabCloseCode(running.app, mouId, cookie, { origin: 'http://evil.example', ...proxied })).toBe(4403);
		} finally {
			await running.stop();
		}
	}, 120_000);
});

async function cookieFrom(app: RunningApp, origin: string, headers: Record<string, string> = {}): Promise<string> {
	const response = await fetch(`${app.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin, ...headers },
		body: new URLSearchParams({ email: DEMO.agencyCounsel, password: DEMO_PASSWORD }).toString()
	});
	return `mou_session=${/mou_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1]}`;
}
