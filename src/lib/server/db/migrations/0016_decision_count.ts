import { withdrawApprovals } from './mou-updates-guard';

// A decision on suggestions and live typing on other instances, serialised by the database
// (ARCHITECTURE.md, "A decision and typing on other instances"). mous.decisions counts the MOU's
// decisions: each one bumps it in its transaction while it holds the MOU's row FOR UPDATE, which
// makes every concurrent mou_updates INSERT of that MOU wait (this trigger's FOR KEY SHARE).
// mou_updates.decisions_seen is how many of them the writing room had taken in when it admitted
// the row (null: not written by a live room, e.g. a new MOU's first state, or the decision's own
// row). A row that saw fewer than are counted was checked against a document without the latest
// decision: the statement is refused with SQLSTATE MOU02 (SqlState.decidedMeanwhile in
// src/lib/server/db/errors.ts), and the room reloads. Otherwise the trigger is 0008's: the text of
// an MOU that is no longer editable is refused (MOU01), and a stored change withdraws the approvals.
export default /* sql */ `
alter table mous add column decisions bigint not null default 0;
alter table mou_updates add column decisions_seen bigint;

create or replace function mou_updates_guard() returns trigger language plpgsql as $$
declare
	changed record;
	counted bigint;
begin
	for changed in select mou_id, (array_agg(user_id))[1] as user_id, min(decisions_seen) as seen from new_rows group by mou_id loop
		select decisions into counted from mous where id = changed.mou_id and status in ('draft', 'negotiating') for key share;
		if not found then
			raise exception 'MOU % can no longer change: it is agreed or closed', changed.mou_id using errcode = 'MOU01';
		end if;
		if changed.seen < counted then
			raise exception 'MOU %: a suggestion was decided after this change was checked', changed.mou_id using errcode = 'MOU02';
		end if;
${withdrawApprovals}
	end loop;
	return null;
end $$;
`;
