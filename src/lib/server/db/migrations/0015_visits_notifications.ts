// What a person last saw of an MOU, and which events they want mail about.
// mou_visits: the moment they last left the MOU's page (or first opened it), and the ids of the
// suggestions open then — a suggestion's own time is written by its author's browser, so "new since
// your visit" is judged by what was open when they looked, not by a clock a client chose.
// notification_opt_outs: one row per event a person does not want mail about (no row: they do).
export default /* sql */ `
create table mou_visits (
	mou_id uuid not null references mous(id) on delete cascade,
	user_id uuid not null references users(id) on delete cascade,
	seen_at timestamptz not null,
	seen_suggestions text[] not null default '{}',
	primary key (mou_id, user_id)
);

create table notification_opt_outs (
	user_id uuid not null references users(id) on delete cascade,
	event text not null check (event in ('rounds', 'decisions', 'mentions', 'signing')),
	primary key (user_id, event)
);
`;
