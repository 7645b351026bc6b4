import * as Y from 'yjs';
import type { NodeType } from '@tiptap/pm/model';
import { CloseCode } from '../../../collab/protocol';
import { BODY_FIELD } from '../../../document';
import { documentSchema } from '../../../editor/schema';
import type { DecodedStruct, StagedRuns } from '../guard';
import type { Placement, PlacementResolver } from '../guard/placement';
import { structAt } from '../guard/update-structs';
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
export const bodyShape: AdmissionCheck = (change, { doc }) => {
	const { intake, candidate } = change;
	const staged = candidate.bytes === intake.bytes ? candidate.staged : null;
	if (staged !== null) return afterStagedProblem(change, staged, doc);
	const placements = placementsOf(intake, doc);
	for (const item of newItems(intake, placements)) {
		const problem = itemProblem(item, placements);
		if (problem) return refused(problem);
	}
	return null;
};

function itemProblem(item: Y.Item, placements: PlacementResolver): string | null {
	if (item.content instanceof Y.ContentDeleted) return null;
	const placement = placements.placementOf(item);
	return placement === null ? null : shapeProblem(item, placement); // null: Yjs discards it (a collected neighbour or parent)
}

/**
 * A keystroke that builds on keystrokes still being stored: typed beside text that was admitted
 * (so it is inside that Y.XmlText), it needs no placement; anything else is placed after the
 * staged structs, as the lock guard lays the candidate out.
 */
function afterStagedProblem({ intake }: ProposedChange, staged: StagedRuns, doc: Y.Doc): Refusal | null {
	let placements: PlacementResolver | null = null;
	for (const struct of intake.decoded.structs) {
		if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
		const text = struct.content instanceof Y.ContentString || struct.content instanceof Y.ContentFormat;
		let problem: string | null;
		if (text && besideText(struct, staged, doc.store)) problem = textContentProblem(struct.content);
		else {
			placements ??= placementsOf(intake, doc); // placed after the staged structs
			problem = itemProblem(struct, placements);
		}
		if (problem) return refused(problem);
	}
	return null;
}

/** The item's neighbour (where Yjs takes its parent from) is admitted text or a format. */
function besideText(item: Y.Item, staged: StagedRuns, store: Y.Doc['store']): boolean {
	const id = item.origin ?? item.rightOrigin;
	const neighbour = id === null ? undefined : structAt(id, staged as Map<number, DecodedStruct[]>, store);
	return neighbour instanceof Y.Item && (neighbour.content instanceof Y.ContentString || neighbour.content instanceof Y.ContentFormat);
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

function shapeProblem(item: Y.Item, { parent, root, parentSub }: Placement): string | null {
	if (root !== null && root !== BODY_FIELD) return null; // a term root: the lock guard judges it
	const node = root === BODY_FIELD ? documentSchema.topNodeType.name : parent instanceof Y.XmlElement ? parent.nodeName : null;
	if (parent instanceof Y.XmlText) return parentSub === null ? textContentProblem(item.content) : 'sets an attribute on text';
	if (node === null) return parent instanceof Y.XmlFragment || parent instanceof Y.XmlHook ? 'writes inside content that is not a node' : null;
	if (parentSub !== null) {
		if (root !== null) return 'sets an attribute on the document';
		return item.content instanceof Y.ContentAny ? null : `sets the ${parentSub} of a ${node} to something that is not a value`;
	}
	const content = item.content;
	if (!(content instanceof Y.ContentType)) return `puts ${describe(content)} directly inside a ${node}, outside any text`;
	const child = content.type instanceof Y.XmlText ? 'text' : content.type instanceof Y.XmlElement ? content.type.nodeName : null;
	if (child === null) return `puts a ${content.type.constructor.name} inside a ${node}`;
	if (child !== 'text' && !CHILDREN.has(child)) return `adds a ${shortName(child)} node, which the document does not know`;
	if (!CHILDREN.get(node)?.has(child)) return child === 'text' ? `puts text directly inside a ${node}` : `puts a ${child} inside a ${node}`;
	return null;
}

/** Inside a Y.XmlText: characters, and the formats of the schema's marks. */
function textContentProblem(content: Content): string | null {
	if (content instanceof Y.ContentString) return null;
	if (content instanceof Y.ContentFormat) {
		const mark = HASHED_MARK.exec(content.key)?.[1] ?? content.key;
		return MARKS.has(mark) ? null : `formats text with ${shortName(mark)}, which is no mark of the document`;
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
