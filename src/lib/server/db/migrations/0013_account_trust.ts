export default /* sql */ `
-- An address is the account's only until its owner proves they read it (the link mailed to it).
-- Accounts from before this migration start unconfirmed: they confirm from their account page.
alter table users add column email_verified_at timestamptz;

-- Single-use links mailed about an account: confirming an address (at sign-up, or a new address
-- for an email change) and resetting a forgotten password. Only the SHA-256 of the token is kept.
create table account_tokens (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references users(id) on delete cascade,
	purpose text not null check (purpose in ('verify_email', 'reset_password')),
	email text not null check (email = lower(email)),
	token_hash text not null unique,
	expires_at timestamptz not null,
	used_at timestamptz,
	created_at timestamptz not null default now()
);
create index account_tokens_user on account_tokens(user_id, purpose);

-- Requests that mail an account link, counted per address and per client address within a window,
-- whether or not an account exists (so the limit says nothing about who has one).
create table account_mail_requests (
	id bigserial primary key,
	kind text not null,
	key text not null,
	requested_at timestamptz not null default now()
);
create index account_mail_requests_key on account_mail_requests(kind, key, requested_at);

-- A message that proves its reader controls a mailbox (an account link): with a mail server it is
-- readable only there, never in the app; without one the app is that mailbox, for its account only.
alter table outbox add column proof_for uuid references users(id) on delete cascade;
create index outbox_proof_for on outbox(proof_for);
`;
