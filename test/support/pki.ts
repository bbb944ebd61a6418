import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCA, issue, type Credential } from '../../src/pki/index.js';

/** A complete TLS world for tests: a CA, a server pair for localhost, a client pair, and a stranger CA. */
export interface TlsWorld {
  readonly ca: Credential;
  readonly server: Credential;
  readonly client: Credential;
  readonly otherCa: Credential;
  readonly otherClient: Credential;
  readonly files: { readonly caCert: string; readonly serverCert: string; readonly serverKey: string };
}

export async function makeTlsWorld(dir: string): Promise<TlsWorld> {
  const ca = createCA('Chaincode Test CA', { organization: 'ccaas-conformance tests' });
  const server = issue(ca, { commonName: 'localhost', sans: ['localhost', '127.0.0.1'], extendedKeyUsage: ['serverAuth'] });
  const client = issue(ca, { commonName: 'peer0.org1.example.com', extendedKeyUsage: ['clientAuth'] });
  const otherCa = createCA('Stranger CA');
  const otherClient = issue(otherCa, { commonName: 'peer0.stranger.example.com', extendedKeyUsage: ['clientAuth'] });
  const files = { caCert: join(dir, 'ca.pem'), serverCert: join(dir, 'server.pem'), serverKey: join(dir, 'server.key') };
  await writeFile(files.caCert, ca.certPem);
  await writeFile(files.serverCert, server.certPem);
  await writeFile(files.serverKey, server.keyPem, { mode: 0o600 });
  return { ca, server, client, otherCa, otherClient, files };
}
