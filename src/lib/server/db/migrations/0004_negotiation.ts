import { mouUpdatesGuard } from './mou-updates-guard';

export default /* sql */ `
-- Which person each Yjs client id belongs to in an MOU: bound at its first stored update, so an
-- update written with another person's client id is refused. user_id null: the server's own
-- (decisions applied on someone's behalf are recorded in mou_decisions).
create table mou_clients (
	mou_id uuid not null references mous(id) on delete cascade,
	client_id bigint not null,
	user_id uuid references users(id),
	party text check (party in ('agency', 'district')),
	bound_at timestamptz not null default now(),
	primary key (mou_id, client_id)
);

-- Named versions: each negotiation round sent, and the agreed text. state = the full Yjs state
-- (merged updates, never re-encoded through a garbage-collected doc), so any two can be compared.
create table mou_versions (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	number int not null,
	kind text not null check (kind in ('round', 'agreed')),
	label text not null,
	party text check (party in ('agency', 'district')),
	created_by uuid references users(id),
	created_at timestamptz not null default now(),
	through_seq bigint not null,
	state bytea not null,
	sha256 text not null,
	unique (mou_id, number)
);

-- One approval per party of the draft as it stands; any stored change withdraws them (trigger below).
create table mou_approvals (
	mou_id uuid not null references mous(id) on delete cascade,
	party text not null check (party in ('agency', 'district')),
	user_id uuid not null references users(id),
	through_seq bigint not null,
	approved_at timestamptz not null default now(),
	primary key (mou_id, party)
);

-- Every accept, reject and withdraw: who decided what about whose suggestion, and when.
create table mou_decisions (
	id bigserial primary key,
	mou_id uuid not null references mous(id) on delete cascade,
	suggestion_id text not null,
	kind text not null check (kind in ('insertion', 'deletion', 'term')),
	decision text not null check (decision in ('accept', 'reject', 'withdraw')),
	suggested_by uuid references users(id),
	suggested_party text not null check (suggested_party in ('agency', 'district')),
	excerpt text not null,
	decided_by uuid not null references users(id),
	decided_party text not null check (decided_party in ('agency', 'district')),
	decided_at timestamptz not null default now()
);
create index mou_decisions_mou on mou_decisions(mou_id, decided_at);

-- The negotiation timeline: who did what (rounds sent, decisions, approvals, agreement).
create table mou_events (
	id bigserial primary key,
	mou_id uuid not null references mous(id) on delete cascade,
	at timestamptz not null default now(),
	user_id uuid references users(id),
	party text check (party in ('agency', 'district')),
	kind text not null,
	summary text not null,
	detail jsonb not null default '{}'::jsonb
);
create index mou_events_mou on mou_events(mou_id, at);

-- Comment threads. visibility 'internal' threads belong to one party and are never served to the other.
create table mou_comments (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	thread_id uuid references mou_comments(id) on delete cascade,
	author_id uuid not null references users(id),
	party text not null check (party in ('agency', 'district')),
	visibility text not null check (visibility in ('shared', 'internal')),
	body text not null check (length(body) between 1 and 10000),
	quote text not null default '',
	anchor jsonb,
	created_at timestamptz not null default now(),
	resolved_at timestamptz,
	resolved_by uuid references users(id)
);
create index mou_comments_mou on mou_comments(mou_id, created_at);

-- The database itself refuses text changes to an MOU that is no longer being drafted or
-- negotiated (agreed, signing, signed, terminated), whichever instance or route tries; and any
-- stored change withdraws the approvals given so far. Locks the MOU row FOR KEY SHARE, so approving
-- (FOR UPDATE) and storing an edit are ordered.
create function mou_updates_guard() returns trigger language plpgsql as $$
${mouUpdatesGuard('P0001')} $$;

create trigger mou_updates_guard after insert on mou_updates
	referencing new table as new_rows for each statement execute function mou_updates_guard();
`;
