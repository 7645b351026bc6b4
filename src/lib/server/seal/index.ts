/**
 * The seal: an OOXML digital signature (XML-DSig with XAdES-BES properties, as Word writes it) on
 * the signed DOCX, the server's signing identity, and the check /verify runs on an uploaded file.
 */
export { sealDocx } from './seal';
export { signingIdentity, type IdentityEnv } from './identity';
export { checkSeal, certificateSha256, type SealCheck } from './verify';
export type { SigningIdentity, SignatureOptions } from './xmldsig';
