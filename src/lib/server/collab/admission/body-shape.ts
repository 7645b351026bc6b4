import * as Y from 'yjs';
import type { NodeType } from '@tiptap/pm/model';
import { CloseCode } from '../../../collab/protocol';
import { BODY_FIELD } from '../../../document';
import { documentSchema } from '../../../editor/schema';
import type { DecodedStruct, StagedRuns } from '../guard';
import type { Placement, PlacementResolver } from '../guard/placement';
import { structAt } from '../guard/update-structs';
import { attributeProblem, contentProblem, markProblem, TouchedNodes } from './body-content';
import { newItems, placementsOf } from './placements';
import type { AdmissionCheck, ProposedChange, Refusal } from './types';

/**
 * The body is what y-prosemirror writes for the document schema, and nothing else: an element's
 * and the root fragment's children are elements of a schema node allowed there, or a Y.XmlText
 * where the node holds text; text, and formats of the schema's marks, only inside a Y.XmlText;
 * attributes only on elements, as plain values. Anything else makes every reader of the stored
 * document throw (`yXmlFragmentToProsemirrorJSON`: "Unexpected case") and every editor drop or
 * delete the node it cannot build. The term roots are the lock guard's (one string per key).
 * Server changes are held to it too: they are built with y-prosemirror's own writer.
 */
export const bodyShape: AdmissionCheck = (change, { doc, stagedBytes }) => {
	const { intake, candidate } = change;
	const touched = new TouchedNodes(doc, stagedBytes);
	const staged = candidate.bytes === intake.bytes ? candidate.staged : null;
	const problem = staged !== null ? afterStagedProblem(change, staged, doc, touched) : newItemsProblem(change, doc, touched);
	if (problem) return refused(problem);
	const pendingDeletes = intake.decoded.ds.clients.size > 0 && touched.deletions(intake.decoded.ds, doc);
	const content = contentProblem(change, doc, touched, pendingDeletes, () => placementsOf(intake, doc));
	if (content) return refused(content);
	touched.passed();
	return null;
};

function newItemsProblem({ intake }: ProposedChange, doc: Y.Doc, touched: TouchedNodes): string | null {
	const placements = placementsOf(intake, doc);
	for (const item of newItems(intake, placements)) {
		const problem = itemProblem(item, placements, touched, doc);
		if (problem) return problem;
	}
	return null;
}

function itemProblem(item: Y.Item, placements: PlacementResolver, touched: TouchedNodes, doc: Y.Doc): string | null {
	if (item.content instanceof Y.ContentDeleted) return null;
	const placement = placements.placementOf(item);
	return placement === null ? null : shapeProblem(item, placement, placements, touched, doc); // null: Yjs discards it (a collected neighbour or parent)
}

/**
 * A keystroke that builds on keystrokes still being stored: typed beside text that was admitted
 * (so it is inside that Y.XmlText), it needs no placement; anything else is placed after the
 * staged structs, as the lock guard lays the candidate out.
 */
function afterStagedProblem({ intake }: ProposedChange, staged: StagedRuns, doc: Y.Doc, touched: TouchedNodes): string | null {
	let placements: PlacementResolver | null = null;
	for (const struct of intake.decoded.structs) {
		if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
		const beside = struct.content instanceof Y.ContentString || struct.content instanceof Y.ContentFormat ? textBeside(struct, staged, doc.store) : null;
		let problem: string | null;
		if (beside !== null && (struct.content instanceof Y.ContentString || beside.holder !== undefined))
			problem = textContentProblem(struct.content, beside.holder ?? null);
		else {
			placements ??= placementsOf(intake, doc); // placed after the staged structs
			problem = itemProblem(struct, placements, touched, doc);
		}
		if (problem) return problem;
	}
	return null;
}

/**
 * The item's neighbour (where Yjs takes its parent from) is admitted text or a format; `holder`:
 * the node that text is in, when the neighbour is integrated (undefined while it is only staged).
 */
function textBeside(item: Y.Item, staged: StagedRuns, store: Y.Doc['store']): { holder: string | null | undefined } | null {
	const id = item.origin ?? item.rightOrigin;
	const neighbour = id === null ? undefined : structAt(id, staged as Map<number, DecodedStruct[]>, store);
	if (!(neighbour instanceof Y.Item) || !(neighbour.content instanceof Y.ContentString || neighbour.content instanceof Y.ContentFormat)) return null;
	if (id!.clock >= Y.getState(store, id!.client)) return { holder: undefined };
	return { holder: nodeAbove(neighbour.parent as Y.XmlText) };
}

