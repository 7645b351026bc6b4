// The review cycle of signed MOUs: review drafts linked to the MOU they review, each MOU's reminder
// schedule, every reminder (at most once per person per due point, by a unique key) with its
// delivery state, and each party's confirmation of a review without changes. The reminder job runs
// on pg-boss, whose tables (schema pgboss) pg-boss installs itself at start.
export default /* sql */ `
-- A review draft starts from the signed text of the MOU it reviews. At most one review that has not
-- been abandoned (terminated) per signed MOU: a review draft that is signed replaces its MOU.
alter table mous add column reviews_mou_id uuid references mous(id) on delete set null;
create unique index mous_one_live_review on mous(reviews_mou_id)
	where reviews_mou_id is not null and status <> 'terminated';

-- Days before the due date at which reminders go out (0 = on the day), then every
-- overdue_every_days while overdue (null: no overdue reminders), at send_hour local time in
-- time_zone (null: the district organization's zone). A missing row means the defaults.
create table reminder_schedules (
	mou_id uuid primary key references mous(id) on delete cascade,
	days_before int[] not null default '{60,30,14,7,0}'
		check (cardinality(days_before) between 1 and 12 and 0 <= all(days_before) and 366 > all(days_before)),
	overdue_every_days int default 7 check (overdue_every_days between 1 and 90),
	send_hour int not null default 8 check (send_hour between 0 and 23),
	time_zone text check (time_zone is null or length(time_zone) between 1 and 64),
	updated_by uuid references users(id) on delete set null,
	updated_at timestamptz not null default now()
);

-- One row per person per due point of one due date: the instance whose insert wins sends it, so a
-- reminder is sent at most once. 'sending' is written (and attempt_started_at set) before the mail
-- goes to the SMTP server; then 'sent', or 'failed' with the error and next_attempt_at for the
-- retry (null: given up — too many attempts, or interrupted mid-delivery and so not resent). Without
-- SMTP the mail is kept in the outbox ('kept', outbox_id). 'cancelled': the reminders stopped
-- (review started or confirmed, MOU ended) before it could go out. due_point: 'before:<days>' or
-- 'overdue:<days>'.
create table reminder_deliveries (
	id uuid primary key,
	mou_id uuid not null references mous(id) on delete cascade,
	user_id uuid not null references users(id) on delete cascade,
	due_on date not null,
	due_point text not null check (due_point ~ '^(before|overdue):[0-9]{1,4}$'),
	scheduled_for timestamptz not null,
	to_address text not null,
	organization_id uuid references organizations(id) on delete set null,
	subject text not null,
	text_body text not null,
	html_body text not null,
	status text not null default 'sending' check (status in ('sending', 'sent', 'kept', 'failed', 'cancelled')),
	attempts int not null default 0,
	-- The sweep that may deliver it, until claimed_until; after that another sweep may take it over.
	claimed_by text not null,
	claimed_until timestamptz not null,
	attempt_started_at timestamptz,
	next_attempt_at timestamptz,
	last_error text,
	outbox_id uuid references outbox(id) on delete set null,
	created_at timestamptz not null,
	sent_at timestamptz,
	unique (mou_id, user_id, due_on, due_point)
);
create index reminder_deliveries_user on reminder_deliveries(user_id, created_at desc);
create index reminder_deliveries_mou on reminder_deliveries(mou_id, created_at desc);
create index reminder_deliveries_sending on reminder_deliveries(claimed_until) where status = 'sending';
create index reminder_deliveries_retry on reminder_deliveries(next_attempt_at) where status = 'failed' and next_attempt_at is not null;

-- Each party's counsel confirms the review of one due date without changes; both together move
-- the due date forward a full interval.
create table review_confirmations (
	mou_id uuid not null references mous(id) on delete cascade,
	due_on date not null,
	party text not null check (party in ('agency', 'district')),
	user_id uuid not null references users(id),
	confirmed_at timestamptz not null,
	primary key (mou_id, due_on, party)
);
`;
