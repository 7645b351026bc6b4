// The public page of a signed MOU (/p/<slug>, no sign-in) and the public's comments during its
// review. A publication belongs to the MOU's line (the first signed MOU; its signed reviews carry
// it on), so the page always shows the current signed text. Comments count only once their
// address is verified by an emailed link and the district has accepted them; they never touch the
// document. Every publish and unpublish is also an event in the MOU's history.
export default /* sql */ `
create table mou_publications (
	mou_id uuid primary key references mous(id) on delete cascade,
	slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{2,80}$'),
	published_at timestamptz not null,
	published_by uuid not null references users(id),
	unpublished_at timestamptz,
	unpublished_by uuid references users(id)
);

create table public_comments (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	due_on date not null,
	name text check (name is null or length(name) between 1 and 100),
	email text not null check (length(email) between 3 and 254),
	body text not null check (length(body) between 1 and 4000),
	token_hash text not null unique,
	ip text not null check (length(ip) <= 64),
	created_at timestamptz not null,
	verified_at timestamptz,
	status text not null default 'pending' check (status in ('pending', 'accepted', 'rejected')),
	moderated_by uuid references users(id),
	moderated_at timestamptz
);
create index public_comments_review on public_comments(mou_id, due_on, created_at);
create index public_comments_email on public_comments(lower(email), created_at);
create index public_comments_ip on public_comments(ip, created_at);
`;
