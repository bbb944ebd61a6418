export { createCA, issue, traditionalKeyPem } from './x509.js';
export type { Credential, CertOptions, KeyType, ExtendedKeyUsage } from './x509.js';
