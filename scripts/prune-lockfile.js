// The registry these machines use lacks some optional platform packages (e.g. @rollup/rollup-android-*),
// so `npm install` leaves them out of package-lock.json while their parents still list them, and
// `npm ci` then calls the lockfile out of sync. Dropping the optional edges the lockfile cannot satisfy
// makes it consistent again; run after any `npm install` that rewrites the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const installed = new Set(Object.keys(lock.packages));
let pruned = 0;

function resolves(from, name) {
	// Node's lookup: nearest node_modules upwards from the dependent package.
	let dir = from;
	for (;;) {
		if (installed.has(`${dir ? `${dir}/` : ''}node_modules/${name}`)) return true;
		const at = dir.lastIndexOf('/node_modules/');
		if (at < 0) return dir !== '' ? installed.has(`node_modules/${name}`) : false;
		dir = dir.slice(0, at);
	}
}

for (const [location, entry] of Object.entries(lock.packages)) {
	for (const name of Object.keys(entry.optionalDependencies ?? {})) {
		if (!resolves(location, name)) {
			delete entry.optionalDependencies[name];
			pruned++;
		}
	}
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: pruned ${pruned} optional dependencies the registry does not provide`);
