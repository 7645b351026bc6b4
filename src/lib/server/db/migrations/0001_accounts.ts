export default /* sql */ `
create table organizations (
	id uuid primary key default gen_random_uuid(),
	name text not null check (length(name) between 2 and 200),
	kind text not null check (kind in ('agency', 'district')),
	time_zone text not null default 'America/Chicago',
	created_at timestamptz not null default now()
);

create table users (
	id uuid primary key default gen_random_uuid(),
	email text not null unique check (email = lower(email)),
	name text not null,
	password_hash text not null,
	created_at timestamptz not null default now()
);

-- One organization per person: counsel of a district works for that district.
create table memberships (
	user_id uuid primary key references users(id) on delete cascade,
	organization_id uuid not null references organizations(id) on delete cascade,
	role text not null check (role in ('counsel', 'signatory', 'viewer')),
	title text,
	is_admin boolean not null default false,
	created_at timestamptz not null default now()
);
create index memberships_organization on memberships(organization_id);

-- Only the SHA-256 of the session token is stored.
create table sessions (
	id text primary key,
	user_id uuid not null references users(id) on delete cascade,
	expires_at timestamptz not null,
	created_at timestamptz not null default now()
);
create index sessions_user on sessions(user_id);

create table organization_invitations (
	id uuid primary key default gen_random_uuid(),
	organization_id uuid not null references organizations(id) on delete cascade,
	email text not null,
	role text not null check (role in ('counsel', 'signatory', 'viewer')),
	is_admin boolean not null default false,
	token_hash text not null unique,
	invited_by uuid not null references users(id),
	expires_at timestamptz not null,
	accepted_at timestamptz,
	created_at timestamptz not null default now()
);
create index organization_invitations_org on organization_invitations(organization_id);

-- Failed sign-ins, counted per account and per address within a window.
create table sign_in_failures (
	id bigserial primary key,
	email text not null,
	address text not null,
	failed_at timestamptz not null default now()
);
create index sign_in_failures_email on sign_in_failures(email, failed_at);
create index sign_in_failures_address on sign_in_failures(address, failed_at);

-- Every message the app sends; without SMTP this table is the outbox people read.
create table outbox (
	id uuid primary key default gen_random_uuid(),
	to_address text not null,
	subject text not null,
	text_body text not null,
	html_body text not null,
	organization_id uuid references organizations(id) on delete set null,
	status text not null default 'queued' check (status in ('queued', 'sent', 'kept', 'failed')),
	attempts int not null default 0,
	last_error text,
	created_at timestamptz not null default now(),
	sent_at timestamptz
);
create index outbox_to on outbox(to_address);
create index outbox_org on outbox(organization_id);
`;
