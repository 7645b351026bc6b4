// Several instances retry failed mail: a row is claimed by pushing retry_after forward, so only
// one instance resends it, and a failing message waits before its next attempt.
export default /* sql */ `
alter table outbox add column retry_after timestamptz not null default now();
create index outbox_retry on outbox(retry_after) where status in ('queued', 'failed');
`;
