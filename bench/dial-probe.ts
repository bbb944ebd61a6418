import { peer } from '@hyperledger/fabric-protos';
import { nodeServerCommand } from '../mocks/chaincode/node/launch.js';
import { channelOptions, credentials, type DialTarget } from '../src/dial/connect.js';
import { probe } from '../src/dial/probe.js';
import { launchServer } from '../src/server/command.js';
import { freePort, ROOT, tempDir } from '../test/support/cli.js';
import { makeTlsWorld } from '../test/support/pki.js';

/**
 * The full staged probe (resolve, TCP, TLS, HTTP/2, /protos.Chaincode/Connect) against a healthy
 * local server (the real Node chaincode server), beside a bare grpc-js connect + Connect stream
 * open (until the server's response headers), measured in the same run, plaintext and TLS.
 * Budget: the probe costs at most 2x the bare connect. Exits 1 when over budget.
 */

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 40);
const WARMUP = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function bareConnect(target: DialTarget): Promise<number> {
  const t0 = performance.now();
  const client = new peer.ChaincodeClient(target.address, credentials(target), channelOptions(target));
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + 3_000, (err) => {
      if (err) {
        client.close();
        reject(err);
        return;
      }
      const call = client.connect();
      call.on('error', () => undefined);
      call.once('metadata', () => {
        const ms = performance.now() - t0;
        call.cancel();
        client.close();
        resolve(ms);
      });
    });
  });
}

async function fullProbe(target: DialTarget): Promise<number> {
  const t0 = performance.now();
  const r = await probe(target, 3_000);
  if (r.classification !== 'ok') throw new Error(`probe: ${r.classification}: ${r.explanation}`);
  return performance.now() - t0;
}

async function measure(name: string, target: DialTarget): Promise<number> {
  const bare: number[] = [];
  const probed: number[] = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    // Alternate, so both see the same machine state.
    const b = await bareConnect(target);
    const p = await fullProbe(target);
    if (i >= WARMUP) {
      bare.push(b);
      probed.push(p);
    }
  }
  const ratio = median(probed) / median(bare);
  process.stdout.write(`${name}: bare grpc-js connect + stream open ${median(bare).toFixed(2)} ms, full staged probe ${median(probed).toFixed(2)} ms (medians of ${ROUNDS}); ratio ${ratio.toFixed(2)} (budget 2.00)\n`);
  return ratio;
}

async function main(): Promise<void> {
  const dir = await tempDir('ccaas-bench-dial-');
  const tls = await makeTlsWorld(dir.path);
  const ccid = `bench:${'b'.repeat(64)}`;
  const stops: Array<() => Promise<void>> = [];
  try {
    const ratios: number[] = [];
    for (const mode of ['plaintext', 'TLS'] as const) {
      const address = `localhost:${await freePort()}`;
      const server = await launchServer({
        command: nodeServerCommand(mode === 'TLS' ? { certFile: tls.files.serverCert, keyFile: tls.files.serverKey } : undefined),
        packageId: ccid,
        address,
        cwd: ROOT,
        baseEnv: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'error' },
      });
      stops.push(() => server.stop());
      if (server.problem) throw new Error(server.problem);
      ratios.push(await measure(mode, { address, dialTimeoutMs: 3_000, tls: mode === 'TLS' ? { rootCert: tls.ca.certPem, client: null } : null }));
    }
    const worst = Math.max(...ratios);
    process.stdout.write(`dial-probe: worst ratio ${worst.toFixed(2)} ${worst <= 2 ? '<=' : '>'} 2.00\n`);
    process.exitCode = worst <= 2 ? 0 : 1;
  } finally {
    for (const stop of stops) await stop();
    await dir.remove();
  }
}

void main();
