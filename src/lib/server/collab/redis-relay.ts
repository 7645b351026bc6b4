/**
 * The relay over Redis pub/sub: one channel per MOU (`<prefix>mou:<id>`), subscribed only by the
 * instances that have the document open. Pub/sub delivers at most once; whatever it drops is
 * re-read from PostgreSQL when the connection comes back (`onResume`) or on the periodic catch-up.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { errorMessage } from './connection';
import {
	decodeInstanceMessage,
	decodeRelayMessage,
	encodeInstanceMessage,
	encodeRelayMessage,
	type CollabRelay,
	type InstanceMessage,
	type RelayMessage
} from './relay';
import type { CollabLog } from './types';

export interface RedisRelayOptions {
	url: string;
	/** Keeps deployments (and test runs) sharing one Redis apart. */
	prefix?: string;
	log?: CollabLog;
}

const PING_TIMEOUT_MS = 1_000;

export function createRedisRelay(options: RedisRelayOptions): CollabRelay {
	const instanceId = randomUUID();
	const prefix = `${options.prefix ?? 'mou-studio:'}mou:`;
	/** The channel every instance subscribes to (access changes). */
	const instanceChannel = `${options.prefix ?? 'mou-studio:'}instances`;
	const log = options.log ?? (() => {});
	const connection = {
		// Commands fail at once while disconnected instead of piling up: a room's state is
		// re-read from PostgreSQL after an outage, so nothing queued here would be needed.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 0,
		// Reconnect for ever, quickly at first.
		retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000)
	};
	// Several publishes in one tick go out in one write.
	const pub = new Redis(options.url, { ...connection, enableAutoPipelining: true });
	// Subscriptions are ours to restore (see resubscribe), so that catching up starts only once they are in place.
	const sub = new Redis(options.url, { ...connection, autoResubscribe: false });
	/** Subscribed channels → how many rooms of this process joined them (an unloading and a new room may overlap). */
	const channels = new Map<string, number>();
	const messageListeners: Array<(mouId: string, message: RelayMessage) => void> = [];
	const instanceListeners: Array<(message: InstanceMessage) => void> = [];
	const resumeListeners: Array<() => void> = [];
	let missedPublish = false;
	let closed = false;

	watch(pub, 'publish');
	watch(sub, 'subscribe');

	function watch(client: Redis, role: string): void {
		let wasReady = false;
		client.on('ready', () => {
			wasReady = true;
			log({ event: 'collab.relay', role, state: 'ready' });
			if (role === 'subscribe') void resubscribe();
			else if (missedPublish) announceResync();
		});
		client.on('close', () => {
			if (!wasReady || closed) return;
			wasReady = false;
			log({ event: 'collab.relay', role, state: 'lost' });
		});
		// ioredis reports every failed reconnect attempt; one line per attempt is enough.
		client.on('error', (error) => log({ event: 'collab.error', stage: `relay-${role}`, error: errorMessage(error) }));
	}

	async function resubscribe(): Promise<void> {
		try {
			await sub.subscribe(instanceChannel, ...channels.keys());
		} catch (error) {
			log({ event: 'collab.error', stage: 'relay-resubscribe', error: errorMessage(error) });
			return; // the next 'ready' tries again
		}
		for (const listener of resumeListeners) listener();
	}

	/** Publishes were dropped while disconnected: everyone re-reads the log of our documents. */
	function announceResync(): void {
		missedPublish = false;
		for (const channel of channels.keys()) send(channel, { kind: 'resync' });
	}

	function send(channel: string, message: RelayMessage): void {
		if (closed) return;
		if (pub.status !== 'ready') {
			missedPublish = true;
			return;
		}
		pub.publish(channel, Buffer.from(encodeRelayMessage(instanceId, message))).catch(() => {
			missedPublish = true;
		});
	}

	sub.on('messageBuffer', (channelBytes: Buffer, bytes: Buffer) => {
		const channel = channelBytes.toString();
		if (channel === instanceChannel) return receiveInstanceMessage(bytes);
		if (!channels.has(channel)) return;
		const decoded = decodeOrLog(decodeRelayMessage, bytes);
		if (!decoded || decoded.instanceId === instanceId) return;
		const mouId = channel.slice(prefix.length);
		for (const listener of messageListeners) listener(mouId, decoded.message);
	});

	/** A message another instance sent, or null (logged) when it cannot be read. */
	function decodeOrLog<T>(decode: (bytes: Uint8Array) => T, bytes: Buffer): T | null {
		try {
			return decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		} catch (error) {
			log({ event: 'collab.error', stage: 'relay-decode', error: errorMessage(error) });
			return null;
		}
	}

	function receiveInstanceMessage(bytes: Buffer): void {
		const decoded = decodeOrLog(decodeInstanceMessage, bytes);
		if (!decoded || decoded.instanceId === instanceId) return;
		for (const listener of instanceListeners) listener(decoded.message);
	}

	return {
		instanceId,
		get ready() {
			return pub.status === 'ready' && sub.status === 'ready';
		},

		async join(mouId) {
			const channel = prefix + mouId;
			channels.set(channel, (channels.get(channel) ?? 0) + 1);
			if (sub.status !== 'ready') return;
			try {
				await sub.subscribe(channel);
			} catch {
				// Lost the connection meanwhile: resubscribe() covers this channel on 'ready'.
			}
		},

		leave(mouId) {
			const channel = prefix + mouId;
			const count = (channels.get(channel) ?? 0) - 1;
			if (count > 0) {
				channels.set(channel, count);
				return;
			}
			channels.delete(channel);
			if (sub.status === 'ready') sub.unsubscribe(channel).catch(() => {});
		},

		publish(mouId, message) {
			send(prefix + mouId, message);
		},

		onMessage(listener) {
			messageListeners.push(listener);
		},

		publishToAll(message) {
			if (closed) return;
			// Not retried: an access change missed during an outage is caught when the person reconnects.
			pub
				.publish(instanceChannel, Buffer.from(encodeInstanceMessage(instanceId, message)))
				.catch((error) => log({ event: 'collab.error', stage: 'relay-publish', error: errorMessage(error) }));
		},

		onInstanceMessage(listener) {
			instanceListeners.push(listener);
		},

		onResume(listener) {
			resumeListeners.push(listener);
		},

		async ping() {
			if (pub.status !== 'ready') return false;
			const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
			const answer = pub.ping().then(
				(reply) => reply === 'PONG',
				() => false
			);
			return Promise.race([answer, timeout]);
		},

		async close() {
			closed = true;
			channels.clear();
			await Promise.allSettled([pub.quit(), sub.quit()]);
			pub.disconnect();
			sub.disconnect();
		}
	};
}
