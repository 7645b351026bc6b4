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
		for (const path of ['/mous', '/mous/new', '/mous/:id', '/mous/:id/template', '/org', '/outbox', '/join/abc']) {
			const response = await get(running.app, path.replace(':id', mouId));
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location'), path).toMatch(/^\/login\?redirectTo=/);
		}
	});

	it('bring people back to a page of this site after signing in, and never to another site', async () => {
		const after = async (redirectTo: string) => {
			const response = await get(running.app, `/login?redirectTo=${encodeURIComponent(redirectTo)}`, cookies.agencyCounsel);
			expect(response.status, redirectTo).toBe(303);
			return response.headers.get('location');
		};
		expect(await after(`/mous/${mouId}?tab=history`)).toBe(`/mous/${mouId}?tab=history`);
		for (const elsewhere of ['//evil.example/x', '/\\evil.example/phish', '/\t/evil.example', 'https://evil.example', '/\n/evil.example'])
			expect(await after(elsewhere), elsewhere).toBe('/mous');
	});

	it('show an MOU to every member of both parties and to nobody else', async () => {
		for (const who of Object.keys(DEMO)) expect(await status('/mous/:id', who), who).toBe(200);
		expect(await status('/mous/:id', 'outsider')).toBe(404);
		expect(await status('/mous/00000000-0000-4000-8000-000000000000', 'agencyCounsel')).toBe(404);
		expect(await status('/mous/not-an-id', 'agencyCounsel')).toBe(404);
		const listing = await (await get(running.app, '/mous', cookies.outsider)).text();
		expect(listing).not.toContain(mouId);
	});

	it('give the MOU page its template (fetched once per tab) only to the parties', async () => {
		for (const who of Object.keys(DEMO)) expect(await status('/mous/:id/template', who), who).toBe(200);
		expect(await status('/mous/:id/template', 'outsider')).toBe(404);
		expect(await status('/mous/00000000-0000-4000-8000-000000000000/template', 'agencyCounsel')).toBe(404);
		const body = await (await get(running.app, `/mous/${mouId}/template`, cookies.districtCounsel)).json();
		expect(body.key).toBe('sro-mou@2027.1/il@2027.1');
		expect(body.template.sections.length).toBeGreaterThan(20);
		expect(body.checklist.length).toBeGreaterThan(20);
		expect(body.profile.code).toBe('il');
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

describe('accounts over HTTP', () => {
	const html = async (path: string, who?: string) => (await get(running.app, path, who && cookies[who])).text();

	it('sign up unconfirmed: the person sees they must confirm, the link is only in their own Inbox, and opening it confirms nothing', async () => {
		expect(await html('/mous', 'outsider')).toContain('Confirm your email address.');
		expect(await html('/mous', 'agencyCounsel')).not.toContain('Confirm your email address.');
		const inbox = await html('/inbox', 'outsider');
		const id = /href="\/inbox\/([0-9a-f-]{36})"[^>]*>Confirm your email address/.exec(inbox)![1];
		const mail = await html(`/inbox/${id}`, 'outsider');
		const link = /\/account\/verify\/([a-z0-9]+)/.exec(mail)![0];
		// Nobody else can open it: not the demo's administrators, not anyone.
		expect(await status(`/inbox/${id}`, 'agencyCounsel')).toBe(404);
		expect(await status(`/outbox/${id}`, 'agencyCounsel')).toBe(404);
		expect(await html(link)).toContain('Confirm my address');
		expect(await html('/mous', 'outsider')).toContain('Confirm your email address.');
		expect((await postForm(running.app, link, {})).status).toBe(200);
		expect(await html('/mous', 'outsider')).not.toContain('Confirm your email address.');
	});

	it('answer a password reset request the same way for any address', async () => {
		const known = await (await postForm(running.app, '/login/forgot', { email: DEMO.chief })).text();
		const unknown = await (await postForm(running.app, '/login/forgot', { email: 'nobody@springfield-pd.example' })).text();
		expect(known).toContain('If an account uses that address, we have emailed it a link');
		expect(unknown.replaceAll('nobody@springfield-pd.example', DEMO.chief)).toBe(known);
	});

	it('show administrators delivery status, never what the mail says; member management only to them', async () => {
		expect(await post('/org?/invite', 'agencyCounsel', { email: 'new-colleague@springfield-pd.example', role: 'viewer' })).toBe(200);
		const outbox = await html('/outbox', 'agencyCounsel');
		expect(outbox).toContain('new-colleague@springfield-pd.example');
		expect(outbox).toContain('An invitation to join your colleagues on MOU Studio');
		// No way in to what it says: no link to the message, no link it holds.
		expect(outbox).not.toMatch(/\/outbox\/[0-9a-f-]{36}|\/invitations\//);
		expect(await status('/org/members', 'agencyCounsel')).toBe(200);
		expect(await status('/org/members', 'agencyViewer')).toBe(403);
		expect(await post('/org/members?/change', 'agencyViewer', { userId: '00000000-0000-4000-8000-000000000000', role: 'counsel' })).toBe(403);
	});

	it('audit downloads only as a POST from the page: a bare GET of a download address does nothing', async () => {
		expect(await status('/mous/:id/export/signed', 'agencyCounsel')).toBe(405);
		expect(await status('/mous/:id/signing/certificate/download', 'agencyCounsel')).toBe(405);
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

// Last: it changes the demo's people.
describe('member management', () => {
	/** A live connection that stays open until the server closes it. */
	function openConnection(who: string) {
		const ws = new WebSocket(`${running.app.url.replace('http', 'ws')}/collab/${mouId}`, { headers: { cookie: cookies[who] } });
		const synced = new Promise<void>((resolve) => ws.once('message', () => resolve()));
		const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
		ws.on('open', () => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, new Y.Doc());
			ws.send(encoding.toUint8Array(encoder));
		});
		return { synced, closed, ws };
	}
	const within = <T>(promise: Promise<T>, ms = 5_000) =>
		Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);

	it('takes effect on open websockets at once: a demoted counsel is cut off from writing, a removed member from the MOU', async () => {
		const page = await (await get(running.app, '/org/members', cookies.agencyCounsel)).text();
		const viewerId = /name="userId" value="([0-9a-f-]{36})"/.exec(page.split('<li').find((chunk) => chunk.includes(DEMO.agencyViewer))!)![1];
		const change = (role: string) => post('/org/members?/change', 'agencyCounsel', { userId: viewerId, role });
		expect(await change('counsel')).toBe(200);
		const writer = openConnection('agencyViewer');
		await within(writer.synced);
		expect(await change('viewer')).toBe(200);
		// Lost write access: closed with 4409, to come back read-only.
		expect(await within(writer.closed)).toBe(4409);

		const reader = openConnection('agencyViewer');
		await within(reader.synced);
		expect(await post('/org/members?/remove', 'agencyCounsel', { userId: viewerId })).toBe(200);
		expect(await within(reader.closed)).toBe(4401);
		expect(await status('/mous', 'agencyViewer')).toBe(303);
		const again = await postForm(running.app, '/login', { email: DEMO.agencyViewer, password: 'springfield-demo-2026' });
		expect(again.status).toBe(403);
		expect(await again.text()).toContain('removed you');
	});
});
