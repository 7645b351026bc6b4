import type { Node as PMNode } from '@tiptap/pm/model';
import type { Decoration, NodeView, ViewMutationRecord } from '@tiptap/pm/view';
import type { TermValues } from './term-values';
import { decoratedSpec } from './numbering';
import type { OptionalBlocks } from './optional-blocks';

/**
 * Plain-DOM node views. The clause title and badges live in a non-editable header so that
 * nobody types into them; the clause text is the contentDOM ProseMirror manages.
 */

const LOCK_ICON =
	'<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path fill="currentColor" d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z"/></svg>';

export function nasroIds(nasro: unknown): string[] {
	return typeof nasro === 'string' ? nasro.split(/\s+/).filter(Boolean) : [];
}

/** "NASRO 01.01.04-a" / "NASRO 01.01.03, 01.01.04"; empty when the clause cites nothing. */
export function nasroCitation(nasro: unknown): string {
	const ids = nasroIds(nasro);
	return ids.length ? `NASRO ${ids.join(', ')}` : '';
}

export function lockLabel(nasro: unknown): string {
	const cite = nasroCitation(nasro);
	return cite ? `Locked — ${cite}` : 'Locked';
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	el.className = className;
	if (text !== undefined) el.textContent = text;
	return el;
}

export interface ClauseActions {
	/** Removes this clause from the draft; offered for clauses that are not locked. */
	remove(node: PMNode): void;
	/** True while negotiating: removing then marks the clause's text as a suggested deletion. */
	suggesting?(): boolean;
}

export class ClauseView implements NodeView {
	readonly dom: HTMLElement;
	readonly contentDOM: HTMLElement;
	private readonly header: HTMLElement;
	private node: PMNode;
	/** "3.2", from the numbering plugin's decoration. */
	private number: string;
	/** The term this optional block waits for, and how to stop listening to it. */
	private condition: string | null = null;
	private stopListening: () => void = () => {};

	constructor(
		node: PMNode,
		private readonly actions?: ClauseActions,
		decorations: readonly Decoration[] = [],
		private readonly blocks?: OptionalBlocks
	) {
		this.node = node;
		this.number = decoratedSpec(decorations, 'number') ?? '';
		this.dom = element('section', 'clause');
		this.header = element('header', 'clause-header');
		this.header.contentEditable = 'false';
		this.contentDOM = element('div', 'clause-body');
		this.dom.append(this.header, this.contentDOM);
		this.render();
	}

	update(node: PMNode, decorations: readonly Decoration[] = []): boolean {
		if (node.type !== this.node.type) return false;
		const number = decoratedSpec(decorations, 'number') ?? '';
		const changed = node.attrs !== this.node.attrs || number !== this.number;
		this.node = node;
		this.number = number;
		if (changed) this.render();
		return true;
	}

	/** Only the editable body is ProseMirror's business; header changes are ours. */
	ignoreMutation(mutation: ViewMutationRecord): boolean {
		if (mutation.type === 'selection') return false;
		return !this.contentDOM.contains(mutation.target);
	}

	/** Clicks on the header's buttons are the button's, not ProseMirror's. */
	stopEvent(event: Event): boolean {
		return event.target instanceof Element && Boolean(event.target.closest('.clause-remove, .clause-add-signer'));
	}

	destroy(): void {
		this.stopListening();
	}

	/** An optional block whose signer's term is empty prints nothing: its text is folded away. */
	private unprintedTerm(clauseId: string): string | null {
		const key = this.blocks?.conditionOf(clauseId) ?? null;
		if (key !== this.condition) {
			this.stopListening();
			this.condition = key;
			this.stopListening = key && this.blocks ? this.blocks.values.subscribe(key, () => this.render()) : () => {};
		}
		return key !== null && !this.blocks!.values.display(key).filled ? key : null;
	}

	private render(): void {
		const { clauseId, title, level, nasro, locked } = this.node.attrs;
		const dom = this.dom;
		const unprinted = this.unprintedTerm(String(clauseId ?? ''));
		dom.classList.toggle('clause--unprinted', unprinted !== null);
		this.contentDOM.hidden = unprinted !== null;
		dom.dataset.clauseId = clauseId ?? '';
		dom.dataset.level = level;
		dom.dataset.locked = locked ? 'true' : 'false';
		dom.dataset.nasro = nasro ?? '';
		dom.classList.toggle('clause--locked', Boolean(locked));
		dom.setAttribute('aria-label', title ? `Clause: ${title}` : 'Clause');
		this.header.replaceChildren(...this.headerParts(String(title ?? ''), String(level), nasro, Boolean(locked)));
		if (unprinted) this.header.append(...this.signerPrompt(unprinted, String(title ?? '')));
	}

