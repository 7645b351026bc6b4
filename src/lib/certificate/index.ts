export { certificateView, eventLabel } from './view';
export type { CertificateEventView, CertificateRow, CertificateSignerView, CertificateValueKind, CertificateView } from './types';
