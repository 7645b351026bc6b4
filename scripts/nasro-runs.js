// Writes tests/helpers/nasro-runs.txt: a short SHA-256 of every 6-word run of NASRO's standards,
// so tests can prove our templates share no such run without the copyrighted text in the repository.
// Usage: node scripts/nasro-runs.js /work/shared/nasro-standards.md
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const RUN = 6;
const words =
	readFileSync(process.argv[2], 'utf8')
		.toLowerCase()
		.match(/[a-z0-9]+/g) ?? [];
const runs = new Set();
for (let i = 0; i + RUN <= words.length; i++)
	runs.add(
		createHash('sha256')
			.update(words.slice(i, i + RUN).join(' '))
			.digest('hex')
			.slice(0, 16)
	);
writeFileSync('tests/helpers/nasro-runs.txt', [...runs].sort().join('\n') + '\n');
console.log(`${runs.size} runs of ${RUN} words`);
