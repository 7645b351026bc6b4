// Reminders also for the MOU's own dates: the end of its term ('term-end:<days before>') and the
// last day to give notice of non-renewal ('notice:<days before>'); due_on is then that date.
export default /* sql */ `
alter table reminder_deliveries drop constraint reminder_deliveries_due_point_check;
alter table reminder_deliveries add constraint reminder_deliveries_due_point_check
	check (due_point ~ '^(before|overdue|term-end|notice):[0-9]{1,4}$');
`;
