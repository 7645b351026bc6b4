/**
 * The benchmark runs the server's modules under tsx, outside SvelteKit, where `$app/environment`
 * does not exist (a few server modules read `dev` from it). This resolve hook answers that one
 * specifier with what a production build has: not dev, not building, browser false.
 * Loaded with `--import` by startServerProcess.
 */
import { register } from 'node:module';

const stub = 'export const dev = false; export const building = false; export const browser = false; export const version = "bench";';
const hooks = `
export async function resolve(specifier, context, next) {
	if (specifier === '$app/environment') return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(stub)}), shortCircuit: true };
	return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
