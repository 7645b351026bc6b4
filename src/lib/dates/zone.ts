import { getContext, setContext } from 'svelte';
import { formatDay, formatWhen } from './format';

/**
 * The zone a page writes its dates in, handed down from the root layout (which reads the page
 * data's `zone`: the MOU's district zone on MOU pages, the signer's on signing pages, else the
 * person's organization's). A context, not a module variable: the server renders many requests.
 */
const KEY = Symbol('display-zone');

export function provideZone(zone: () => string) {
	setContext(KEY, zone);
}

/** Formatters bound to the page's zone; call while a component initialises. */
export function useDates() {
	const zone = getContext<(() => string) | undefined>(KEY) ?? (() => 'UTC');
	return {
		zone,
		when: (value: Date | string | number | null | undefined) => formatWhen(value, zone()),
		day: (value: Date | string | null | undefined) => formatDay(value, zone())
	};
}
