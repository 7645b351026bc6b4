/**
 * What a reminder sweep would send at a given instant, for operators:
 *   npm run reminders -- --as-of 2027-03-14T08:00 --dry-run [--zone America/Chicago]
 * Reads the app's database (DATABASE_URL, else the embedded one in DATA_DIR — stop the app first,
 * the embedded database has one owner). Sends nothing: without --dry-run it refuses, since the
 * running app's pg-boss job is what sends.
 */
import { readConfig } from '$lib/server/config';
import { openDatabase } from '$lib/server/db';
// The module itself, not the reminders index: that also brings the scheduler and, through it, the
// signing workflow, which needs SvelteKit's runtime.
import { describePlan, dryRunSweep } from '../src/lib/server/reminders/upcoming';
import { isTimeZone, zonedInstant } from '../src/lib/server/reminders/time';

function argument(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

/** "2027-03-14T08:00" in `zone` (no offset given), or any ISO instant with Z / an offset. */
export function parseAsOf(value: string, zone: string): Date | null {
	if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(value)) {
		const at = new Date(value);
		return Number.isNaN(at.getTime()) ? null : at;
	}
	const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
	if (!match) return null;
	const at = zonedInstant(match[1], Number(match[2] ?? 0), zone);
	return new Date(at.getTime() + Number(match[3] ?? 0) * 60_000);
}

async function main() {
	const asOfText = argument('--as-of');
	const zone = argument('--zone') ?? 'UTC';
	if (!process.argv.includes('--dry-run')) throw new Error('Only --dry-run is supported: the running app sends reminders.');
	if (!isTimeZone(zone)) throw new Error(`Unknown time zone ${zone}.`);
	const asOf = asOfText ? parseAsOf(asOfText, zone) : new Date();
	if (!asOf) throw new Error(`Cannot read --as-of ${asOfText}: use e.g. 2027-03-14T08:00 (in --zone, default UTC) or an ISO instant.`);
	const config = readConfig();
	const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, max: 2 });
	try {
		console.log(describePlan(await dryRunSweep(db.sql, asOf), asOf));
	} finally {
		await db.close();
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
