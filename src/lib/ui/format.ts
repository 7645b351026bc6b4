// Dates: $lib/dates (one format, in the district's zone).

export const STATUS_LABEL: Record<string, string> = {
	draft: 'Draft — the other party is not invited yet',
	negotiating: 'In negotiation',
	agreed: 'Agreed — ready for signature',
	signing: 'Out for signature',
	signed: 'Signed',
	terminated: 'Terminated'
};

/** A status as people read it: a draft waits for the other party only once they are invited. */
export function statusLabel(mou: { status: string; invitationPending?: boolean }): string {
	if (mou.status === 'draft' && mou.invitationPending) return 'Draft — waiting for the other party to join';
	return STATUS_LABEL[mou.status] ?? mou.status;
}

export const ROLE_LABEL: Record<string, string> = {
	counsel: 'Counsel',
	signatory: 'Signatory',
	viewer: 'Viewer'
};
