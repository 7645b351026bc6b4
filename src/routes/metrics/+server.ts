import type { RequestHandler } from './$types';
import { getRuntime } from '$lib/server/runtime';

/**
 * Collaboration counters in Prometheus' text format. Counts only: no ids, names or content.
 * Per instance; a scraper adds up the instances.
 */
export const GET: RequestHandler = async () => {
	const stats = (await getRuntime()).collab.stats();
	const lines = [
		metric('mou_collab_connections', 'gauge', 'Open collaboration websockets.', stats.connections),
		metric('mou_collab_documents', 'gauge', 'Live documents held in memory.', stats.documents),
		metric('mou_collab_updates_per_second', 'gauge', 'Updates accepted per second, last 10 s.', stats.updatesPerSecond),
		metric('mou_collab_updates_accepted_total', 'counter', 'Updates stored from this instance.', stats.updatesAccepted),
		metric('mou_collab_updates_refused_total', 'counter', 'Updates dropped (read-only) or refused by the guard.', stats.updatesRefused),
		metric('mou_collab_remote_updates_total', 'counter', 'Updates stored by other instances and applied here.', stats.remoteUpdates),
		metric('mou_collab_connections_refused_total', 'counter', 'Connections refused by a connection limit.', stats.connectionsRefused),
		metric('mou_collab_connections_rate_limited_total', 'counter', 'Connections closed for sending too many messages.', stats.connectionsRateLimited),
		metric(
			'mou_collab_relay_up',
			'gauge',
			'1 when the Redis relay is connected, 0 when down, absent without one.',
			stats.relay === 'off' ? null : stats.relay === 'ready' ? 1 : 0
		)
	];
	return new Response(lines.filter(Boolean).join(''), {
		headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }
	});
};

function metric(name: string, type: 'gauge' | 'counter', help: string, value: number | null): string {
	if (value === null) return '';
	return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}
