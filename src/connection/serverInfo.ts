/**
 * ChaincodeServerUserData → ChaincodeServerInfo, the peer's checks in the peer's order (CONN-07):
 * address; dial-timeout default; (TLS only) client key, client cert, root cert. PEM is not parsed
 * here: the peer parses it when dialling (CONN-08).
 */
import { DEFAULT_DIAL_TIMEOUT_NANOS } from './dialTimeout.js';
import { DEFAULT_FABRIC_RELEASE, type FabricRelease } from '../catalogue/releases.js';
import type { ChaincodeServerUserData } from './userData.js';

export interface ChaincodeServerInfo {
  address: string;
  /** After the 3s default; negative allowed (the dial context is then already expired). */
  dialTimeoutMs: number;
  dialTimeoutNanos: bigint;
  tls: null | { rootCert: string; client: null | { cert: string; key: string; serverNameOverride: string } };
}

export const ERR_ADDRESS = 'chaincode address not provided';
export const ERR_TLS_KEY = 'chaincode tls key not provided';
export const ERR_TLS_CERT = 'chaincode tls cert not provided';
export const ERR_TLS_ROOT = 'chaincode tls root cert not provided';

/**
 * `release`: 2.5's ChaincodeServerUserData has no `domain` field, so its peer never overrides the
 * server name; 3.x uses `domain` with client_auth_required (instance.go at v2.5.16 / v3.1.5).
 */
export function chaincodeServerInfo(c: ChaincodeServerUserData, release: FabricRelease = DEFAULT_FABRIC_RELEASE): { ok: true; info: ChaincodeServerInfo } | { ok: false; error: string } {
  if (c.address === '') return { ok: false, error: ERR_ADDRESS };
  const nanos = c.dialTimeoutNanos === 0n ? DEFAULT_DIAL_TIMEOUT_NANOS : c.dialTimeoutNanos;
  const base = { address: c.address, dialTimeoutNanos: nanos, dialTimeoutMs: Number(nanos) / 1e6 };
  if (!c.tlsRequired) return { ok: true, info: { ...base, tls: null } };
  if (c.clientAuthRequired && c.clientKey === '') return { ok: false, error: ERR_TLS_KEY };
  if (c.clientAuthRequired && c.clientCert === '') return { ok: false, error: ERR_TLS_CERT };
  if (c.rootCert === '') return { ok: false, error: ERR_TLS_ROOT };
  const client = c.clientAuthRequired ? { cert: c.clientCert, key: c.clientKey, serverNameOverride: domainUsed(release) ? c.domain : '' } : null;
  return { ok: true, info: { ...base, tls: { rootCert: c.rootCert, client } } };
}

/** Whether the release's peer reads connection.json's `domain` at all (3.x: yes; 2.5: no such field). */
export function domainUsed(release: FabricRelease): boolean {
  return release !== '2.5';
}
