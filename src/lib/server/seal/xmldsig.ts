import { createHash, createSign, type KeyObject, type X509Certificate } from 'node:crypto';
import { strFromU8 } from 'fflate';
import { canonicalize, escapeAttribute, escapeText, parseXml } from './c14n';
import { contentTypes, isRelationshipPart, isSignedPart, parseRelationships, signedRelationshipIds, transformedRelationships, type Parts } from './ooxml';

/**
 * The XML signature of an OOXML package as Word writes it: SignedInfo (inclusive C14N 1.0,
 * RSA-SHA256) over the package object (a Manifest with one reference per signed part and the
 * signing time), the Office object and the XAdES-BES signed properties, with the certificate
 * in KeyInfo.
 */

export const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
export const ALG = {
	c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
	rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
	sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
	relationshipTransform: 'http://schemas.openxmlformats.org/package/2006/RelationshipTransform'
};
const MDSSI = 'http://schemas.openxmlformats.org/package/2006/digital-signature';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const OFFICE = 'http://schemas.microsoft.com/office/2006/digsig';
const TYPE = { object: 'http://www.w3.org/2000/09/xmldsig#Object', signedProperties: 'http://uri.etsi.org/01903#SignedProperties' };

export interface SigningIdentity {
	privateKey: KeyObject;
	certificate: X509Certificate;
}

export interface SignatureOptions {
	signedAt: Date;
	/** Shown by Word and LibreOffice as the purpose of (or comment on) the signature. */
	purpose: string;
}

export const sha256Base64 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64');
const digestMethod = `<DigestMethod Algorithm="${ALG.sha256}"/>`;
const reference = (attrs: string, digest: string, transforms = '') =>
	`<Reference ${attrs}>${transforms}${digestMethod}<DigestValue>${digest}</DigestValue></Reference>`;

/** What a relationship part is digested as, or the part's raw bytes for every other part. */
export function partDigestInput(name: string, bytes: Uint8Array, sourceIds?: string[]): string | Uint8Array {
	if (!isRelationshipPart(name)) return bytes;
	const relationships = parseRelationships(strFromU8(bytes));
	return transformedRelationships(relationships, sourceIds ?? signedRelationshipIds(relationships));
}

function manifest(parts: Parts): string {
	const typeOf = contentTypes(parts);
	const references: string[] = [];
	for (const name of [...parts.keys()].filter(isSignedPart).sort()) {
		const contentType = typeOf(name);
		if (!contentType) throw new Error(`The package part ${name} has no content type.`);
		const uri = escapeAttribute(`/${name}?ContentType=${contentType}`);
		const bytes = parts.get(name)!;
		if (isRelationshipPart(name)) {
			const ids = signedRelationshipIds(parseRelationships(strFromU8(bytes)));
			const selectors = ids.map((id) => `<mdssi:RelationshipReference xmlns:mdssi="${MDSSI}" SourceId="${escapeAttribute(id)}"/>`).join('');
			const transforms = `<Transforms><Transform Algorithm="${ALG.relationshipTransform}">${selectors}</Transform><Transform Algorithm="${ALG.c14n}"/></Transforms>`;
			references.push(reference(`URI="${uri}"`, sha256Base64(partDigestInput(name, bytes, ids)), transforms));
		} else {
			references.push(reference(`URI="${uri}"`, sha256Base64(bytes)));
		}
	}
	return `<Manifest>${references.join('')}</Manifest>`;
}

/** RFC 4514 form of a distinguished name from Node's one-attribute-per-line form (which lists it most significant first). */
export function rfc4514(name: string): string {
	return name
		.split('\n')
		.filter(Boolean)
		.reverse()
		.map((rdn) => {
			const at = rdn.indexOf('=');
			return `${rdn.slice(0, at)}=${rdn.slice(at + 1).replace(/([,+"\\<>;])/g, '\\$1')}`;
		})
		.join(', ');
}

