import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writePackage } from '../../src/package/index.js';

/**
 * The bundled sample: a chaincode-as-a-service package for the asset contract in
 * mocks/chaincode/node, made with the project's reproducible packer, so its bytes (and package
 * ID) depend only on the address and label.
 */

export interface SampleOptions {
  readonly address: string;
  readonly label?: string;
  readonly type?: string;
  /** Extra connection.json fields (TLS material, dial_timeout...), merged over the defaults. */
  readonly connection?: Readonly<Record<string, unknown>>;
  /** connection.json bytes exactly as given (for malformed-input cases). */
  readonly rawConnectionJson?: string;
}

export function sampleConnectionJson(o: SampleOptions): Buffer {
  if (o.rawConnectionJson !== undefined) return Buffer.from(o.rawConnectionJson, 'utf8');
  return Buffer.from(`${JSON.stringify({ address: o.address, dial_timeout: '10s', tls_required: false, ...o.connection }, null, 2)}\n`, 'utf8');
}

export async function samplePackage(o: SampleOptions): Promise<Buffer> {
  return writePackage({ connectionJson: sampleConnectionJson(o), label: o.label ?? 'asset_ccaas', type: o.type ?? 'ccaas' });
}

export async function writeSamplePackage(file: string, o: SampleOptions): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await samplePackage(o));
  return file;
}
