import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../helpers/app';
import { agreedCopiesOfDemo, DEMO, signInCookie, startDemoApp } from '../helpers/demo';
import { firstLink, mailText, startSmtpServer } from '../helpers/smtp';
import { inkPng } from './signing-world';

/**
 * The review's attacks on who signs, over HTTP against the production server with the demo, as an
 * attacker posts them (forged form fields, no browser): agency counsel naming herself "Chief Robert
 * Hale" and a district viewer "Dr. Maria Superintendent"; another member continuing a signer's
 * link with their own account; what a viewer's certificate and an unopened signing link carry.
 */

let running: Awaited<ReturnType<typeof startDemoApp<string[]>>>;
let app: RunningApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const cookies: Record<string, string> = {};
const TITLE = 'Springfield SRO MOU (forged signers)';

beforeAll(async () => {
	smtp = await startSmtpServer();
	running = await startDemoApp({ SMTP_URL: smtp.url }, (query) => agreedCopiesOfDemo(query, [TITLE]));
	app = running.app;
	for (const [who, email] of Object.entries(DEMO)) cookies[who] = await signInCookie(app, email);
}, 180_000);

afterAll(async () => {
	await running?.stop();
	await smtp?.close();
});

const mouId = () => running.prepared[0];

/** A form action posted as the enhanced form does (JSON answer), with whatever fields the attacker likes. */
async function action(path: string, fields: Record<string, string>, cookie: string) {
	const response = await fetch(app.url + path, {
		method: 'POST',
		redirect: 'manual',
		headers: { cookie, origin: app.url, accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString()
	});
	return { status: response.status, text: await response.text(), cookies: response.headers.getSetCookie().map((c) => c.split(';')[0]) };
}

const dataOf = async (path: string, cookie?: string) =>
	(await fetch(`${app.url}${path}/__data.json`, { headers: cookie ? { cookie } : {}, redirect: 'manual' })).text();

const expiresOn = () => new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

/** The review's form: names, titles and capacities chosen by the attacker. */
function forged(agency: string, district: string): Record<string, string> {
	return {
		'signers.0.name': 'Chief Robert Hale',
		'signers.0.title': 'Chief of Police',
		'signers.0.email': agency,
		'signers.0.party': 'agency',
		'signers.0.capacity': 'agency_head',
		'signers.1.name': 'Dr. Maria Superintendent',
		'signers.1.title': 'Superintendent',
		'signers.1.email': district,
		'signers.1.party': 'district',
		'signers.1.capacity': 'superintendent',
		routing: 'parallel',
		expiresOn: expiresOn(),
		reminderDays: '3',
		message: ''
	};
}

async function linkFor(email: string) {
	const start = Date.now();
	while (Date.now() - start < 20_000) {
		const mail = smtp.received.find((m) => m.to.includes(email) && /asks you to sign/.test(mailText(m.raw)));
		if (mail) return new URL(firstLink(mail.raw, '/sign/')).pathname;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`no signing link to ${email}`);
}

/** The signer's own account continues their link, consents and signs (typed). */
async function signWithAccount(link: string, cookie: string) {
	const continued = await action(`${link}?/useAccount`, {}, cookie);
	expect(continued.text).toContain('"type":"success"');
	const both = [cookie, ...continued.cookies].join('; ');
	expect((await action(`${link}?/consent`, { consent: 'on' }, both)).text).toContain('"type":"success"');
	const fingerprint = /"([0-9a-f]{64})"/.exec(await dataOf(link, both))![1];
	const signed = await action(`${link}?/sign`, { kind: 'typed', typedName: 'Signer', image: inkPng(), intent: 'on', fingerprint }, both);
	expect(signed.text).toContain('\\"signed\\":');
}

describe('who signs, against forged forms', () => {
	it('refuses counsel signing as the chief and a district viewer as the superintendent; sends the real signatories under their own names', async () => {
		const path = `/mous/${mouId()}/signing/prepare?/send`;
		const refused = await action(path, forged(DEMO.agencyCounsel, DEMO.districtViewer), cookies.agencyCounsel);
		expect(refused.text).toContain('"type":"failure"');
		expect(refused.text).toContain('Dana Whitfield is counsel at Springfield Police Department; to sign as agency head they need the signatory role there.');
		expect(refused.text).toContain(
			'Grace Liu is a viewer at Springfield Unified School District; to sign as district superintendent they need the signatory role there.'
		);
		// One at a time: the agency's own viewer; a made-up address.
		const ownViewer = await action(path, forged(DEMO.agencyViewer, DEMO.superintendent), cookies.agencyCounsel);
		expect(ownViewer.text).toContain('Priya Shah is a viewer at Springfield Police Department');
		const madeUp = await action(path, forged('robert.hale@springfield-pd.example', DEMO.superintendent), cookies.agencyCounsel);
		expect(madeUp.text).toContain('robert.hale@springfield-pd.example is not a member of Springfield Police Department, so cannot sign for it.');
		// Nobody was asked to sign.
		expect(smtp.received.filter((m) => /asks you to sign/.test(mailText(m.raw)))).toEqual([]);

		// The real signatories, with the attacker's names still in the form: the accounts' names are recorded.
		const sent = await action(path, forged(DEMO.chief, DEMO.superintendent), cookies.agencyCounsel);
		expect(sent.text).toContain('"type":"redirect"');
		const overview = await dataOf(`/mous/${mouId()}/signing`, cookies.agencyCounsel);
		expect(overview).toContain('Marcus Reyes');
		expect(overview).toContain('Thomas Okafor');
		expect(overview).not.toMatch(/Robert Hale|Maria Superintendent/);
		await linkFor(DEMO.chief);
		const invitation = smtp.received.find((m) => m.to.includes(DEMO.chief) && /asks you to sign/.test(mailText(m.raw)))!;
		expect(mailText(invitation.raw)).toContain('Hello Marcus Reyes,');
	});

	it('lets no other member continue a signer’s link with their account, and shows no address before the signer proves it is them', async () => {
		const link = await linkFor(DEMO.superintendent);
		for (const who of ['districtCounsel', 'districtViewer', 'chief', 'agencyCounsel']) {
			const tried = await action(`${link}?/useAccount`, {}, cookies[who]);
			expect(tried.text, who).toContain('"type":"failure"');
			expect(tried.text, who).toContain('You are not signed in as this signer. Use the emailed code instead.');
			expect(
				tried.cookies.filter((c) => c.startsWith('mou_ceremony')),
				who
			).toEqual([]);
		}
		for (const cookie of [undefined, cookies.districtViewer]) {
			const page = await dataOf(link, cookie);
			expect(page).toContain('s…@springfield-usd.example');
			expect(page).not.toContain(DEMO.superintendent);
		}
		expect(await dataOf(link, cookies.superintendent)).toContain(DEMO.superintendent);
		// The district viewer's "Sign now" has nothing to sign.
		expect(await dataOf('/mous', cookies.districtViewer)).not.toContain('signerId');
	});

	it('gives a viewer the certificate without anyone’s address, IP address or browser; counsel gets them', async () => {
		await signWithAccount(await linkFor(DEMO.chief), cookies.chief);
		await signWithAccount(await linkFor(DEMO.superintendent), cookies.superintendent);
		const certificate = `/mous/${mouId()}/signing/certificate`;
		// Any whole address but the reader's own (the page's layout names who is signed in).
		const others = (text: string, who: string) =>
			[...text.matchAll(/[a-z]+@springfield-(?:pd|usd)\.example/g)].map((m) => m[0]).filter((e) => e !== DEMO[who as keyof typeof DEMO]);
		for (const who of ['agencyViewer', 'districtViewer', 'chief']) {
			const page = await dataOf(certificate, cookies[who]);
			expect(page, who).toContain('Marcus Reyes');
			expect(others(page, who), who).toEqual([]);
			// Neither the signers' IP address nor their browser (Node's fetch says "node").
			expect(page, who).not.toContain('"127.0.0.1"');
			expect(page, who).not.toContain('"node"');
			const download = await fetch(`${app.url}${certificate}/download`, { method: 'POST', headers: { cookie: cookies[who], origin: app.url } });
			expect(download.status, who).toBe(200);
			const html = await download.text();
			expect(html, who).toContain('Certificate of completion');
			expect(others(html, 'nobody'), who).toEqual([]);
			expect(html, who).not.toContain('<th>IP address</th>');
		}
		const forCounsel = await dataOf(certificate, cookies.districtCounsel);
		expect(forCounsel).toContain(DEMO.chief);
		expect(forCounsel).toContain('"127.0.0.1"');
		expect(forCounsel).toContain('"node"');
	});
});
