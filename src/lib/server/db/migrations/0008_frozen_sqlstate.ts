import { mouUpdatesGuard } from './mou-updates-guard';

export default /* sql */ `
-- The refusal of a text change to an MOU that is no longer editable gets its own SQLSTATE, MOU01
-- (SqlState.mouTextFrozen in src/lib/server/db/errors.ts), so that code recognises it by its
-- code instead of by its message; the message stays as it was. Otherwise as in 0004: the
-- statuses listed are the lifecycle's EDITABLE_STATUSES (src/lib/mou/lifecycle.ts), and any stored
-- change withdraws the approvals given so far.
create or replace function mou_updates_guard() returns trigger language plpgsql as $$
${mouUpdatesGuard('MOU01')} $$;
`;
