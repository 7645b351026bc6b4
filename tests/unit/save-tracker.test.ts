import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SaveTracker } from '../../src/lib/editor/save-tracker';
import { closeAction } from '../../src/lib/editor/close-policy';

/** A client doc and a "server" doc that only holds what was stored. */
function setup() {
	const server = new Y.Doc();
	server.getText('body').insert(0, 'stored text');
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server)); // remote: never "unsaved"
	const tracker = new SaveTracker(client, () => {});
	return { server, client, tracker };
}

describe('SaveTracker', () => {
	it('counts content from the server as saved', () => {
		expect(setup().tracker.hasUnsavedChanges).toBe(false);
	});
	it('is unsaved after typing until the server reports the clock stored', () => {
		const { client, tracker } = setup();
		client.getText('body').insert(0, 'new ');
		expect(tracker.hasUnsavedChanges).toBe(true);
		tracker.acknowledgeClocks(new Map([[client.clientID, 2]]));
		expect(tracker.hasUnsavedChanges).toBe(true);
		tracker.acknowledgeClocks(new Map([[client.clientID, Y.getState(client.store, client.clientID)]]));
		expect(tracker.hasUnsavedChanges).toBe(false);
	});
	it('keeps a deletion unsaved until a server delete set covers it', () => {
		const { server, client, tracker } = setup();
		const sv = Y.encodeStateVector(client);
		client.getText('body').delete(0, 7); // deletes server content: no clock moves
		expect(tracker.hasUnsavedChanges).toBe(true);
		tracker.acknowledgeDeletes(Y.decodeUpdate(Y.encodeStateAsUpdate(server)).ds);
		expect(tracker.hasUnsavedChanges).toBe(true); // server has not stored it yet
		Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
		Y.applyUpdate(server, Y.encodeStateAsUpdate(client, sv));
		tracker.acknowledgeDeletes(Y.decodeUpdate(Y.encodeStateAsUpdate(server)).ds);
		expect(tracker.hasUnsavedChanges).toBe(false);
	});
});

describe('closeAction', () => {
	it('resyncs on refused updates and waits on rate limits', () => {
		expect(closeAction(4422, 'edits a locked clause')).toMatchObject({ kind: 'resync' });
		expect(closeAction(4400, '').kind).toBe('resync');
		expect(closeAction(4413, '').kind).toBe('resync');
		const busy = closeAction(4429, '');
		expect(busy.kind === 'retry' && busy.delayMs >= 4000).toBe(true);
	});
	it('stops with a clear message when reconnecting cannot help', () => {
		expect(closeAction(4401, '')).toMatchObject({ kind: 'stop', canRetry: true });
		expect(closeAction(4403, '')).toMatchObject({ kind: 'stop', message: 'You no longer have access to this MOU.' });
		expect(closeAction(4404, '').kind).toBe('stop');
	});
});
