// The record of each periodic review: what was done for the review of one due date of a signed
// MOU (public notice and meeting, community input, the year's data report, the board's adoption),
// each with its date, details and optionally a file, by whom and when. Append-only: a correction
// is a newer entry of the same kind. The state profile decides which kinds must be there before the
// review can close.
export default /* sql */ `
create table review_steps (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	due_on date not null,
	kind text not null check (kind in ('public_notice', 'community_input', 'data_report', 'board_adoption')),
	occurred_on date not null,
	details jsonb not null default '{}',
	file_name text check (file_name is null or length(file_name) between 1 and 200),
	file_type text,
	file_size int check (file_size is null or file_size between 1 and 10485760),
	file_sha256 text,
	file_data bytea,
	party text not null check (party in ('agency', 'district')),
	recorded_by uuid not null references users(id),
	recorded_at timestamptz not null,
	check ((file_data is null) = (file_name is null))
);
create index review_steps_review on review_steps(mou_id, due_on, recorded_at);
`;
