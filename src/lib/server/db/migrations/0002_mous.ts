export default /* sql */ `
create table mous (
	id uuid primary key default gen_random_uuid(),
	title text not null check (length(title) between 3 and 300),
	status text not null default 'draft'
		check (status in ('draft', 'negotiating', 'agreed', 'signing', 'signed', 'terminated')),
	template_id text not null,
	template_version text not null,
	created_by uuid not null references users(id),
	created_at timestamptz not null default now(),
	last_activity_at timestamptz not null default now()
);

create table mou_parties (
	mou_id uuid not null references mous(id) on delete cascade,
	organization_id uuid not null references organizations(id) on delete cascade,
	side text not null check (side in ('agency', 'district')),
	joined_at timestamptz not null default now(),
	primary key (mou_id, organization_id),
	unique (mou_id, side)
);
create index mou_parties_org on mou_parties(organization_id);

create table mou_party_invitations (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	email text not null,
	side text not null check (side in ('agency', 'district')),
	token_hash text not null unique,
	invited_by uuid not null references users(id),
	expires_at timestamptz not null,
	accepted_at timestamptz,
	accepted_by uuid references users(id),
	created_at timestamptz not null default now()
);
create index mou_party_invitations_mou on mou_party_invitations(mou_id);

-- The Yjs update log: every accepted update, who sent it, appended before it is acknowledged.
create table mou_updates (
	mou_id uuid not null references mous(id) on delete cascade,
	seq bigserial,
	update bytea not null,
	user_id uuid references users(id),
	created_at timestamptz not null default now(),
	primary key (mou_id, seq)
);

-- Compacted state: every update up to and including upto_seq merged (history kept, no GC).
create table mou_checkpoints (
	mou_id uuid primary key references mous(id) on delete cascade,
	upto_seq bigint not null,
	state bytea not null,
	created_at timestamptz not null default now()
);
`;
