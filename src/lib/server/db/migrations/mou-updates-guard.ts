/**
 * The body of the mou_updates trigger function, shared by the migrations that define it (0004, and
 * 0008, which only gave the refusal its own SQLSTATE). It refuses a text change to an MOU that is not
 * in one of the lifecycle's EDITABLE_STATUSES (src/lib/mou/lifecycle.ts) and withdraws the approvals
 * given so far. Shipped migrations must run the same SQL for ever: tests/unit/migrations.test.ts pins
 * each one's SHA-256, so a change here shows up as a changed migration. A new rule for the trigger
 * goes into a new migration, with its own text.
 */
export const mouUpdatesGuard = (errcode: 'P0001' | 'MOU01') => `declare
	changed record;
begin
	for changed in select distinct mou_id, (array_agg(user_id))[1] as user_id from new_rows group by mou_id loop
		perform 1 from mous where id = changed.mou_id and status in ('draft', 'negotiating') for key share;
		if not found then
			raise exception 'MOU % can no longer change: it is agreed or closed', changed.mou_id using errcode = '${errcode}';
		end if;
${withdrawApprovals}
	end loop;
	return null;
end`;

/** The trigger's loop body that withdraws the approvals of `changed.mou_id` (0004, 0008 and 0016). */
export const withdrawApprovals = `		with withdrawn as (delete from mou_approvals where mou_id = changed.mou_id returning party, user_id)
		insert into mou_events (mou_id, user_id, party, kind, summary)
		select changed.mou_id, withdrawn.user_id, withdrawn.party, 'approval_withdrawn',
			'Approval withdrawn: the draft changed after it was given'
		from withdrawn;`;
