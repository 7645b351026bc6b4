/**
 * `@name` in a comment: which of the people who may be mentioned it names. Pure, shared by the
 * comment box (to show who will be notified) and the server (which decides who is mailed).
 * A mention is `@` followed by a person's full name (case does not matter), not followed by a letter
 * or digit; the longest name wins, so "@Ana Li" is not "@Ana Lise". Never by email address: the
 * answer would tell the author whether a guessed address of the other party exists.
 */
export interface Mentionable {
	id: string;
	name: string;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

function keysOf(person: Mentionable): string[] {
	const key = person.name.trim().toLowerCase();
	return key.length > 0 ? [key] : [];
}

/** The people the body mentions, each once, in the order first mentioned. */
export function findMentions<T extends Mentionable>(body: string, people: T[]): T[] {
	const text = body.toLowerCase();
	const keyed = people.flatMap((person) => keysOf(person).map((key) => ({ key, person }))).sort((a, b) => b.key.length - a.key.length);
	const found: T[] = [];
	for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
		// an address's own "@" (dana@district.example) is not a mention
		if (at > 0 && WORD_CHAR.test(text[at - 1])) continue;
		const rest = text.slice(at + 1);
		const longest = keyed.find(({ key }) => rest.startsWith(key) && !WORD_CHAR.test(rest.charAt(key.length)));
		if (!longest) continue;
		for (const { key, person } of keyed) {
			if (key === longest.key && !found.includes(person)) found.push(person);
		}
	}
	return found;
}

/** Whether the body has an `@` that starts a mention (for "nobody will be notified" hints). */
export function hasMentionSign(body: string): boolean {
	return /(^|[^\p{L}\p{N}_])@\S/u.test(body);
}
