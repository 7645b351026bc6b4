import type { Sql, Tx } from '$lib/server/db';

/** All SQL of the seal feature: the server's own signing certificate (one row). */

export interface StoredIdentity {
	certificatePem: string;
	encryptedKeyPem: string;
}

export async function findIdentity(sql: Sql | Tx): Promise<StoredIdentity | null> {
	const [row] = await sql<StoredIdentity[]>`
		select certificate_pem as "certificatePem", encrypted_key_pem as "encryptedKeyPem" from signing_identity where id = 1`;
	return row ?? null;
}

/** The first identity stored wins; an instance that generated one at the same time uses the stored one. */
export async function insertIdentity(sql: Sql | Tx, identity: StoredIdentity): Promise<void> {
	await sql`
		insert into signing_identity (id, certificate_pem, encrypted_key_pem)
		values (1, ${identity.certificatePem}, ${identity.encryptedKeyPem})
		on conflict (id) do nothing`;
}
