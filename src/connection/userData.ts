/**
 * connection.json decoded the way the peer decodes it: Go json.Unmarshal into a pointer to a
 * *ChaincodeServerUserData (instance.go). Field names, Go types and error texts are the peer's.
 */
import { unmarshal, type GoDecodeResult, type GoStructType } from '../gojson/index.js';
import { unmarshalDialTimeout } from './dialTimeout.js';

export interface ChaincodeServerUserData {
  address: string;
  domain: string;
  dialTimeoutNanos: bigint;
  tlsRequired: boolean;
  clientAuthRequired: boolean;
  clientKey: string;
  clientCert: string;
  rootCert: string;
}

const str = { kind: 'string' } as const;
const bool = { kind: 'bool' } as const;

/** The peer's struct, field order as declared (it does not matter to decoding). */
export const CHAINCODE_SERVER_USER_DATA: GoStructType = {
  name: 'ChaincodeServerUserData',
  pkg: 'externalbuilder',
  fields: [
    { json: 'address', kind: str },
    { json: 'domain', kind: str },
    { json: 'dial_timeout', kind: { kind: 'custom', goType: 'externalbuilder.Duration', unmarshal: unmarshalDialTimeout } },
    { json: 'tls_required', kind: bool },
    { json: 'client_auth_required', kind: bool },
    { json: 'client_key', kind: str },
    { json: 'client_cert', kind: str },
    { json: 'root_cert', kind: str },
  ],
};

export type UserDataDecode =
  | { readonly kind: 'ok'; readonly userData: ChaincodeServerUserData; readonly decoded: GoDecodeResult }
  | { readonly kind: 'error'; readonly error: string; readonly field: string | null; readonly decoded: GoDecodeResult }
  /** Top-level `null`: the pointer becomes nil and the peer dereferences it. */
  | { readonly kind: 'nil'; readonly decoded: GoDecodeResult };

export function decodeUserData(bytes: Uint8Array): UserDataDecode {
  const decoded = unmarshal(bytes, CHAINCODE_SERVER_USER_DATA, 'pointer');
  if (decoded.error !== null) return { kind: 'error', error: decoded.error, field: decoded.errorField ?? null, decoded };
  if (decoded.isNil) return { kind: 'nil', decoded };
  const v = decoded.values;
  const s = (k: string): string => (v.get(k) as string | undefined) ?? '';
  const b = (k: string): boolean => (v.get(k) as boolean | undefined) ?? false;
  return {
    kind: 'ok',
    decoded,
    userData: {
      address: s('address'),
      domain: s('domain'),
      dialTimeoutNanos: (v.get('dial_timeout') as bigint | undefined) ?? 0n,
      tlsRequired: b('tls_required'),
      clientAuthRequired: b('client_auth_required'),
      clientKey: s('client_key'),
      clientCert: s('client_cert'),
      rootCert: s('root_cert'),
    },
  };
}
