import { PgBoss } from 'pg-boss';
import type { NoticeTopic } from '$lib/collab/protocol';
import { runSigningDuties } from '$lib/server/signing';
import { postgresJsDb } from './pgboss-db';
import { runReminderSweep, type ReminderDeps, type SweepReport } from './sweep';
import { smtpTransport } from './transport';

/** The reminder job's queue; its cron runs a sweep every quarter hour. */
export const TICK_QUEUE = 'reminders.tick';
export const TICK_CRON = '*/15 * * * *';
/** The signing workflow's periodic work (expiries, signer reminders, mail a stopped instance left). */
export const SIGNING_QUEUE = 'signing.duties';
export const SIGNING_CRON = '*/5 * * * *';
/** pg-boss keeps its tables in this schema of the app's database. */
export const PGBOSS_SCHEMA = 'pgboss';

/** Another durable cron job on the same pg-boss (the signing workflow's expiries and reminders). */
export interface CronDuty {
	/** Queue name, e.g. 'signing.duties'. */
	name: string;
	/** Cron expression in UTC, e.g. every 15 minutes. */
	cron: string;
	run(now: Date): Promise<unknown>;
}

export interface SchedulerDeps extends ReminderDeps {
	/** The SMTP server reminders go to (the app's SMTP_URL); without it, and without `transport`, they are kept in the outbox. */
	smtpUrl?: string;
	/** Sender address (the app's MAIL_FROM). */
	mailFrom?: string;
	/** The time a job runs at; injectable so tests move a clock instead of sleeping. */
	clock?: () => Date;
	duties?: CronDuty[];
	/** false: leave out the signing workflow's duties (default: scheduled, every 5 minutes). */
	signingDuties?: boolean;
	/** Live notices for the signing duties (an expired request changes an MOU's status). */
	collab?: { notify?(mouId: string, topic: NoticeTopic): void };
	/** false: no cron schedules from this instance (tests drive each run with runNow). Default true. */
	cron?: boolean;
	/** How often the workers look for jobs (seconds, ≥ 0.5). Default 2. */
	pollingIntervalSeconds?: number;
}

export interface ReminderScheduler {
	/** Queues one sweep at `at` (default: the clock) and resolves with its report once a worker ran it. */
	runNow(at?: Date, timeoutMs?: number): Promise<SweepReport>;
	/** Queues one run of a duty at `at` and waits for it. */
	runDuty(name: string, at?: Date, timeoutMs?: number): Promise<unknown>;
	boss: PgBoss;
	stop(): Promise<void>;
}

/**
 * Failed runs (the database went away mid-sweep) are retried with exponential back-off. A run
 * repeats no reminder: what was sent is in the database, keyed uniquely.
 */
const QUEUE_OPTIONS = { retryLimit: 8, retryDelay: 30, retryBackoff: true, retryDelayMax: 3_600, expireInSeconds: 900 };

/**
 * Starts pg-boss on the app's database connection and the reminder sweep, the signing duties (plus
 * any others) as durable cron jobs: the schedule lives in PostgreSQL, so a restart or crash loses no run, and with
 * several instances each cron slot produces one job, which one worker takes.
 */
export async function startReminderScheduler(deps: SchedulerDeps): Promise<ReminderScheduler> {
	const clock = deps.clock ?? (() => new Date());
	const ownTransport = deps.transport === undefined && deps.smtpUrl ? smtpTransport(deps.smtpUrl, deps.mailFrom) : null;
	const reminderDeps: ReminderDeps = { ...deps, transport: deps.transport ?? ownTransport };
	const cron = deps.cron ?? true;
	const log = deps.log ?? (() => {});
	const boss = new PgBoss({
		db: postgresJsDb(deps.sql),
		schema: PGBOSS_SCHEMA,
		schedule: cron,
		// The app's database is shared: no index rebuilds or vacuum advice from a job queue.
		reindex: false,
		monitorVacuum: false
	});
	boss.on('error', (error) => log({ event: 'pgboss.error', error: error instanceof Error ? error.message : String(error) }));
	await boss.start();

	const at = (data: unknown) => {
		const value = (data as { at?: unknown } | null)?.at;
		return typeof value === 'string' ? new Date(value) : clock();
	};
	const workerOptions = { pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 2 };
	const workers = new Map<string, string>();

	const jobs: CronDuty[] = [
		{ name: TICK_QUEUE, cron: TICK_CRON, run: (now) => runReminderSweep(reminderDeps, now) },
		...(deps.signingDuties === false
			? []
			: [
					{
						name: SIGNING_QUEUE,
						cron: SIGNING_CRON,
						run: (now: Date) => runSigningDuties({ sql: deps.sql, mailer: deps.mailer, origin: deps.origin, collab: deps.collab }, now)
					}
				]),
		...(deps.duties ?? [])
	];
	for (const job of jobs) {
		await boss.createQueue(job.name, QUEUE_OPTIONS);
		const workerId = await boss.work<{ at?: string }>(job.name, workerOptions, async ([received]) => {
			const now = at(received.data);
			try {
				return (await job.run(now)) ?? null;
			} catch (error) {
				log({ event: `${job.name}.failed`, at: now.toISOString(), error: error instanceof Error ? error.message : String(error) });
				throw error; // pg-boss retries it with back-off
			}
		});
		workers.set(job.name, workerId);
		// 'once': a slot missed while every instance was down runs once when one comes back.
		if (cron) await boss.schedule(job.name, job.cron, null, { tz: 'UTC', missed: 'once' });
	}

	async function runAndWait(name: string, when: Date, timeoutMs: number): Promise<unknown> {
		const id = await boss.send(name, { at: when.toISOString() });
		if (!id) throw new Error(`pg-boss did not queue a ${name} job`);
		const workerId = workers.get(name);
		if (workerId) boss.notifyWorker(workerId);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [job] = await boss.findJobs<object>(name, { id });
			if (job?.state === 'completed') return job.output;
			if (job?.state === 'failed' || job?.state === 'cancelled') {
				throw new Error(`${name} job ${job.state}: ${JSON.stringify(job.output)}`);
			}
			if (Date.now() > deadline) throw new Error(`${name} job ${id} still ${job?.state ?? 'missing'} after ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	}

	return {
		boss,
		async runNow(when = clock(), timeoutMs = 30_000) {
			return (await runAndWait(TICK_QUEUE, when, timeoutMs)) as SweepReport;
		},
		runDuty(name, when = clock(), timeoutMs = 30_000) {
			if (!workers.has(name)) return Promise.reject(new Error(`No duty named ${name}`));
			return runAndWait(name, when, timeoutMs);
		},
		async stop() {
			await boss.stop({ graceful: true, timeout: 10_000, close: false });
			ownTransport?.close();
		}
	};
}
