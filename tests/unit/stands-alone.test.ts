import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { standsAlone } from '../../src/lib/server/collab/update-intake';

/** The server's document, and a writer's copy that has typed past it (what is only staged). */
function setup() {
	const server = new Y.Doc({ gc: false });
	server.getText('body').insert(0, 'Local terms.');
	const writer = new Y.Doc({ gc: false });
	Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
	const edit = (change: (text: Y.Text) => void) => {
		let update: Uint8Array | null = null;
		const capture = (u: Uint8Array) => (update = u);
		writer.on('update', capture);
		change(writer.getText('body'));
		writer.off('update', capture);
		return Y.decodeUpdate(update!);
	};
	return { server, edit };
}

describe('an update judged on the document alone', () => {
	it('stands alone when it types where the stored document has text', () => {
		const { server, edit } = setup();
		expect(
			standsAlone(
				server,
				edit((t) => t.insert(0, 'Now '))
			)
		).toBe(true);
	});

	it('does not when it continues text that is only staged, or deletes it', () => {
		const { server, edit } = setup();
		edit((t) => t.insert(0, 'A')); // staged: not in the server's document yet
		expect(
			standsAlone(
				server,
				edit((t) => t.insert(1, 'B'))
			)
		).toBe(false);
		expect(
			standsAlone(
				server,
				edit((t) => t.delete(0, 1))
			)
		).toBe(false);
	});

	it('does when it only deletes stored text', () => {
		const { server, edit } = setup();
		expect(
			standsAlone(
				server,
				edit((t) => t.delete(0, 6))
			)
		).toBe(true);
	});
});
