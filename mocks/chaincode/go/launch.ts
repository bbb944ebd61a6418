import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractMirrors, goSync, MIRRORS, pinnedCommits, stampFile, withLock, type HyperledgerMirror } from '../../mirrors.js';

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

/** The shim and its protos, as go.mod's replace directives name them under .mirror/. */
export const GO_MIRRORS: readonly HyperledgerMirror[] = [MIRRORS['fabric-chaincode-go'] as HyperledgerMirror, MIRRORS['fabric-protos-go-apiv2'] as HyperledgerMirror];

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Why the mirrors cannot serve the build (a one-line reason), or null. */
export function goMirrorsMissing(): string | null {
  const git = spawnSync('git', ['--version'], { stdio: 'ignore', timeout: 30_000 });
  if (git.error || git.status !== 0) return 'git is not installed (needed to extract the hyperledger Go mirrors)';
  const p = pinnedCommits(GO_MIRRORS);
  return 'skip' in p ? p.skip : null;
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

function newestInput(): number {
  return Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => statSync(join(GO_FIXTURE, f)).mtimeMs), statSync(stampFile(MIRROR_DIR)).mtimeMs);
}

/**
 * Builds bin/ccaas-go-fixture unless it is newer than its sources: extracts the mirrors when
 * absent or stale, then `go build` (grpc and protobuf come from the Go module proxy as usual).
 * Under a lock: test files that start the fixture at once build it once.
 */
export function buildGoFixture(timeoutMs = 540_000): { ok: true } | { ok: false; output: string } {
  let extracted: ReturnType<typeof extractMirrors>;
  try {
    extracted = extractMirrors(MIRROR_DIR, GO_MIRRORS);
  } catch (e) {
    return { ok: false, output: e instanceof Error ? e.message : String(e) };
  }
  if ('skip' in extracted) return { ok: false, output: extracted.skip };
  return withLock(join(MIRROR_DIR, '.build-lock'), () => {
    if (existsSync(GO_BINARY) && statSync(GO_BINARY).mtimeMs >= newestInput()) return { ok: true as const };
    const r = goSync(['build', '-buildvcs=false', '-o', join('bin', 'ccaas-go-fixture'), '.'], { cwd: GO_FIXTURE, timeoutMs });
    if (r.status === 0) return { ok: true as const };
    return { ok: false as const, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.slice(-4000) };
  });
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
