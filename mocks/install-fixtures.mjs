#!/usr/bin/env node
// Installs the chaincode fixtures' own dependencies (each fixture is a package of its own, so the
// harness's dependency tree stays small). Idempotent: skips a fixture whose lockfile is unchanged.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const fixture of ['chaincode/node']) {
  const dir = join(here, fixture);
  const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const stamp = join(dir, 'node_modules', '.fixture-lock');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) continue;
  process.stderr.write(`installing fixture ${fixture} ...\n`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  writeFileSync(stamp, lock);
}
