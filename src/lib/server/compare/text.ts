import * as Y from 'yjs';
import { DELETION, INSERTION } from '../../redlines/types';
import { fromMark, markAttrs, UNKNOWN, type ClientDirectory } from './attribution';
import type { Attribution, Change, CompareRun } from '../../compare/types';

/** Character formatting the compare view shows; suggestion marks become the change itself. */
const SHOWN_MARKS = ['bold', 'italic', 'underline', 'strike', 'code'];

export interface WalkContext {
	/** The older version; the newer one is the document walked (visible = not deleted). */
	before: Y.Snapshot;
	directory: ClientDirectory;
}

/** Present in a snapshot: written before it was taken and not yet deleted then (as Yjs's isVisible). */
export function visibleIn(item: Y.Item, snapshot: Y.Snapshot): boolean {
	return (snapshot.sv.get(item.id.client) ?? -1) > item.id.clock && !Y.isDeleted(snapshot.ds, item.id);
}

type Formats = Map<string, unknown>;

/**
 * Appends the runs of one Y.XmlText, text present in either version. Formatting is tracked for
 * each version separately: removed text is described by its formatting in the older version
 * (its deletion mark may be gone since), everything else by the newer one.
 */
export function textRuns(text: Y.XmlText, ctx: WalkContext, out: CompareRun[]): void {
	const formats: Formatting = { now: new Map(), then: new Map(), ever: new Map() };
	// How a piece reads depends only on the formatting so far, which version(s) have it and,
	// for added or removed text, its client: remembered, as long texts hold thousands of items.
	let formatting = 0;
	let lastKey = '';
	let look: Classified | null = null;
	for (let item = text._start; item; item = item.right) {
		const inNewer = !item.deleted;
		const inOlder = visibleIn(item, ctx.before);
		const content = item.content;
		if (content instanceof Y.ContentFormat) {
			formatting++;
			applyFormat(formats.ever, content);
			if (inNewer) applyFormat(formats.now, content);
			if (inOlder) applyFormat(formats.then, content);
		} else if (content instanceof Y.ContentString && (inNewer || inOlder)) {
			const key = inNewer && inOlder ? `${formatting}` : `${formatting}:${inNewer}:${item.id.client}`;
			if (key !== lastKey || !look) {
				look = classify(item, inNewer, inOlder, formats, ctx);
				lastKey = key;
			}
			pushRun(out, content.str, look);
		}
	}
}

function applyFormat(formats: Formats, format: Y.ContentFormat): void {
	if (format.value === null) formats.delete(format.key);
	else formats.set(format.key, format.value);
}

type Classified = Attribution & { change: Change; pending?: boolean; marks?: string[] };

interface Formatting {
	now: Formats;
	then: Formats;
	ever: Formats;
}

function classify(item: Y.Item, inNewer: boolean, inOlder: boolean, formats: Formatting, ctx: WalkContext): Classified {
	const { now, then } = formats;
	if (!inOlder) {
		// Added: whoever wrote the item (server-bound), else the insertion mark it carries.
		const insertion = markAttrs(now.get(INSERTION));
		const who = ctx.directory.client(item.id.client) ?? (insertion ? fromMark(insertion) : UNKNOWN);
		return { ...who, change: 'added', pending: insertion !== null || undefined, marks: shown(now) };
	}
	if (!inNewer) return { ...removedBy(item, formats, ctx), change: 'removed', marks: shown(then) };
	// In both: a deletion proposed since the older version is the change this text shows.
	const deletion = markAttrs(now.get(DELETION));
	if (deletion && deletion.id !== markAttrs(then.get(DELETION))?.id) {
		return { ...fromMark(deletion), change: 'removed', pending: true, marks: shown(now) };
	}
	return { party: null, change: null, marks: shown(now) };
}

/**
 * Yjs records no author for a deletion, so removed text is attributed by what it was: text that
 * was under a deletion mark (in the older version, or at some point since) was removed by
 * accepting that party's suggestion; a pending insertion that is gone was rejected or withdrawn
 * (mou_decisions says by whom) or taken back by its author. Other text can only be deleted
 * outright by the party drafting alone, i.e. the one that wrote it.
 */
function removedBy(item: Y.Item, { then, ever }: Formatting, ctx: WalkContext): Attribution {
	const deletion = markAttrs(then.get(DELETION)) ?? markAttrs(ever.get(DELETION));
	if (deletion) return fromMark(deletion);
	const insertion = markAttrs(then.get(INSERTION));
	if (insertion) return ctx.directory.undoneBy?.(insertion.id) ?? fromMark(insertion);
	return ctx.directory.client(item.id.client) ?? UNKNOWN;
}

function shown(formats: Formats): string[] | undefined {
	const marks = SHOWN_MARKS.filter((mark) => formats.has(mark));
	return marks.length ? marks : undefined;
}

/** Joins text onto the previous run when nothing but the text differs (fewer, longer runs). */
export function pushRun(out: CompareRun[], text: string, look: Omit<CompareRun, 'text'>): void {
	const last = out[out.length - 1];
	if (last && !last.term && !last.break && !look.term && !look.break && sameLook(last, look)) last.text += text;
	else out.push({ text, ...look });
}

function sameLook(a: Omit<CompareRun, 'text'>, b: Omit<CompareRun, 'text'>): boolean {
	return a.change === b.change && a.party === b.party && a.author === b.author && a.pending === b.pending && (a.marks ?? []).join() === (b.marks ?? []).join();
}