function objects(parts: Parts, identity: SigningIdentity, options: SignatureOptions): string {
	const time = options.signedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
	const certificate = identity.certificate;
	const packageObject =
		`<Object Id="idPackageObject">${manifest(parts)}<SignatureProperties><SignatureProperty Id="idSignatureTime" Target="#idPackageSignature">` +
		`<mdssi:SignatureTime xmlns:mdssi="${MDSSI}"><mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format><mdssi:Value>${time}</mdssi:Value></mdssi:SignatureTime>` +
		`</SignatureProperty></SignatureProperties></Object>`;
	const officeObject =
		`<Object Id="idOfficeObject"><SignatureProperties><SignatureProperty Id="idOfficeV1Details" Target="#idPackageSignature">` +
		`<SignatureInfoV1 xmlns="${OFFICE}"><SetupID></SetupID><SignatureText></SignatureText><SignatureImage></SignatureImage>` +
		`<SignatureComments>${escapeText(options.purpose)}</SignatureComments><WindowsVersion>10.0</WindowsVersion><OfficeVersion>16.0</OfficeVersion>` +
		`<ApplicationVersion>16.0</ApplicationVersion><Monitors>1</Monitors><HorizontalResolution>1920</HorizontalResolution><VerticalResolution>1080</VerticalResolution>` +
		`<ColorDepth>32</ColorDepth><SignatureProviderId>{00000000-0000-0000-0000-000000000000}</SignatureProviderId><SignatureProviderUrl></SignatureProviderUrl>` +
		`<SignatureProviderDetails>9</SignatureProviderDetails><SignatureType>1</SignatureType></SignatureInfoV1></SignatureProperty></SignatureProperties></Object>`;
	const xadesObject =
		`<Object><xd:QualifyingProperties xmlns:xd="${XADES}" Target="#idPackageSignature"><xd:SignedProperties Id="idSignedProperties"><xd:SignedSignatureProperties>` +
		`<xd:SigningTime>${time}</xd:SigningTime><xd:SigningCertificate><xd:Cert><xd:CertDigest>${digestMethod}<DigestValue>${sha256Base64(certificate.raw)}</DigestValue></xd:CertDigest>` +
		`<xd:IssuerSerial><X509IssuerName>${escapeText(rfc4514(certificate.issuer))}</X509IssuerName><X509SerialNumber>${BigInt(`0x${certificate.serialNumber}`).toString(10)}</X509SerialNumber></xd:IssuerSerial>` +
		`</xd:Cert></xd:SigningCertificate><xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied/></xd:SignaturePolicyIdentifier></xd:SignedSignatureProperties>` +
		`<xd:SignedDataObjectProperties><xd:DataObjectFormat ObjectReference="#idPackageObject"><xd:MimeType>text/xml</xd:MimeType></xd:DataObjectFormat></xd:SignedDataObjectProperties>` +
		`</xd:SignedProperties></xd:QualifyingProperties></Object>`;
	return packageObject + officeObject + xadesObject;
}

function signedInfo(digests: [string, string, string]): string {
	return (
		`<SignedInfo><CanonicalizationMethod Algorithm="${ALG.c14n}"/><SignatureMethod Algorithm="${ALG.rsaSha256}"/>` +
		reference(`Type="${TYPE.object}" URI="#idPackageObject"`, digests[0]) +
		reference(`Type="${TYPE.object}" URI="#idOfficeObject"`, digests[1]) +
		reference(`Type="${TYPE.signedProperties}" URI="#idSignedProperties"`, digests[2], `<Transforms><Transform Algorithm="${ALG.c14n}"/></Transforms>`) +
		`</SignedInfo>`
	);
}

/** `_xmlsignatures/sig1.xml` for a package prepared by `prepareForSignature`. */
export function signatureXml(parts: Parts, identity: SigningIdentity, options: SignatureOptions): string {
	const body = objects(parts, identity, options);
	const keyInfo = `<KeyInfo><X509Data><X509Certificate>${identity.certificate.raw.toString('base64')}</X509Certificate></X509Data></KeyInfo>`;
	const compose = (info: string, value: string) =>
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Signature xmlns="${DSIG}" Id="idPackageSignature">${info}<SignatureValue>${value}</SignatureValue>${keyInfo}${body}</Signature>`;
	const draft = parseXml(compose(signedInfo(['', '', '']), ''));
	const digests = ['idPackageObject', 'idOfficeObject', 'idSignedProperties'].map((id) => sha256Base64(canonicalize(byId(draft, id)!))) as [
		string,
		string,
		string
	];
	const info = signedInfo(digests);
	const canonicalInfo = canonicalize(parseXml(compose(info, '')).getElementsByTagNameNS(DSIG, 'SignedInfo')[0]);
	const value = createSign('RSA-SHA256').update(canonicalInfo).sign(identity.privateKey, 'base64');
	return compose(info, value);
}

export function byId(doc: Document, id: string): Element | null {
	const all = doc.getElementsByTagName('*');
	for (let i = 0; i < all.length; i++) if (all[i].getAttribute('Id') === id) return all[i];
	return null;
}
