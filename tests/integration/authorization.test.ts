import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { get, postForm } from '../helpers/app';
import { DEMO, firstMouId, signInCookie, startDemoApp } from '../helpers/demo';

let running: Awaited<ReturnType<typeof startDemoApp>>;
let mouId: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
	running = await startDemoApp();
	for (const [who, email] of Object.entries(DEMO)) cookies[who] = await signInCookie(running.app, email);
	mouId = await firstMouId(running.app, cookies.agencyCounsel);
	// An organization that is not a party: signs up over HTTP like anyone would.
	const signup = await postForm(running.app, '/signup', {
		name: 'Olivia Outsider',
		email: 'outsider@shelbyville-pd.example',
		password: 'outsider password 123',
		organizationName: 'Shelbyville Police Department',
		organizationKind: 'agency',
		role: 'counsel',
		timeZone: 'America/Chicago'
	});
	expect(signup.status).toBe(303);
	cookies.outsider = `mou_session=${/mou_session=([^;]+)/.exec(signup.headers.get('set-cookie')!)![1]}`;
}, 120_000);

afterAll(async () => {
	await running?.stop();
});

const status = async (path: string, who?: string) => (await get(running.app, path.replace(':id', mouId), who && cookies[who])).status;
const post = async (path: string, who: string | undefined, fields: Record<string, string> = {}) =>
	(await postForm(running.app, path.replace(':id', mouId), fields, who && cookies[who])).status;

describe('pages', () => {
	it('send strangers to sign in', async () => {
		for (const path of ['/mous', '/mous/new', '/mous/:id', '/org', '/outbox', '/join/abc']) {
			const response = await get(running.app, path.replace(':id', mouId));
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location'), path).toMatch(/^\/login\?redirectTo=/);
		}
	});

	it('show an MOU to every member of both parties and to nobody else', async () => {
		for (const who of Object.keys(DEMO)) expect(await status('/mous/:id', who), who).toBe(200);
		expect(await status('/mous/:id', 'outsider')).toBe(404);
		expect(await status('/mous/00000000-0000-4000-8000-000000000000', 'agencyCounsel')).toBe(404);
		expect(await status('/mous/not-an-id', 'agencyCounsel')).toBe(404);
		const listing = await (await get(running.app, '/mous', cookies.outsider)).text();
		expect(listing).not.toContain(mouId);
	});

	it('let only counsel and administrators start MOUs, and only administrators read the outbox', async () => {
		expect(await status('/mous/new', 'agencyCounsel')).toBe(200);
		expect(await status('/mous/new', 'chief')).toBe(403);
		expect(await status('/mous/new', 'districtViewer')).toBe(403);
		expect(await status('/outbox', 'districtCounsel')).toBe(200);
		expect(await status('/outbox', 'superintendent')).toBe(403);
		expect(await status('/org', 'agencyViewer')).toBe(200);
	});
});

describe('form actions', () => {
	it('refuse strangers', async () => {
		expect(await post('/mous/new', undefined, { title: 'Sneaky' })).toBe(401);
		expect(await post('/org?/invite', undefined, { email: 'a@b.example', role: 'counsel' })).toBe(401);
		expect(await post('/mous/:id?/inviteParty', undefined, { email: 'a@b.example' })).toBe(401);
	});

	it('refuse roles that may not act, whatever the browser shows', async () => {
		expect(await post('/mous/new', 'chief', { title: 'Chief tries' })).toBe(403);
		expect(await post('/org?/invite', 'agencyViewer', { email: 'a@b.example', role: 'counsel' })).toBe(403);
		expect(await post('/mous/:id?/inviteParty', 'outsider', { email: 'a@b.example' })).toBe(404);
		// Both parties have joined: nobody can invite a third.
		expect(await post('/mous/:id?/inviteParty', 'agencyCounsel', { email: 'a@b.example' })).toBe(400);
	});

	it('create an MOU for counsel and say what is wrong with a bad title', async () => {
		expect(await post('/mous/new', 'agencyCounsel', { title: 'x' })).toBe(400);
		const created = await postForm(running.app, '/mous/new', { title: 'Second MOU' }, cookies.agencyCounsel);
		expect(created.status).toBe(303);
		expect(created.headers.get('location')).toMatch(/^\/mous\/[0-9a-f-]{36}$/);
	});

	it('refuse a cross-site form post', async () => {
		const response = await fetch(`${running.app.url}/mous/new`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: 'https://evil.example', cookie: cookies.agencyCounsel },
			body: 'title=Forged'
		});
		expect(response.status).toBe(403);
	});
});

describe('the live document', () => {
	function closeCode(who: string | undefined, id = mouId) {
		return new Promise<number>((resolve) => {
			const ws = new WebSocket(`${running.app.url.replace('http', 'ws')}/collab/${id}`, { headers: who ? { cookie: cookies[who] } : {} });
			ws.on('close', (code) => resolve(code));
			// Like a real client: ask for the document; a member gets an answer.
			ws.on('open', () => {
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, 0);
				syncProtocol.writeSyncStep1(encoder, new Y.Doc());
				ws.send(encoding.toUint8Array(encoder));
			});
			ws.on('message', () => ws.close(1000));
		});
	}

	it('refuses strangers with 4401 and non-parties with 4404, and lets members in', async () => {
		expect(await closeCode(undefined)).toBe(4401);
		expect(await closeCode('outsider')).toBe(4404);
		expect(await closeCode('districtViewer')).toBe(1000);
		expect(await closeCode('agencyCounsel')).toBe(1000);
	});
});
