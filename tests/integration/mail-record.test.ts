import { describe, expect, it } from 'vitest';
import { createOrganization } from '../helpers/fixtures';
import { createMailer, type Mail } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';

let db: Database;
let smtp: SmtpServer;
mailWorld((world) => ({ db, smtp } = world));

const mail = (to: string, organizationId: string): Mail => ({ to, subject: `For ${to}`, text: 't', html: '<p>t</p>', organizationId });
const statusOf = async (to: string) => (await db.sql`select status from outbox where to_address = ${to}`).map((r) => r.status);

async function eventually(check: () => Promise<boolean>) {
	for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('mail recorded with the change it announces', () => {
	it('exists once the transaction commits, each person their own message, and is delivered after it', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const mailer = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		const deliver = await db.sql.begin((tx) =>
			mailer.record(tx, [mail('a@record.example', admin.user.organizationId), mail('b@record.example', admin.user.organizationId)])
		);
		expect(await statusOf('a@record.example')).toEqual(['queued']);
		expect(await statusOf('b@record.example')).toEqual(['queued']);
		deliver();
		await smtp.waitFor('a@record.example');
		await smtp.waitFor('b@record.example');
		// Both are delivered at once, in either order: wait for both to be marked.
		await eventually(async () => (await statusOf('a@record.example'))[0] === 'sent' && (await statusOf('b@record.example'))[0] === 'sent');
		expect(await statusOf('a@record.example')).toEqual(['sent']);
		expect(await statusOf('b@record.example')).toEqual(['sent']);
		expect(smtp.received.filter((m) => m.to.includes('a@record.example'))).toHaveLength(1);
	});

	it('does not exist when the transaction rolls back', async () => {
		const admin = await createOrganization(db.sql, 'district');
		const mailer = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		await expect(
			db.sql.begin(async (tx) => {
				await mailer.record(tx, [mail('gone@record.example', admin.user.organizationId)]);
				throw new Error('the change failed');
			})
		).rejects.toThrow('the change failed');
		expect(await statusOf('gone@record.example')).toEqual([]);
	});

	it('stays in the app without a mail server, marked kept', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const mailer = createMailer({ sql: db.sql });
		const deliver = await db.sql.begin((tx) => mailer.record(tx, [mail('kept@record.example', admin.user.organizationId)]));
		deliver();
		await eventually(async () => (await statusOf('kept@record.example'))[0] === 'kept');
		expect(await statusOf('kept@record.example')).toEqual(['kept']);
	});
});
