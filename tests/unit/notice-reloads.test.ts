import { describe, expect, it } from 'vitest';
import { noticeReloads } from '../../src/lib/ui/notice-reloads';
import { ownPostsSettled, trackPost } from '../../src/lib/ui/own-posts';

/** Reloaders that record each call and finish when told to (or after a few milliseconds). */
function recorder(ms = 5) {
	const calls: string[] = [];
	let inFlight = 0;
	let most = 0;
	const took = (name: string) => async () => {
		calls.push(name);
		most = Math.max(most, ++inFlight);
		await new Promise((r) => setTimeout(r, ms));
		inFlight--;
	};
	return { calls, most: () => most, reloaders: { all: took('all'), page: (topic: string) => took(`page:${topic}`)() } };
}

describe('reloads for live notices', () => {
	it('makes one full reload of a history and a status notice arriving together', async () => {
		const r = recorder();
		const onNotice = noticeReloads(r.reloaders);
		await Promise.all([onNotice('history'), onNotice('status')]);
		expect(r.calls).toEqual(['all']);
	});

	it('reloads once more after a running reload for a notice that arrived during it, never two at a time', async () => {
		const r = recorder(40);
		const onNotice = noticeReloads(r.reloaders, 1);
		const first = onNotice('comments');
		await new Promise((resolve) => setTimeout(resolve, 15)); // the first reload is running
		const second = onNotice('history');
		const third = onNotice('comments');
		await Promise.all([first, second, third]);
		expect(r.calls).toEqual(['page:comments', 'page:history']);
		expect(r.most()).toBe(1);
	});

	it('leaves it to this tab’s own post when that post reloads the page after its answer', async () => {
		const r = recorder();
		const onNotice = noticeReloads(r.reloaders, 1);
		const settle = trackPost();
		const notice = onNotice('status');
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(r.calls).toEqual([]); // waiting on the post
		settle(true);
		await notice;
		expect(r.calls).toEqual([]);
		expect(ownPostsSettled()).toBeNull();
	});

	it('reloads itself when the post in flight did not reload (refused, failed or cancelled)', async () => {
		const r = recorder();
		const onNotice = noticeReloads(r.reloaders, 1);
		const settle = trackPost();
		const notice = onNotice('status');
		settle(false);
		await notice;
		expect(r.calls).toEqual(['all']);
	});
});
