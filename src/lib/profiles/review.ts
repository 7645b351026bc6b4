import type { ReviewStepKind } from './types';

/**
 * A review opens this many days before it is due (and stays open while overdue): counsel can
 * confirm it from then, and the public page takes comments from then.
 */
export const REVIEW_WINDOW_DAYS = 90;

/** The steps a review can record, in the order they usually happen, with what each needs. Pure. */
export const REVIEW_STEPS: readonly { kind: ReviewStepKind; label: string; needs: string }[] = [
	{ kind: 'public_notice', label: 'Public notice and meeting', needs: 'the date notice was given, where, and the date of the public meeting' },
	{ kind: 'community_input', label: 'Community input', needs: 'when input closed, how many comments were received, and a summary of them' },
	{ kind: 'data_report', label: 'Data report for the year', needs: 'the report as a file, or its figures (arrests, citations, uses of force, complaints)' },
	{ kind: 'board_adoption', label: 'Board adoption', needs: 'the date, the resolution number and the signed resolution or minutes as a file' }
];

export function stepLabel(kind: ReviewStepKind): string {
	return REVIEW_STEPS.find((s) => s.kind === kind)?.label ?? kind;
}

/** Required steps with no recorded entry, in the usual order. */
export function missingSteps(required: readonly ReviewStepKind[], recorded: Iterable<ReviewStepKind>): ReviewStepKind[] {
	const done = new Set(recorded);
	return REVIEW_STEPS.map((s) => s.kind).filter((kind) => required.includes(kind) && !done.has(kind));
}
