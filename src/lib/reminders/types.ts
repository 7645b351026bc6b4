/** Review reminders as the reminder tables show them; built on the server, shared with the pages. */

export type DeliveryStatus = 'sending' | 'sent' | 'kept' | 'failed' | 'cancelled';

/** One reminder to one person for one due point, and what became of it. */
export interface DeliveryView {
	id: string;
	mouId: string;
	mouTitle: string;
	dueOn: string;
	duePoint: string;
	toAddress: string;
	recipientName: string;
	subject: string;
	status: DeliveryStatus;
	attempts: number;
	lastError: string | null;
	nextAttemptAt: Date | null;
	createdAt: Date;
	sentAt: Date | null;
}
