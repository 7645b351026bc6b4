/**
 * DOCX export: the redline (open suggestions as Word tracked changes, shared comments as Word
 * comments), clean copies of any version, the signed MOU issued once and served byte for byte,
 * and the public verification of a signed file by its SHA-256.
 */
export { exportChoices, exportRedline, exportClean, downloadSignedDocx, CURRENT, type ExportChoices, type DownloadDeps } from './exports';
export { issueSignedDocx, SignedDocumentUnavailable, type CertificateLoader, type IssueDeps, type IssuedDocument } from './signed';
export { verifyDocument, checkUploadSize, MAX_UPLOAD_BYTES, type Verification, type Refusal } from './verify';
export { renderRedlineDocx, renderCleanDocx, renderSignedDocx, type RenderedRedline } from './render';
export { docxResponse, DOCX_TYPE } from './http';
export type { ExportDocument, ExportThread, ExportComment, RedlineInput, CleanInput, SignedInput, RenderedDocx } from './types';
