import type { DecorationAttrs } from '@tiptap/pm/view';
import type { Awareness } from 'y-protocols/awareness';

import type { Party } from '../mou/party';

/** One colour per party, so a caret says which side is typing; matches --agency / --district. */
export const PARTY_COLOR: Record<Party, string> = {
	agency: '#1d4e89',
	district: '#2f6f4f'
};

export const PARTY_LABEL: Record<Party, string> = {
	agency: 'Agency',
	district: 'District'
};

/** Unknown sides (never from our server, which stamps them) get a neutral grey. */
const NEUTRAL = '#52606d';

export interface PresenceUser {
	name: string;
	side: Party | null;
}

/**
 * Reads an awareness `user` field. The server overwrites name and side with the signed-in
 * person's, so the colour is derived from the side rather than trusted from the peer.
 */
export function presenceUser(raw: Record<string, unknown> | undefined): PresenceUser {
	const name = typeof raw?.name === 'string' && raw.name.trim() ? raw.name : 'Someone';
	const side = raw?.side === 'agency' || raw?.side === 'district' ? raw.side : null;
	return { name, side };
}

export function partyColor(side: Party | null): string {
	return side ? PARTY_COLOR[side] : NEUTRAL;
}

export function presenceLabel(user: PresenceUser): string {
	return user.side ? `${user.name} (${PARTY_LABEL[user.side]})` : user.name;
}

/** Caret widget; class names follow @tiptap/extension-collaboration-caret's. */
export function renderCaret(raw: Record<string, unknown>): HTMLElement {
	const user = presenceUser(raw);
	const color = partyColor(user.side);
	const caret = document.createElement('span');
	// Both spellings: TipTap 3 renders "carets", its docs and older CSS say "caret".
	caret.className = `collaboration-carets__caret collaboration-caret__caret party-${user.side ?? 'other'}`;
	caret.style.borderColor = color;
	// The presence list outside the document announces who is here; keep the text clean for readers.
	caret.setAttribute('aria-hidden', 'true');
	const label = document.createElement('span');
	label.className = 'collaboration-carets__label collaboration-caret__label';
	label.style.backgroundColor = color;
	label.textContent = presenceLabel(user);
	caret.append(label);
	return caret;
}

export function renderSelection(raw: Record<string, unknown>): DecorationAttrs {
	const color = partyColor(presenceUser(raw).side);
	return { class: 'collaboration-carets__selection collaboration-caret__selection', style: `background-color: ${color}33` };
}

/** Everyone else connected to the draft (this tab excluded), by name. */
export function othersPresent(awareness: Awareness): (PresenceUser & { clientId: number })[] {
	return [...awareness.getStates()]
		.filter(([clientId, state]) => clientId !== awareness.clientID && state && typeof state.user === 'object')
		.map(([clientId, state]) => ({ clientId, ...presenceUser(state.user) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
