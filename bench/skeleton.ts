import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { dial } from '../src/dial/connect.js';
import { MessageType } from '../src/peer/codec.js';
import { launchServer } from '../src/server/command.js';
import { nodeServerCommand } from '../mocks/chaincode/node/launch.js';
import { writeSamplePackage } from '../mocks/sample/sample.js';
import { CLI, ROOT, freePort, tempDir } from '../test/support/cli.js';

/**
 * Time to verdict of the whole demo run, beside the chaincode server's own start-up time (spawn
 * until its REGISTER arrives), measured in the same run. The harness's share is the difference.
 */

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function serverStartup(packageId: string, address: string): Promise<number> {
  const t0 = performance.now();
  const server = await launchServer({ command: nodeServerCommand(), packageId, address, cwd: ROOT, baseEnv: process.env });
  try {
    const d = await dial({ address, dialTimeoutMs: 5_000, tls: null });
    if (!d.ok) throw new Error(d.grpcError);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no REGISTER')), 10_000);
      d.dialed.stream.onMessage((m) => {
        if (m.type === MessageType.REGISTER) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    d.dialed.close();
    return performance.now() - t0;
  } finally {
    await server.stop();
  }
}

function runCliOnce(pkg: string, reportDir: string): Promise<{ ms: number; code: number | null }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, pkg, '--command', nodeServerCommand(), '--quiet', '--report-dir', reportDir], { cwd: ROOT, stdio: 'ignore' });
    c.on('close', (code) => resolve({ ms: performance.now() - t0, code }));
  });
}

async function main(): Promise<void> {
  const dir = await tempDir('ccaas-bench-');
  try {
    const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
    const totals: number[] = [];
    const startups: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const port = await freePort();
      const address = `localhost:${port}`;
      const pkg = await writeSamplePackage(join(dir.path, `sample-${i}.tgz`), { address });
      const run = await runCliOnce(pkg, join(dir.path, `r${i}`));
      if (run.code !== 0) throw new Error(`demo run exited ${run.code}`);
      totals.push(run.ms);
      startups.push(await serverStartup('bench:0', `localhost:${await freePort()}`));
    }
    const total = median(totals);
    const startup = median(startups);
    process.stdout.write(
      `skeleton: time to verdict ${total.toFixed(0)} ms (median of ${rounds}); chaincode server start-up to REGISTER ${startup.toFixed(0)} ms; ` +
        `harness share ${(total - startup).toFixed(0)} ms (ratio total/server ${(total / startup).toFixed(2)})\n`,
    );
  } finally {
    await dir.remove();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
