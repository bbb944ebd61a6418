import { join, relative } from 'node:path';
import { main } from '../../src/cli/cli.js';
import { PROJECT_ROOT } from '../../src/cli/commands/check.js';
import { NODE_FIXTURE, nodeServerCommand } from '../chaincode/node/launch.js';
import { writeSamplePackage } from './sample.js';

/**
 * `npm run demo`: packages the bundled sample for localhost:9999, then runs the harness on it,
 * starting the bundled Node chaincode server with --command. Reports go to reports/.
 */
async function demo(): Promise<number> {
  const address = process.env['DEMO_ADDRESS'] ?? 'localhost:9999';
  const pkg = await writeSamplePackage(join(PROJECT_ROOT, 'reports', 'sample', 'asset_ccaas.tgz'), { address });
  process.stdout.write(`sample package: ${relative(process.cwd(), pkg)} (fixture ${relative(process.cwd(), NODE_FIXTURE)})\n`);
  return main([pkg, '--command', nodeServerCommand(), '--report-dir', join(PROJECT_ROOT, 'reports')]);
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
