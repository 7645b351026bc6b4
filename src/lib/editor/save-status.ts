import type { SessionSnapshot } from './collab-session';

/** What the editor's status line says about the person's changes. */
export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline' | 'readonly';

interface SaveInput {
	snapshot: SessionSnapshot;
	/** Reconnecting cannot help (signed out, no access, not found). */
	stopped: boolean;
	canEdit: boolean;
}

export function saveStateOf({ snapshot, stopped, canEdit }: SaveInput): SaveState {
	if (stopped) return 'offline';
	if (!snapshot.loaded) return 'connecting';
	if (snapshot.status !== 'connected') return 'offline';
	if (!canEdit) return 'readonly';
	return snapshot.unsaved ? 'saving' : 'saved';
}

export function saveStatusText(state: SaveState, { stopped, canEdit }: Omit<SaveInput, 'snapshot'>): string {
	switch (state) {
		case 'connecting':
			return 'Connecting…';
		case 'saving':
			return 'Saving…';
		case 'saved':
			return 'All changes saved';
		case 'readonly':
			return 'Read-only — you can follow the draft live';
		case 'offline':
			if (stopped) return 'Not connected';
			return canEdit ? 'Offline — changes will sync when you reconnect' : 'Offline — reconnecting…';
	}
}
