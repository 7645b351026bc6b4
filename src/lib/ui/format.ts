const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(value: Date | string): string {
	return dateTime.format(new Date(value));
}

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
