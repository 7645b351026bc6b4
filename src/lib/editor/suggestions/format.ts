import { formatWhen as formatIn } from '../../dates/format';

/** The app's one format ($lib/dates) in the MOU's zone; the raw text when it is not a date. */
export function formatWhen(iso: string, zone = 'UTC'): string {
	return formatIn(iso, zone);
}

/** At most `max` characters, cut at a word where possible, with an ellipsis. */
export function excerpt(text: string, max = 80): string {
	const clean = text.replace(/\s+/g, ' ').trim();
	if (clean.length <= max) return clean;
	const cut = clean.slice(0, max);
	const space = cut.lastIndexOf(' ');
	return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