/** The node an integrated Y.XmlText is in. */
function nodeAbove(text: { _item: Y.Item | null }): string | null {
	const above = text._item?.parent;
	return above instanceof Y.XmlElement ? above.nodeName : null;
}

/** What an item holds (Yjs does not export its AbstractContent). */
type Content = Y.Item['content'];

const refused = (reason: string): Refusal => ({ code: CloseCode.updateRefused, reason: `${reason}; the document cannot hold it` });

/** What each node may hold, from its content expression: child node names ('text' for a Y.XmlText). */
const CHILDREN = new Map<string, ReadonlySet<string>>(Object.values(documentSchema.nodes).map((type) => [type.name, childNames(type)]));
const MARKS = new Set(Object.keys(documentSchema.marks));
/** y-prosemirror keys a mark that may overlap itself as `name--<8 characters of its hash>`. */
const HASHED_MARK = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

function childNames(type: NodeType): ReadonlySet<string> {
	const names = new Set<string>();
	const seen = new Set<unknown>();
	const todo = [type.contentMatch];
	while (todo.length > 0) {
		const match = todo.pop()!;
		if (seen.has(match)) continue;
		seen.add(match);
		for (let i = 0; i < match.edgeCount; i++) {
			const edge = match.edge(i);
			names.add(edge.type.name);
			todo.push(edge.next);
		}
	}
	return names;
}

function shapeProblem(item: Y.Item, placement: Placement, placements: PlacementResolver, touched: TouchedNodes, doc: Y.Doc): string | null {
	const { parent, root, parentSub } = placement;
	if (root !== null && root !== BODY_FIELD) return null; // a term root: the lock guard judges it
	const node = root === BODY_FIELD ? documentSchema.topNodeType.name : parent instanceof Y.XmlElement ? parent.nodeName : null;
	if (parent instanceof Y.XmlText)
		return parentSub === null ? textContentProblem(item.content, textHolder(parent, placement, placements)) : 'sets an attribute on text';
	if (node === null) return parent instanceof Y.XmlFragment || parent instanceof Y.XmlHook ? 'writes inside content that is not a node' : null;
	if (parentSub !== null) {
		if (root !== null) return 'sets an attribute on the document';
		if (!(item.content instanceof Y.ContentAny)) return `sets the ${parentSub} of a ${node} to something that is not a value`;
		return attributeProblem(node, parentSub, item.content.getContent()[0]);
	}
	const content = item.content;
	if (!(content instanceof Y.ContentType)) return `puts ${describe(content)} directly inside a ${node}, outside any text`;
	const child = content.type instanceof Y.XmlText ? 'text' : content.type instanceof Y.XmlElement ? content.type.nodeName : null;
	if (child === null) return `puts a ${content.type.constructor.name} inside a ${node}`;
	if (child !== 'text' && !CHILDREN.has(child)) return `adds a ${shortName(child)} node, which the document does not know`;
	if (!CHILDREN.get(node)?.has(child)) return child === 'text' ? `puts text directly inside a ${node}` : `puts a ${child} inside a ${node}`;
	touched.added(item, placement, node, doc);
	return null;
}

/** The node a Y.XmlText is in, integrated or new. */
function textHolder(text: Y.XmlText, placement: Placement, placements: PlacementResolver): string | null {
	if (!placement.parentIsNew) return nodeAbove(text);
	const above = placement.parentItem === null ? null : placements.placementOf(placement.parentItem);
	return above?.parent instanceof Y.XmlElement ? above.parent.nodeName : null;
}

/** Inside a Y.XmlText in the node `holder`: characters, and the formats of the schema's marks that node allows. */
function textContentProblem(content: Content, holder: string | null): string | null {
	if (content instanceof Y.ContentString) return null;
	if (content instanceof Y.ContentFormat) {
		const mark = HASHED_MARK.exec(content.key)?.[1] ?? content.key;
		return MARKS.has(mark) ? markProblem(holder, mark, content.value) : `formats text with ${shortName(mark)}, which is no mark of the document`;
	}
	return `puts ${describe(content)} inside text`;
}

function describe(content: Content): string {
	if (content instanceof Y.ContentString) return 'characters';
	if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) return 'raw values';
	if (content instanceof Y.ContentEmbed) return 'an embedded object';
	if (content instanceof Y.ContentFormat) return 'a format';
	if (content instanceof Y.ContentType) return `a ${content.type.constructor.name}`;
	return 'unknown content';
}

function shortName(name: string): string {
	return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
