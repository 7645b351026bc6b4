import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import type { Sql, Tx } from '$lib/server/db';
import * as store from './store';
import type { SigningIdentity } from './xmldsig';

/**
 * Whose signature the signed DOCX carries. An organization installs its own certificate and key
 * (SIGNING_CERT / SIGNING_KEY: PEM text or a file; or a PKCS#12 file in SIGNING_KEY with
 * SIGNING_KEY_PASSPHRASE). Without one, the first start generates a self-signed certificate for
 * "MOU Studio at <host>" and keeps its key in the database encrypted under SIGNING_KEY_SECRET —
 * or, when that is not set, under a secret generated into DATA_DIR, outside the database.
 */

export interface IdentityEnv {
	SIGNING_CERT?: string;
	SIGNING_KEY?: string;
	SIGNING_KEY_PASSPHRASE?: string;
	SIGNING_KEY_SECRET?: string;
	DATA_DIR?: string;
	ORIGIN?: string;
	HOST?: string;
}

const SECRET_FILE = 'signing-key.secret';
const CERTIFICATE_YEARS = 5;
const installed = new Map<string, SigningIdentity>();
const decrypted = new Map<string, SigningIdentity>();

export async function signingIdentity(sql: Sql | Tx, env: IdentityEnv = process.env): Promise<SigningIdentity> {
	if (env.SIGNING_CERT || env.SIGNING_KEY) {
		const cacheKey = `${env.SIGNING_CERT}\0${env.SIGNING_KEY}\0${env.SIGNING_KEY_PASSPHRASE}`;
		if (!installed.has(cacheKey)) installed.set(cacheKey, installedIdentity(env));
		return installed.get(cacheKey)!;
	}
	const secret = keySecret(env);
	let stored = await store.findIdentity(sql);
	if (!stored) {
		await store.insertIdentity(sql, generateIdentity(hostOf(env), secret));
		stored = (await store.findIdentity(sql))!;
	}
	const cacheKey = `${stored.certificatePem}\0${secret}`;
	const cached = decrypted.get(cacheKey);
	if (cached) return cached;
	let privateKey: KeyObject;
	try {
		privateKey = createPrivateKey({ key: stored.encryptedKeyPem, passphrase: secret });
	} catch (error) {
		throw new Error('The stored signing key cannot be decrypted: SIGNING_KEY_SECRET (or DATA_DIR/signing-key.secret) is not the secret it was stored with.', {
			cause: error
		});
	}
	const identity = checked(new X509Certificate(stored.certificatePem), privateKey);
	decrypted.set(cacheKey, identity);
	return identity;
}

function hostOf(env: IdentityEnv): string {
	try {
		if (env.ORIGIN) return new URL(env.ORIGIN).host;
	} catch {
		// fall through to HOST
	}
	return env.HOST || '127.0.0.1';
}

/** SIGNING_KEY_SECRET, else the secret in DATA_DIR (generated there, readable by this user only, when missing). */
function keySecret(env: IdentityEnv): string {
	if (env.SIGNING_KEY_SECRET) return env.SIGNING_KEY_SECRET;
	const dir = env.DATA_DIR || '.data/pglite';
	const file = join(dir, SECRET_FILE);
	if (!existsSync(file)) {
		mkdirSync(dir, { recursive: true });
		try {
			writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
			chmodSync(file, 0o600);
		} catch (error) {
			// Another process wrote it first: use theirs.
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	return readFileSync(file, 'utf8').trim();
}

/** A fresh RSA key and a self-signed certificate for it, the key encrypted (PKCS#8, AES-256) under the secret. */
export function generateIdentity(host: string, secret: string, now = new Date()): store.StoredIdentity {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey;
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
	// A positive 128-bit serial (the leading 01 keeps it positive in DER).
	cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
	cert.validity.notBefore = new Date(now.getTime() - 60_000);
	cert.validity.notAfter = new Date(now.getTime());
	cert.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + CERTIFICATE_YEARS);
	const name = [
		{ name: 'commonName', value: `MOU Studio at ${host}` },
		{ name: 'organizationName', value: 'MOU Studio' }
	];
	cert.setSubject(name);
	cert.setIssuer(name);
	cert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
		{ name: 'subjectKeyIdentifier' }
	]);
	cert.sign(forgeKey, forge.md.sha256.create());
	return {
		certificatePem: forge.pki.certificateToPem(cert),
		encryptedKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: secret }) as string
	};
}

function installedIdentity(env: IdentityEnv): SigningIdentity {
	const passphrase = env.SIGNING_KEY_PASSPHRASE || undefined;
	const key = env.SIGNING_KEY ? material(env.SIGNING_KEY) : null;
	if (key && !isPem(key)) {
		const p12 = pkcs12(key, passphrase ?? '');
		return checked(new X509Certificate(env.SIGNING_CERT ? material(env.SIGNING_CERT) : p12.certificatePem), createPrivateKey(p12.keyPem));
	}
	if (!key || !env.SIGNING_CERT) throw new Error('Set both SIGNING_CERT and SIGNING_KEY (PEM), or SIGNING_KEY alone to a PKCS#12 file.');
	let privateKey: KeyObject;
	try {
		privateKey = createPrivateKey({ key: key.toString('utf8'), passphrase });
	} catch (error) {
		throw new Error(
			`SIGNING_KEY cannot be read${passphrase ? ' with SIGNING_KEY_PASSPHRASE' : ' (if it is encrypted, set SIGNING_KEY_PASSPHRASE)'}: ${(error as Error).message}`,
			{ cause: error }
		);
	}
	return checked(new X509Certificate(material(env.SIGNING_CERT)), privateKey);
}

/** A value that is PEM text itself, or else the path of a file holding the PEM or PKCS#12 bytes. */
function material(value: string): Buffer {
	if (value.includes('-----BEGIN')) return Buffer.from(value.replace(/\\n/g, '\n'));
	try {
		return readFileSync(value);
	} catch (error) {
		throw new Error(`Cannot read the signing certificate or key file ${value}.`, { cause: error });
	}
}

const isPem = (bytes: Buffer) => bytes.subarray(0, 200).toString('latin1').includes('-----BEGIN');

function pkcs12(bytes: Buffer, passphrase: string): { keyPem: string; certificatePem: string } {
	let p12: forge.pkcs12.Pkcs12Pfx;
	try {
		p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), passphrase);
	} catch (error) {
		throw new Error(`SIGNING_KEY is neither PEM nor a PKCS#12 file that opens with SIGNING_KEY_PASSPHRASE: ${(error as Error).message}`, { cause: error });
	}
	const keyBags = [
		...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
		...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? [])
	];
	const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
	const key = keyBags.find((b) => b.key)?.key;
	const cert = certBags.find((b) => b.cert)?.cert;
	if (!key || !cert) throw new Error('The PKCS#12 file in SIGNING_KEY must hold a private key and its certificate.');
	return { keyPem: forge.pki.privateKeyToPem(key), certificatePem: forge.pki.certificateToPem(cert) };
}

/** The certificate must be RSA (the signature is RSA-SHA256) and belong to the key. */
function checked(certificate: X509Certificate, privateKey: KeyObject): SigningIdentity {
	if (certificate.publicKey.asymmetricKeyType !== 'rsa')
		throw new Error('The signing certificate must have an RSA key (OOXML signatures here are RSA-SHA256).');
	const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
	if (!fromKey.equals(certificate.publicKey.export({ type: 'spki', format: 'der' }))) throw new Error('SIGNING_KEY is not the key of SIGNING_CERT.');
	return { privateKey, certificate };
}
