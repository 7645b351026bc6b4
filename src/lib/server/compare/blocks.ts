import * as Y from 'yjs';
import { documentSchema } from '../../editor/schema';
import { UNKNOWN } from './attribution';
import { pushRun, textRuns, visibleIn, type WalkContext } from './text';
import type { Attribution, Change, CompareBlock, CompareRun } from '../../compare/types';

/** How an inline node (a fill-in term, a line break) reads in the compare view. */
export interface InlineContext extends WalkContext {
	termText(key: string): string;
}

const isTextblock = (type: string) => documentSchema.nodes[type]?.isTextblock ?? false;

/**
 * The blocks under a fragment or element that exist in either version, in document order.
 * Walks the item list rather than toArray(): deleted children are kept (gc: false) and are
 * exactly the blocks the older version had and the newer one removed.
 */
export function blocksOf(parent: Y.XmlFragment | Y.XmlElement, ctx: InlineContext): CompareBlock[] {
	const blocks: CompareBlock[] = [];
	for (let item = parent._start; item; item = item.right) {
		const change = changeOf(item, ctx);
		if (change === undefined || !(item.content instanceof Y.ContentType)) continue;
		const node = item.content.type;
		if (node instanceof Y.XmlElement) blocks.push(blockOf(node, item, change, ctx));
	}
	return blocks;
}

/** undefined: in neither version (added and removed again in between). */
function changeOf(item: Y.Item, ctx: WalkContext): Change | undefined {
	const inNewer = !item.deleted;
	const inOlder = visibleIn(item, ctx.before);
	if (inNewer && inOlder) return null;
	if (inNewer) return 'added';
	return inOlder ? 'removed' : undefined;
}

function blockOf(element: Y.XmlElement, item: Y.Item, change: Change, ctx: InlineContext): CompareBlock {
	const type = element.nodeName;
	// A removed element's attributes were deleted with it: read them as the older version had them.
	const attrs = change === 'removed' ? Y.typeMapGetAllSnapshot(element, ctx.before) : element.getAttributes();
	const block: CompareBlock = { type, attrs, change, party: null, children: [], runs: [] };
	if (isTextblock(type)) block.runs = inlineOf(element, ctx);
	else block.children = blocksOf(element, ctx);
	if (change) Object.assign(block, blockAuthor(block, item, ctx));
	return block;
}

function inlineOf(element: Y.XmlElement, ctx: InlineContext): CompareRun[] {
	const runs: CompareRun[] = [];
	for (let item = element._start; item; item = item.right) {
		const change = changeOf(item, ctx);
		if (change === undefined || !(item.content instanceof Y.ContentType)) continue;
		const node = item.content.type;
		if (node instanceof Y.XmlText) textRuns(node, ctx, runs);
		else if (node instanceof Y.XmlElement) {
			const who = change ? (ctx.directory.client(item.id.client) ?? UNKNOWN) : UNKNOWN;
			const { text, ...inline } = inlineNode(node, change, ctx);
			pushRun(runs, text, { ...inline, change, ...who });
		}
	}
	return attributeInline(runs);
}

/**
 * Terms cannot carry suggestion marks, so one added or removed along with the text around it
 * (a clause taken out) is put down to whoever changed that text.
 */
function attributeInline(runs: CompareRun[]): CompareRun[] {
	runs.forEach((run, i) => {
		if (!run.change || run.party || !(run.term || run.break)) return;
		const near = [...runs.slice(0, i).reverse(), ...runs.slice(i + 1)].find((r) => r.change === run.change && r.party);
		if (near) Object.assign(run, { party: near.party, author: near.author });
	});
	return runs;
}

function inlineNode(node: Y.XmlElement, change: Change, ctx: InlineContext): Pick<CompareRun, 'text' | 'term' | 'break'> {
	if (node.nodeName === 'hardBreak') return { text: '\n', break: true };
	const attrs = change === 'removed' ? Y.typeMapGetAllSnapshot(node, ctx.before) : node.getAttributes();
	if (node.nodeName === 'term' && typeof attrs.key === 'string') return { text: ctx.termText(attrs.key), term: attrs.key };
	// Compare shows what a reference points at by id; numbers depend on the side's layout.
	if (node.nodeName === 'clauseRef' && typeof attrs.target === 'string') return { text: `[${attrs.target}]` };
	return { text: '' };
}

/**
 * A whole block added or removed: attributed like the text inside it (which accounts for
 * suggestion marks), else by the client that created the element.
 */
function blockAuthor(block: CompareBlock, item: Y.Item, ctx: WalkContext): Attribution {
	if (block.change === 'added') return ctx.directory.client(item.id.client) ?? firstAuthor(block) ?? UNKNOWN;
	return firstAuthor(block) ?? ctx.directory.client(item.id.client) ?? UNKNOWN;
}

function firstAuthor(block: CompareBlock): Attribution | null {
	const run = block.runs.find((r) => r.change === block.change && r.party);
	if (run) return { party: run.party, author: run.author };
	for (const child of block.children) {
		const found = child.party ? { party: child.party, author: child.author } : firstAuthor(child);
		if (found) return found;
	}
	return null;
}
