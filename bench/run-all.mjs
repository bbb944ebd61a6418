#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.js) in turn; each prints its own ratios.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bench');
const only = process.argv.slice(2);
let failed = 0;
for (const f of readdirSync(dist).filter((n) => n.endsWith('.js')).sort()) {
  if (only.length > 0 && !only.some((o) => f.includes(o))) continue;
  process.stdout.write(`== ${f}\n`);
  const r = spawnSync(process.execPath, [join(dist, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
