export default /* sql */ `
-- The server's own signing certificate, generated on first start when the organization installs
-- none (SIGNING_CERT / SIGNING_KEY): one row, the certificate in PEM and the private key as an
-- encrypted PKCS#8 PEM whose passphrase never enters the database (SIGNING_KEY_SECRET, or a
-- secret generated into DATA_DIR). Every instance of a deployment signs with the same key.
create table signing_identity (
	id smallint primary key default 1 check (id = 1),
	certificate_pem text not null,
	encrypted_key_pem text not null,
	created_at timestamptz not null default now()
);
`;
