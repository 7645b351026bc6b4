/**
 * The limits that protect an instance from one client: a message rate per connection and a
 * number of open connections per person and per document. Counts are per instance.
 */
import type { CollabLimits } from './types';

/** Messages a connection may send: `burst` at once, then `perSecond` on average. */
export class TokenBucket {
	private tokens: number;
	private last = performance.now();

	constructor(
		private readonly perSecond: number,
		private readonly burst: number
	) {
		this.tokens = burst;
	}

	/** Spends one token; false when there is none left. */
	take(): boolean {
		const now = performance.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
		this.last = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}

/** Open connections per person; admit() and release() bracket a connection's life. */
export class ConnectionCounts {
	private readonly perUser = new Map<string, number>();

	constructor(private readonly limits: Pick<CollabLimits, 'maxConnectionsPerUser' | 'maxConnectionsPerDocument'>) {}

	/** Null when the connection may open; otherwise why not. `documentConnections` excludes it. */
	refusal(userId: string, documentConnections: number): string | null {
		if ((this.perUser.get(userId) ?? 0) >= this.limits.maxConnectionsPerUser)
			return `Too many open connections for this person (limit ${this.limits.maxConnectionsPerUser}); close a tab and retry`;
		if (documentConnections >= this.limits.maxConnectionsPerDocument)
			return `Too many open connections to this MOU (limit ${this.limits.maxConnectionsPerDocument}); retry later`;
		return null;
	}

	admit(userId: string): void {
		this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
	}

	release(userId: string): void {
		const count = (this.perUser.get(userId) ?? 0) - 1;
		if (count > 0) this.perUser.set(userId, count);
		else this.perUser.delete(userId);
	}
}

/** Events per second over a sliding window of whole seconds. */
export class RateMeter {
	private readonly buckets: number[];
	private second = Math.floor(Date.now() / 1000);

	constructor(private readonly windowSeconds = 10) {
		this.buckets = new Array(windowSeconds).fill(0);
	}

	add(count = 1): void {
		this.advance();
		this.buckets[this.second % this.windowSeconds] += count;
	}

	perSecond(): number {
		this.advance();
		return this.buckets.reduce((sum, count) => sum + count, 0) / this.windowSeconds;
	}

	private advance(): void {
		const now = Math.floor(Date.now() / 1000);
		if (now === this.second) return;
		const steps = Math.min(now - this.second, this.windowSeconds);
		for (let i = 1; i <= steps; i++) this.buckets[(this.second + i) % this.windowSeconds] = 0;
		this.second = now;
	}
}
