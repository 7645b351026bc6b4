/**
 * postgres.js CPU per query as a pool of ten with a few connections in use runs more and more
 * queries, against a pool of one (what the collaboration writer uses, update-writer.ts). In 3.4 the
 * pool's idle queue only emptied when every connection was taken at once; otherwise each query left
 * a slot in it and the next one scanned them all, so the cost of a query grew with the number the
 * pool ever ran. 4.x rewrote the pool: both stay flat (bench/README.md).
 *
 * Run: npx tsx bench/postgres-queue.bench.ts [--queries 20000] [--rounds 6]
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values: args } = parseArgs({
	options: { queries: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '6' } }
});
const QUERIES = Number(args.queries);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

for (const max of [10, 1]) {
	const sql = postgres(url, { max, onnotice: () => {} });
	await Promise.all(Array.from({ length: max }, () => sql`select 1`)); // every connection open, then idle
	const perRound: string[] = [];
	for (let round = 0; round < Number(args.rounds); round++) {
		const start = process.cpuUsage();
		for (let i = 0; i < QUERIES; i++) await sql`select ${i}::int as n`;
		const used = process.cpuUsage(start);
		perRound.push(((used.user + used.system) / QUERIES).toFixed(1));
	}
	console.log(`pool of ${String(max).padStart(2)}: CPU per query by round of ${QUERIES} (µs): ${perRound.join(' ')}`);
	await sql.end({ timeout: 5 });
}
