import { unmarshal, type GoStructType } from '../gojson/index.js';

/** persistence.ChaincodePackageMetadata, as json.Unmarshal sees it. */
export const CHAINCODE_PACKAGE_METADATA: GoStructType = {
  name: 'ChaincodePackageMetadata',
  pkg: 'persistence',
  fields: [
    { json: 'type', kind: { kind: 'string' } },
    { json: 'path', kind: { kind: 'string' } },
    { json: 'label', kind: { kind: 'string' } },
  ],
};

export interface PackageMetadata {
  readonly type: string;
  readonly path: string;
  readonly label: string;
}

/**
 * PKG-05: json.Unmarshal(fileBytes, &ChaincodePackageMetadata{}). Go leaves fields it did not set
 * empty (also for `null`), and on a type error keeps decoding the other fields.
 */
export function decodeMetadata(bytes: Uint8Array): { metadata: PackageMetadata; error: string | null; keys: readonly string[] } {
  const r = unmarshal(bytes, CHAINCODE_PACKAGE_METADATA, 'value');
  const get = (k: string): string => {
    const v = r.values.get(k);
    return typeof v === 'string' ? v : '';
  };
  return { metadata: { type: get('type'), path: get('path'), label: get('label') }, error: r.error, keys: r.keys.map((k) => k.raw) };
}
