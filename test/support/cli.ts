import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ResultJson } from '../../src/report/result.js';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export { freeLoopbackPort as freePort } from '../../src/server/port.js';

/** Helpers for tests that run the real CLI as a child process (as users and CI do). */

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly reportDir: string;
  result(): Promise<ResultJson>;
  file(name: string): Promise<string>;
}

export async function tempDir(prefix = 'ccaas-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Runs `ccaas-conformance args...` with its reports in a fresh directory under `dir`. */
export function runCli(args: readonly string[], opts: { reportDir?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, ...(opts.reportDir ? ['--report-dir', opts.reportDir] : [])], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ccaas-conformance ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const reportDir = opts.reportDir ?? join(ROOT, 'reports');
      resolvePromise({
        code,
        stdout,
        stderr,
        ms: Math.round(performance.now() - started),
        reportDir,
        result: async () => JSON.parse(await readFile(join(reportDir, 'result.json'), 'utf8')) as ResultJson,
        file: (name) => readFile(join(reportDir, name), 'utf8'),
      });
    });
  });
}

