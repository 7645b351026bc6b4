import { describe, expect, it } from 'vitest';
import { pruneBlankTerms } from '../../src/lib/server/export/docx/prune';
import type { Segment } from '../../src/lib/server/export/docx/inline';

/** A clean or signed copy never prints a blank optional term's label: its sentence goes instead. */

const t = (text: string): Segment => ({ kind: 'text', text, marks: {} as never });
const term = (key: string): Segment => ({ kind: 'term', key });
const values: Record<string, string> = { district_name: 'Springfield USD', clerk_name: 'Janet Cole' };
const optional = new Set(['board_approval_date', 'clerk_name', 'clerk_title']);
const prune = (segments: Segment[]) =>
	pruneBlankTerms(
		segments,
		(k) => optional.has(k) && !values[k],
		(k) => optional.has(k)
	);
const read = (segments: Segment[] | null) => segments?.map((s) => (s.kind === 'text' ? s.text : `{${s.kind === 'term' ? s.key : ''}}`)).join('') ?? null;

describe('blank optional terms in a clean copy', () => {
	it('drop their sentence and keep the others', () => {
		const paragraph = [t('The Board approved this MOU. It did so on '), term('board_approval_date'), t('. Notices go to '), term('district_name'), t('.')];
		expect(read(prune(paragraph))).toBe('The Board approved this MOU. Notices go to {district_name}.');
	});

	it('drop the paragraph when its only sentence goes', () => {
		expect(prune([t('Approved by the Board of '), term('district_name'), t(' on '), term('board_approval_date'), t('.')])).toBeNull();
	});

	it('beside a filled optional term, only the blank one and its comma go', () => {
		expect(read(prune([term('clerk_name'), t(', '), term('clerk_title')]))).toBe('{clerk_name}');
	});

	it('leave a paragraph with no blank optional term as it is', () => {
		const paragraph = [t('Entered into by '), term('district_name'), t('.')];
		expect(prune(paragraph)).toEqual(paragraph);
	});
});
