export default /* sql */ `
-- The refusal of a text change to an MOU that is no longer editable gets its own SQLSTATE, MOU01
-- (SqlState.mouTextFrozen in src/lib/server/db/errors.ts), so that code recognises it by its
-- code instead of by its message; the message stays as it was. Otherwise as in 0004: the
-- statuses listed are the lifecycle's EDITABLE_STATUSES (src/lib/mou/lifecycle.ts), and any stored
-- change withdraws the approvals given so far.
create or replace function mou_updates_guard() returns trigger language plpgsql as $$
declare
	changed record;
begin
	for changed in select distinct mou_id, (array_agg(user_id))[1] as user_id from new_rows group by mou_id loop
		perform 1 from mous where id = changed.mou_id and status in ('draft', 'negotiating') for key share;
		if not found then
			raise exception 'MOU % can no longer change: it is agreed or closed', changed.mou_id using errcode = 'MOU01';
		end if;
		with withdrawn as (delete from mou_approvals where mou_id = changed.mou_id returning party, user_id)
		insert into mou_events (mou_id, user_id, party, kind, summary)
		select changed.mou_id, withdrawn.user_id, withdrawn.party, 'approval_withdrawn',
			'Approval withdrawn: the draft changed after it was given'
		from withdrawn;
	end loop;
	return null;
end $$;
`;
