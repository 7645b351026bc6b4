// Dates: $lib/dates (one format, in the district's zone).

export const STATUS_LABEL: Record<string, string> = {
	draft: 'Draft — waiting for the other party',
	negotiating: 'In negotiation',
	agreed: 'Agreed — ready for signature',
	signing: 'Out for signature',
	signed: 'Signed',
	terminated: 'Terminated'
};

export const ROLE_LABEL: Record<string, string> = {
	counsel: 'Counsel',
	signatory: 'Signatory',
	viewer: 'Viewer'
};
