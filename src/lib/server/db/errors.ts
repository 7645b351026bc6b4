/**
 * PostgreSQL errors the app acts on, recognised by their SQLSTATE (never by their message).
 * `mouTextFrozen` and `decidedMeanwhile` are raised by the mou_updates trigger (migrations 0008, 0016).
 */
export const SqlState = {
	uniqueViolation: '23505',
	/** A text change to an MOU whose status no longer allows one (agreed, signing, signed, terminated). */
	mouTextFrozen: 'MOU01',
	/** A live room's write admitted before it took in a decision stored since (migration 0016). */
	decidedMeanwhile: 'MOU02',
	/** A statement gave up waiting for a lock (lock_timeout: the collab writer's connection). */
	lockNotAvailable: '55P03'
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

/** Whether `error` is a database error with this SQLSTATE (postgres.js puts it in `code`). */
export function hasSqlState(error: unknown, state: SqlStateCode): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === state;
}
