import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * How to build and start the Go chaincode server fixture: the official Go shim
 * (github.com/hyperledger/fabric-chaincode-go/v2, shim.ChaincodeServer), which reads
 * CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS (both set by the harness's --command launcher).
 *
 * The Go module proxy refuses github.com/hyperledger/* modules, so the shim and its protos come
 * from local bare git mirrors, extracted at pinned commits into the git-ignored .mirror/ that
 * go.mod's replace directives point at. The mirrors are not installable from any registry.
 */

/** mocks/chaincode/go in the source tree (this file compiles to dist/mocks/chaincode/go). */
export const GO_FIXTURE = resolve(__dirname, '..', '..', '..', '..', 'mocks', 'chaincode', 'go');
export const GO_BINARY = join(GO_FIXTURE, 'bin', 'ccaas-go-fixture');
const MIRROR_DIR = join(GO_FIXTURE, '.mirror');
const STAMP = join(MIRROR_DIR, 'STAMP');

interface Mirror {
  readonly module: string;
  /** The directory under .mirror/ that go.mod's replace directive names. */
  readonly dir: string;
  readonly envVar: string;
  readonly defaultRepo: string;
  readonly commit: string;
}

export const GO_MIRRORS: readonly Mirror[] = [
  {
    module: 'github.com/hyperledger/fabric-chaincode-go/v2',
    dir: 'fabric-chaincode-go',
    envVar: 'FABRIC_CHAINCODE_GO_MIRROR',
    defaultRepo: '/work/.mirror/hyperledger+fabric-chaincode-go/repo',
    commit: 'ea8b3041f6097ff4970a288ae04c7c566900adcf',
  },
  {
    module: 'github.com/hyperledger/fabric-protos-go-apiv2',
    dir: 'fabric-protos-go-apiv2',
    envVar: 'FABRIC_PROTOS_GO_MIRROR',
    defaultRepo: '/work/.mirror/hyperledger+fabric-protos-go-apiv2/repo',
    commit: 'f073c145d26b24f3cc43cd6dabe9d2725da5673d',
  },
];

function repoOf(m: Mirror): string {
  return process.env[m.envVar] || m.defaultRepo;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function stampText(): string {
  return GO_MIRRORS.map((m) => `${m.dir} ${m.commit}\n`).join('');
}

function extracted(): boolean {
  try {
    return readFileSync(STAMP, 'utf8') === stampText() && GO_MIRRORS.every((m) => existsSync(join(MIRROR_DIR, m.dir, 'go.mod')));
  } catch {
    return false;
  }
}

/**
 * Why the mirrors cannot serve the build (a one-line reason), or null. Mirrors already extracted
 * at the pinned commits are enough on their own.
 */
export function goMirrorsMissing(): string | null {
  if (extracted()) return null;
  const git = spawnSync('git', ['--version'], { stdio: 'ignore', timeout: 30_000 });
  if (git.error || git.status !== 0) return 'git is not installed (needed to extract the hyperledger Go mirrors)';
  for (const m of GO_MIRRORS) {
    const repo = repoOf(m);
    if (!existsSync(repo)) return `the ${m.module} mirror is missing: no ${repo} (set ${m.envVar})`;
    const r = spawnSync('git', ['-C', repo, 'cat-file', '-e', `${m.commit}^{commit}`], { stdio: 'ignore', timeout: 30_000 });
    if (r.error || r.status !== 0) return `the ${m.module} mirror at ${repo} lacks commit ${m.commit}`;
  }
  return null;
}

/** Why `go` cannot run (a one-line reason), or null. */
export function goToolMissing(): string | null {
  const r = spawnSync('go', ['version'], { stdio: 'ignore', timeout: 30_000 });
  return r.error || r.status !== 0 ? 'go is not installed' : null;
}

/** Why the Go fixture cannot run here (a one-line reason), or null when go and both mirrors exist. */
export function goMissing(): string | null {
  return goToolMissing() ?? goMirrorsMissing();
}

/** Extracts both mirrors at their pinned commits into .mirror/ (each via a temporary directory, then renamed). */
function extractMirrors(): string | null {
  if (extracted()) return null;
  mkdirSync(MIRROR_DIR, { recursive: true });
  rmSync(STAMP, { force: true });
  for (const m of GO_MIRRORS) {
    const tmp = join(MIRROR_DIR, `.tmp-${process.pid}-${m.dir}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      const archive = spawnSync('git', ['-C', repoOf(m), 'archive', '--format=tar', m.commit], { maxBuffer: 512 * 1024 * 1024, timeout: 120_000 });
      if (archive.error || archive.status !== 0) return `git archive of ${repoOf(m)} at ${m.commit} failed: ${archive.error ? String(archive.error) : archive.stderr.toString('utf8').trim()}`;
      const tar = spawnSync('tar', ['-x', '-C', tmp], { input: archive.stdout, timeout: 120_000 });
      if (tar.error || tar.status !== 0) return `extracting ${m.module} failed: ${tar.error ? String(tar.error) : tar.stderr.toString('utf8').trim()}`;
      const dest = join(MIRROR_DIR, m.dir);
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  writeFileSync(STAMP, stampText());
  return null;
}

function newestInput(): number {
  return Math.max(...['main.go', 'go.mod', 'go.sum', join('.mirror', 'STAMP')].map((f) => statSync(join(GO_FIXTURE, f)).mtimeMs));
}

/**
 * Builds bin/ccaas-go-fixture unless it is newer than its sources: extracts the mirrors when
 * absent or stale, then `go build` (grpc and protobuf come from the Go module proxy as usual).
 */
export function buildGoFixture(timeoutMs = 540_000): { ok: true } | { ok: false; output: string } {
  const extractError = extractMirrors();
  if (extractError) return { ok: false, output: extractError };
  if (existsSync(GO_BINARY) && statSync(GO_BINARY).mtimeMs >= newestInput()) return { ok: true };
  const r = spawnSync('go', ['build', '-buildvcs=false', '-o', join('bin', 'ccaas-go-fixture'), '.'], { cwd: GO_FIXTURE, encoding: 'utf8', timeout: timeoutMs });
  if (r.status === 0 && !r.error) return { ok: true };
  return { ok: false, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.slice(-4000) };
}

export interface GoServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** Turns on mutual TLS: client certificates are required and verified against this CA. */
  readonly clientCaFile?: string;
}

/**
 * A shell command for `--command`; the harness supplies CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS.
 * It starts with variable assignments, so a caller may prefix more (`CHAINCODE_ID=... <command>`).
 */
export function goServerCommand(tls?: GoServerTls): string {
  const env = tls ? ['CHAINCODE_TLS_DISABLED=false', `CHAINCODE_TLS_CERT=${q(tls.certFile)}`, `CHAINCODE_TLS_KEY=${q(tls.keyFile)}`] : ['CHAINCODE_TLS_DISABLED=true'];
  env.push(`CHAINCODE_CLIENT_CA_CERT=${tls?.clientCaFile ? q(tls.clientCaFile) : ''}`);
  return `${env.join(' ')} exec ${q(GO_BINARY)}`;
}

/**
 * Why tests of the Go fixture cannot run here, or null once it is built: missing mirrors skip even
 * with CI=true (no registry can supply the hyperledger modules); a missing `go` skips unless
 * CI=true; a failed build throws.
 */
export function goFixtureSkip(): string | null {
  const mirrors = goMirrorsMissing();
  if (mirrors) return `${mirrors}; the hyperledger Go modules are not installable from a registry, so this skips even with CI=true`;
  const missing = goMissing();
  if (missing && process.env['CI'] !== 'true') return missing;
  const built = buildGoFixture();
  if (!built.ok) throw new Error(`building mocks/chaincode/go failed:\n${built.output}`);
  return null;
}
