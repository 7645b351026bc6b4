// Electronic signature of an agreed MOU: requests, signers, one-time codes, links, the mail a
// request sends (deduplicated, so two instances never send the same reminder twice) and the
// hash-chained audit trail.
export default /* sql */ `
alter table mous
	add column effective_date date,
	add column review_interval_months int not null default 12 check (review_interval_months between 1 and 60),
	add column review_due_on date,
	add column signed_at timestamptz;

-- A version is a snapshot: what was agreed (and is being signed) can never be rewritten.
create function mou_versions_immutable() returns trigger language plpgsql as $$
begin
	if new.state is distinct from old.state or new.sha256 is distinct from old.sha256 or new.kind is distinct from old.kind
		or new.mou_id is distinct from old.mou_id then
		raise exception 'Version % of MOU % cannot be changed', old.number, old.mou_id using errcode = 'P0001';
	end if;
	return new;
end $$;
create trigger mou_versions_immutable before update on mou_versions for each row execute function mou_versions_immutable();

-- One request per sending; at most one open (out for signature) and one completed per MOU.
create table signing_requests (
	id uuid primary key default gen_random_uuid(),
	mou_id uuid not null references mous(id) on delete cascade,
	version_id uuid not null references mou_versions(id),
	fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
	status text not null default 'out' check (status in ('out', 'completed', 'declined', 'voided', 'expired')),
	routing text not null check (routing in ('sequential', 'parallel')),
	expires_at timestamptz not null,
	reminder_days int not null default 3 check (reminder_days between 1 and 30),
	message text not null default '',
	prepared_by uuid not null references users(id),
	prepared_party text not null check (prepared_party in ('agency', 'district')),
	created_at timestamptz not null default now(),
	ended_at timestamptz,
	ended_by uuid references users(id),
	end_reason text
);
create unique index signing_requests_one_open on signing_requests(mou_id) where status = 'out';
create unique index signing_requests_one_completed on signing_requests(mou_id) where status = 'completed';
create index signing_requests_mou on signing_requests(mou_id, created_at);
create index signing_requests_due on signing_requests(expires_at) where status = 'out';

-- stage: signers of a stage receive their links once every earlier stage has signed
-- (sequential: one signer a stage; parallel: every signer in stage 1, an attesting clerk after).
create table signing_signers (
	id uuid primary key default gen_random_uuid(),
	request_id uuid not null references signing_requests(id) on delete cascade,
	position int not null,
	stage int not null check (stage >= 1),
	party text not null check (party in ('agency', 'district')),
	role text not null check (role in ('signer', 'attester')),
	capacity text not null,
	name text not null,
	title text not null,
	email text not null check (email = lower(email)),
	access_code_hash text,
	access_failures int not null default 0,
	access_locked_until timestamptz,
	status text not null default 'waiting' check (status in ('waiting', 'sent', 'signed', 'declined')),
	sent_at timestamptz,
	viewed_at timestamptz,
	consented_at timestamptz,
	consent_ip text,
	consent_user_agent text,
	authentication text,
	signed_at timestamptz,
	signed_ip text,
	signed_user_agent text,
	signed_fingerprint text,
	signature_kind text check (signature_kind in ('typed', 'drawn')),
	signature_text text,
	signature_image text,
	declined_at timestamptz,
	decline_reason text,
	unique (request_id, position),
	unique (request_id, email)
);
create index signing_signers_email on signing_signers(email);

create table signing_recipients (
	id uuid primary key default gen_random_uuid(),
	request_id uuid not null references signing_requests(id) on delete cascade,
	name text not null,
	email text not null check (email = lower(email)),
	unique (request_id, email)
);

-- Personal links, only their SHA-256 stored. purpose 'sign': the ceremony (dead once the signer
-- signs or declines, or the request ends); 'certificate': reading the certificate afterwards.
create table signing_links (
	id uuid primary key default gen_random_uuid(),
	request_id uuid not null references signing_requests(id) on delete cascade,
	signer_id uuid references signing_signers(id) on delete cascade,
	recipient_id uuid references signing_recipients(id) on delete cascade,
	purpose text not null check (purpose in ('sign', 'certificate')),
	token_hash text not null unique,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	check ((signer_id is null) <> (recipient_id is null))
);
create index signing_links_signer on signing_links(signer_id);

-- Six-digit codes emailed to the signer; hashed, short-lived, dead after 5 wrong tries.
create table signing_codes (
	id uuid primary key default gen_random_uuid(),
	signer_id uuid not null references signing_signers(id) on delete cascade,
	code_hash text not null,
	created_at timestamptz not null,
	expires_at timestamptz not null,
	failures int not null default 0,
	used_at timestamptz
);
create index signing_codes_signer on signing_codes(signer_id, created_at);

-- A verified browser: the cookie's token hashed, tied to one signer and one link.
create table signing_ceremonies (
	id uuid primary key default gen_random_uuid(),
	signer_id uuid not null references signing_signers(id) on delete cascade,
	token_hash text not null unique,
	method text not null check (method in ('email_code', 'account')),
	access_ok boolean not null default false,
	created_at timestamptz not null,
	expires_at timestamptz not null
);

-- Every message of the workflow. dedupe_key makes sending idempotent (a reminder, a completion
-- notice): the instance whose insert wins sends it; outbox_id links to the mail layer's delivery.
create table signing_messages (
	id uuid primary key default gen_random_uuid(),
	request_id uuid not null references signing_requests(id) on delete cascade,
	signer_id uuid references signing_signers(id) on delete cascade,
	kind text not null,
	dedupe_key text not null unique,
	to_address text not null,
	organization_id uuid references organizations(id) on delete set null,
	subject text not null,
	text_body text not null,
	html_body text not null,
	attach_signed_docx boolean not null default false,
	created_at timestamptz not null default now(),
	claimed_at timestamptz,
	outbox_id uuid references outbox(id) on delete set null,
	delivered_at timestamptz
);
create index signing_messages_unclaimed on signing_messages(created_at) where claimed_at is null;
create index signing_messages_request on signing_messages(request_id);

-- The audit trail, one chain per MOU: each row's hash covers its fields and the previous hash;
-- the head row records the newest entry, so even a removed last entry is noticed.
create table signing_audit (
	mou_id uuid not null references mous(id) on delete cascade,
	seq int not null check (seq >= 1),
	request_id uuid,
	at timestamptz not null,
	kind text not null,
	actor text not null,
	actor_email text,
	party text,
	signer_id uuid,
	ip_address text,
	user_agent text,
	detail jsonb not null default '{}'::jsonb,
	prev_hash text not null,
	hash text not null,
	primary key (mou_id, seq)
);
create index signing_audit_request on signing_audit(request_id, seq);

create table signing_audit_heads (
	mou_id uuid primary key references mous(id) on delete cascade,
	seq int not null,
	hash text not null
);

-- Append-only: rows can be neither changed nor removed, except with the MOU itself.
create function signing_audit_append_only() returns trigger language plpgsql as $$
begin
	if tg_op = 'DELETE' and not exists (select 1 from mous where id = old.mou_id) then
		return old;
	end if;
	raise exception 'The signing audit trail is append-only' using errcode = 'P0001';
end $$;
create trigger signing_audit_append_only before update or delete on signing_audit
	for each row execute function signing_audit_append_only();
`;
