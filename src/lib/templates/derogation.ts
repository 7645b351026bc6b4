/**
 * Derogation language: words by which a clause sets another aside, in whole or in part
 * ("in lieu of", "does not apply", "notwithstanding", "except that" …). Added or edited text that
 * uses it about a locked subject tries to do what the order-of-precedence clause forbids, so the
 * compliance check treats it as a blocker (see `lockedSubjectTouches`). Pure.
 */

/** Each pattern runs on `normaliseForMatching` text, so hyphens, quotes and spacing are plain. */
const DEROGATION: RegExp[] = [
	/\bnotwithstanding\b/,
	/\bsupersed\w*/,
	/\bin (place|lieu|substitution) of\b/,
	/\binstead of\b/,
	/\btakes? the place of\b/,
	/\bprevail\w*/,
	/\boverrid\w*/,
	/\b(takes?|taking|has|have|given?) (precedence|priority)\b/,
	/\bdespite\b/,
	/\bregardless of\b/,
	/\bcontrols? over\b/,
	/\bwaiv\w*/,
	/\bexempt\w*/,
	/\bexceptions? (to|from)\b/,
	/\bexcept (that|as|where|when|at|for|during|with|if|in the case)\b/,
	/\bsave (that|as|where|for)\b/,
	/\bother than as\b/,
	/\bprovided,? however\b/,
	/\b(shall|does|do|will|is|are|would|should|must|need|may) ?(not|n't) (apply|be applied|govern|bind|be binding|control|be enforced|extend|be applicable|have effect)\b/,
	/\b(doesn't|don't|won't|isn't|aren't|shan't) (apply|govern|bind|control|extend)\b/,
	/\b(no longer|never|not|only) appl(y|ies)\b/,
	/\bappl(y|ies) only\b/,
	/\b(in|non ?)applica\w*/,
	/\bnot applicable\b/,
	/\b(ceases?|cease) to (apply|govern|have effect)\b/,
	/\bnot bound by\b/,
	/\bneed not\b/,
	/\b(is|are|be|shall be) not required\b/,
	/\b(is|are|be) (hereby )?(suspended|void(ed)?|amended|modified|disapplied|excluded|deleted|struck|rescinded|revoked|inoperative|disregarded|limited to|of no (force|effect))\b/,
	/\b(has|have|shall have|is of) no (force|effect|application)\b/,
	/\bderogat\w*/,
	/\bcarve[- ]?outs?\b/,
	/\bset aside\b/,
	/\bdisregard\w*/,
	/\bopts? out\b/
];

/** Characters that hide words from a pattern without changing what a reader sees. */
const INVISIBLE = /\u034F|[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;

/**
 * Text as a reader sees it, for matching: compatibility forms folded (NFKC: full-width letters,
 * ligatures), invisible characters removed, curly quotes and dashes made plain, spacing collapsed,
 * lower case. Hyphens become spaces, so "decision-to-arrest" reads as "decision to arrest".
 */
export function normaliseForMatching(text: string): string {
	return text
		.normalize('NFKC')
		.replace(INVISIBLE, '')
		.replace(/[\u2018\u2019\u02BC\u2032`]/g, "'")
		.replace(/[\u2010-\u2015\u2212-]/g, ' ')
		.replace(/\s+/g, ' ')
		.toLowerCase()
		.trim();
}

/** The first derogating phrase in `text` (already normalised), or null. */
export function derogationIn(normalised: string): string | null {
	for (const pattern of DEROGATION) {
		const match = pattern.exec(normalised);
		if (match) return match[0];
	}
	return null;
}
