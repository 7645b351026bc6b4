import { entryHash } from '../../src/lib/server/signing/audit';

/** The hash a forger would compute for a raw signing_audit row. */
export function entryHashFor(row: Record<string, unknown>): string {
	return entryHash({
		mouId: row.mou_id as string,
		seq: row.seq as number,
		requestId: (row.request_id as string) ?? null,
		at: row.at as Date,
		kind: row.kind as string,
		actor: row.actor as string,
		actorEmail: (row.actor_email as string) ?? null,
		party: (row.party as string) ?? null,
		signerId: (row.signer_id as string) ?? null,
		ipAddress: (row.ip_address as string) ?? null,
		userAgent: (row.user_agent as string) ?? null,
		detail: row.detail as Record<string, unknown>,
		prevHash: row.prev_hash as string
	});
}
