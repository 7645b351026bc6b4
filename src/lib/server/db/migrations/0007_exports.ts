export default /* sql */ `
-- The signed DOCX of each signed MOU, generated once and served byte for byte ever after: its
-- SHA-256 is what the public verification page looks up, so the bytes may never be regenerated.
create table signed_documents (
	mou_id uuid primary key references mous(id) on delete cascade,
	version_id uuid not null references mou_versions(id),
	sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
	bytes bytea not null,
	filename text not null,
	-- The certificate of completion as it was when the file was issued (the file carries the same).
	certificate jsonb not null,
	created_at timestamptz not null default now()
);

-- Issued documents are evidence: nothing may change or replace them once stored.
create function signed_documents_immutable() returns trigger language plpgsql as $$
begin
	raise exception 'a signed document, once issued, cannot be changed' using errcode = 'P0001';
end $$;

create trigger signed_documents_immutable before update on signed_documents
	for each row execute function signed_documents_immutable();
`;
