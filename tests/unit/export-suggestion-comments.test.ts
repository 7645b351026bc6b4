import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStoredMou } from '../../src/lib/document';
import { renderRedlineDocx } from '../../src/lib/server/export/render';
import type { ExportThread } from '../../src/lib/server/export/types';
import { exportContext, negotiatedState, runTexts, unpack } from './export-fixtures';

/**
 * Threads on suggestions in the redline: each sits on its own tracked change (text or term), a
 * thread whose suggestion is gone (decided) is left out, and LibreOffice reads them back as
 * comments anchored on that change.
 */

const work = mkdtempSync(join(tmpdir(), 'mou-suggestion-comments-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const at = (minute: number) => new Date(`2026-02-05T08:${String(minute).padStart(2, '0')}:00Z`);
const threads: ExportThread[] = [
	{
		id: 't-ins',
		quote: '',
		resolved: false,
		suggestionId: 'ins1',
		comments: [
			{ authorName: 'Elena Brooks', party: 'district', body: 'Why “promptly”?', createdAt: at(0) },
			{ authorName: 'Dana Whitfield', party: 'agency', body: 'Response times are in the state rule.', createdAt: at(5) }
		]
	},
	{
		id: 't-term',
		quote: '',
		resolved: false,
		suggestionId: 'prop1',
		comments: [{ authorName: 'Dana Whitfield', party: 'agency', body: 'Why shorten our name?', createdAt: at(10) }]
	},
	{
		id: 't-gone',
		quote: '',
		resolved: false,
		suggestionId: 'decided-long-ago',
		comments: [{ authorName: 'Dana Whitfield', party: 'agency', body: 'About a decided change', createdAt: at(15) }]
	}
];

const stripMarkers = (xml: string) => xml.replace(/<w:commentRange(Start|End) w:id="\d+"\/>/g, '');

describe('suggestion threads in the redline DOCX', () => {
	it('sit on their own change, replies in the thread; a decided suggestion’s thread is left out', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads });
		const parts = unpack(file.bytes);
		const comments = [...parts['word/comments.xml'].matchAll(/<w:comment w:id="(\d+)"[^>]*>(.*?)<\/w:comment>/g)].map((m) => ({
			id: m[1],
			text: runTexts(m[2])
		}));
		expect(comments.map((c) => c.text)).toEqual(['Why “promptly”?', 'Response times are in the state rule.', 'Why shorten our name?']);
		expect(file.comments).toBe(3);
		const xml = parts['word/document.xml'];
		const around = (id: string) => stripMarkers(new RegExp(`<w:commentRangeStart w:id="${id}"/>(.*?)<w:commentRangeEnd w:id="${id}"/>`).exec(xml)?.[1] ?? '');
		expect(around(comments[0].id)).toMatch(/^<w:ins [^>]*w:author="Dana Whitfield[^>]*><w:r>.*?promptly /);
		expect(runTexts(around(comments[0].id))).toBe('promptly ');
		expect(runTexts(around(comments[1].id))).toBe('promptly ');
		// The term proposal: the current value struck and the proposed one inserted, both inside the comment.
		expect(around(comments[2].id)).toMatch(/^<w:del [^>]*>.*<w:ins [^>]*>.*Springfield PD/);
		expect(parts['word/document.xml']).toContain('2 shared comment threads');
	});

	it('are read back by LibreOffice as comments on the change, with the replies', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads });
		writeFileSync(join(work, 'redline.docx'), file.bytes);
		execFileSync(
			'soffice',
			[`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'fodt', '--outdir', work, join(work, 'redline.docx')],
			{ stdio: 'pipe', timeout: 110_000 }
		);
		const fodt = readFileSync(join(work, 'redline.fodt'), 'utf8');
		const plain = (xml: string) => xml.replace(/<office:annotation .*?<\/office:annotation>/gs, '').replace(/<[^>]+>/g, '');
		// Each annotation with its author, its text, and the document text between it and its end.
		const annotations = [...fodt.matchAll(/<office:annotation office:name="([^"]+)"[^>]*>(.*?)<\/office:annotation>/gs)].map((m) => ({
			creator: /<dc:creator>(.*?)<\/dc:creator>/.exec(m[2])?.[1] ?? '',
			text: /<text:p>(.*?)<\/text:p>/.exec(m[2])?.[1] ?? '',
			range: plain(
				new RegExp(`office:name="${m[1]}"[^>]*>.*?</office:annotation>(.*?)<office:annotation-end office:name="${m[1]}"/>`, 's').exec(fodt)?.[1] ?? ''
			)
		}));
		const byText = Object.fromEntries(annotations.map((a) => [a.text, a]));
		expect(Object.keys(byText).sort()).toEqual(['Response times are in the state rule.', 'Why shorten our name?', 'Why “promptly”?']);
		expect(byText['Why “promptly”?']).toMatchObject({ creator: expect.stringMatching(/^Elena Brooks \(/), range: 'promptly ' });
		expect(byText['Response times are in the state rule.']).toMatchObject({ creator: expect.stringMatching(/^Dana Whitfield \(/), range: 'promptly ' });
		// The term proposal's comment spans the struck value and the proposed one.
		expect(byText['Why shorten our name?'].range).toMatch(/Springfield Police Department\s*Springfield PD/);
		// Both are tracked changes LibreOffice knows (the comments sit inside them, not beside them).
		expect(fodt).toMatch(/<text:change-start [^>]*\/><office:annotation office:name="[^"]+"[^>]*>\s*<dc:creator>Dana Whitfield/);
		expect(fodt).not.toContain('About a decided change');
	}, 120_000);
});
