/**
 * What one commit of the collaboration writer costs this process (CPU, not time): the writer's
 * own INSERT (appendUpdatesOfMany, `rows` keystroke-sized updates of as many MOUs), one at a time
 * as the group commit sends them, over loopback TCP and over PostgreSQL's Unix socket
 * (src/lib/server/db/local-socket.ts), and over TCP as the writer opens its connection (its
 * lock_timeout, writerOptions in collab/update-writer.ts). CPU per commit moves little with the machine's load, so
 * this compares connection setups and statements while others use the machine.
 *
 * Run: npx tsx bench/collab-commit.bench.ts [--commits 3000] [--rows 1] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { templateUpdate } from './collab-load-doc';
import { median } from './collab-load-report';
import { freshBenchDatabase, seedMous, seedPeople } from './collab-load-world';
import { appendUpdatesOfMany } from '../src/lib/server/collab/persistence';
import { localSocketPath } from '../src/lib/server/db/local-socket';
import { writerOptions } from '../src/lib/server/collab/update-writer';

const { values: args } = parseArgs({
	options: {
		commits: { type: 'string', default: '3000' },
		rows: { type: 'string', default: '1' },
		rounds: { type: 'string', default: '5' }
	}
});
const COMMITS = Number(args.commits);
const ROWS = Number(args.rows);

const bench = await freshBenchDatabase(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
const world = await seedPeople(bench.db, ROWS, 1);
const mouIds = await seedMous(bench.db, world, ROWS, templateUpdate());
const socket = localSocketPath(bench.url, process.env.DATABASE_SOCKET || 'auto');
const setups: Array<[string, postgres.Sql]> = [
	['loopback TCP', postgres(bench.url, { max: 1, onnotice: () => {} })],
	// As the writer opens its connection (update-writer.ts): with its lock_timeout, set at connection start.
	['TCP, writer', postgres(bench.url, writerOptions({ onnotice: () => {} }))]
];
if (socket) setups.push(['Unix socket', postgres(bench.url, { max: 1, path: socket, onnotice: () => {} })]);
else console.log('no local socket found: TCP only');
// A keystroke as the editor sends it is ~30 bytes, with the decisions its room had seen (decision-count.ts).
const update = new Uint8Array(30).fill(7);
const batches = mouIds.map((mouId) => ({ mouId, updates: [{ update, userId: world.creator, seen: { value: 0 } }] }));

try {
	const perCommit = new Map<string, number[]>(setups.map(([name]) => [name, []]));
	const systemPerCommit = new Map<string, number[]>(setups.map(([name]) => [name, []]));
	for (let round = 0; round < Number(args.rounds); round++) {
		for (const [name, sql] of round % 2 === 0 ? setups : [...setups].reverse()) {
			for (let i = 0; i < 200; i++) await appendUpdatesOfMany(sql, batches, { seqs: false }); // warm
			const start = process.cpuUsage();
			for (let i = 0; i < COMMITS; i++) await appendUpdatesOfMany(sql, batches, { seqs: false });
			const used = process.cpuUsage(start);
			perCommit.get(name)!.push((used.user + used.system) / COMMITS);
			systemPerCommit.get(name)!.push(used.system / COMMITS);
		}
	}
	for (const [name, values] of perCommit) {
		console.log(
			`${name.padEnd(12)} CPU per commit of ${ROWS} row(s) (µs): ${values.map((v) => v.toFixed(1)).join(' ')}  median ${median(values).toFixed(1)} (system ${median(systemPerCommit.get(name)!).toFixed(1)})`
		);
	}
} finally {
	for (const [, sql] of setups) await sql.end({ timeout: 1 });
	await bench.drop();
}
process.exit(0);
