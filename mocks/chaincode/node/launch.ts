import { join, resolve } from 'node:path';

/**
 * How to start the Node chaincode server fixture: the official `fabric-chaincode-node server`
 * command, configured only through the CORE_CHAINCODE_* variables the harness sets
 * (CORE_CHAINCODE_ID, CORE_CHAINCODE_ADDRESS) plus the TLS files given here.
 */

/** mocks/chaincode/node in the source tree (this file compiles to dist/mocks/chaincode/node). */
export const NODE_FIXTURE = resolve(__dirname, '..', '..', '..', '..', 'mocks', 'chaincode', 'node');

export interface NodeServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** Turns on mutual TLS: client certificates are required and verified against this CA. */
  readonly clientCaFile?: string;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell command for `--command`; the harness supplies the package ID and address. */
export function nodeServerCommand(tls?: NodeServerTls): string {
  const bin = join(NODE_FIXTURE, 'node_modules', 'fabric-shim', 'cli.js');
  const env = ['CORE_CHAINCODE_LOGGING_LEVEL=warning'];
  if (tls) {
    env.push(`CORE_CHAINCODE_TLS_CERT_FILE=${q(tls.certFile)}`, `CORE_CHAINCODE_TLS_KEY_FILE=${q(tls.keyFile)}`);
    if (tls.clientCaFile) env.push(`CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE=${q(tls.clientCaFile)}`);
  }
  return `${env.join(' ')} exec ${q(process.execPath)} ${q(bin)} server --module-path ${q(NODE_FIXTURE)}`;
}