	private signerPrompt(key: string, title: string): HTMLElement[] {
		const label = this.blocks!.values.display(key).label;
		const note = element('span', 'clause-optional', `Optional signature block — not printed until “${label}” is filled in.`);
		const button = element('button', 'clause-add-signer', 'Add this signer');
		button.type = 'button';
		button.setAttribute('aria-label', `Add this signer: ${title || label} (fill in “${label}”)`);
		button.addEventListener('click', () => this.blocks?.fill(key));
		return [note, button];
	}

	private headerParts(title: string, level: string, nasro: unknown, locked: boolean): HTMLElement[] {
		const parts: HTMLElement[] = [];
		const heading = element('span', 'clause-title', title || 'Untitled clause');
		heading.setAttribute('role', 'heading');
		heading.setAttribute('aria-level', '3');
		if (this.number) parts.push(element('span', 'clause-number', this.number));
		parts.push(heading);
		if (locked) {
			const label = lockLabel(nasro);
			const lock = element('span', 'clause-lock');
			lock.setAttribute('aria-label', label);
			lock.title = nasroCitation(nasro)
				? 'Standard language required by the national standards; nobody can change or remove it.'
				: 'Locked because the national-standards clauses rely on it; nobody can change or remove it.';
			lock.innerHTML = LOCK_ICON;
			lock.append(element('span', 'clause-lock-text', label));
			parts.push(lock);
		} else if (level === 'recommended') {
			const cite = nasroCitation(nasro);
			const badge = element('span', 'clause-badge clause-badge--recommended', cite ? `Recommended — ${cite}` : 'Recommended');
			parts.push(badge);
		} else if (level === 'custom') {
			parts.push(element('span', 'clause-badge clause-badge--custom', 'Added by the parties'));
		} else {
			const cite = nasroCitation(nasro);
			if (cite) parts.push(element('span', 'clause-cite', cite));
		}
		if (!locked && this.actions) parts.push(this.removeButton(title));
		return parts;
	}

	/**
	 * Quiet until wanted: the action shows when the pointer is over the clause or the button has
	 * focus (always on touch screens), so a page of clauses is not a column of red buttons. Its
	 * words follow the mode, read when shown: while negotiating, removal is a suggestion.
	 */
	private removeButton(title: string): HTMLElement {
		const button = element('button', 'clause-remove');
		button.type = 'button';
		const name = title || 'Untitled clause';
		const label = () => {
			const suggesting = this.actions?.suggesting?.() ?? false;
			button.textContent = suggesting ? 'Suggest removing' : 'Remove clause';
			button.setAttribute('aria-label', `${suggesting ? 'Suggest removing clause' : 'Remove clause'}: ${name}`);
		};
		label();
		for (const event of ['pointerenter', 'focus']) button.addEventListener(event, label);
		button.addEventListener('click', () => this.actions?.remove(this.node));
		return button;
	}
}

export class TermView implements NodeView {
	readonly dom: HTMLElement;
	private node: PMNode;
	private unsubscribe: () => void = () => {};

	constructor(
		node: PMNode,
		private readonly values: TermValues
	) {
		this.node = node;
		this.dom = element('span', 'term');
		this.bind();
	}

	update(node: PMNode): boolean {
		if (node.type !== this.node.type) return false;
		const keyChanged = node.attrs.key !== this.node.attrs.key;
		this.node = node;
		if (keyChanged) this.bind();
		return true;
	}

	ignoreMutation(): boolean {
		return true;
	}

	destroy(): void {
		this.unsubscribe();
	}

	private bind(): void {
		this.unsubscribe();
		const key = String(this.node.attrs.key ?? '');
		this.dom.dataset.term = key;
		this.unsubscribe = this.values.subscribe(key, () => this.render());
		this.render();
	}

	private render(): void {
		const { text, filled, label } = this.values.display(String(this.node.attrs.key ?? ''));
		this.dom.textContent = text;
		this.dom.classList.toggle('term--empty', !filled);
		this.dom.title = filled ? `${label} (fill-in term; change it in the terms panel)` : `${label}: not filled in yet`;
	}
}

export class PageBreakView implements NodeView {
	readonly dom: HTMLElement;

	constructor() {
		this.dom = element('div', 'page-break');
		this.dom.dataset.pageBreak = 'true';
		this.dom.setAttribute('role', 'separator');
		this.dom.setAttribute('aria-label', 'Page break');
		this.dom.append(element('span', 'page-break-label', 'Page break'));
	}

	ignoreMutation(): boolean {
		return true;
	}
}
