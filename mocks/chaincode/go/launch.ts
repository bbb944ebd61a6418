import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fabricGoEnv, fabricModule, goSync, withLock, type FabricGo } from '../../mirrors.js';

/**
 * How to build and start the Go chaincode server fixture: the official Go shim
 * (github.com/hyperledger/fabric-chaincode-go/v2, shim.ChaincodeServer), which reads
 * CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS (both set by the harness's --command launcher).
 *
 * go.mod requires the shim and its protos at the versions Fabric 3.1's own go.mod pins, resolved
 * like any Go module (the module proxy, or local mirrors named by environment variables: see
 * mocks/mirrors.ts).
 */

/** mocks/chaincode/go in the source tree (this file compiles to dist/mocks/chaincode/go). */
export const GO_FIXTURE = resolve(__dirname, '..', '..', '..', '..', 'mocks', 'chaincode', 'go');
export const GO_BINARY = join(GO_FIXTURE, 'bin', 'ccaas-go-fixture');

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Why `go` cannot run (a one-line reason), or null. */
export function goToolMissing(): string | null {
  const r = spawnSync('go', ['version'], { stdio: 'ignore', timeout: 30_000 });
  return r.error || r.status !== 0 ? 'go is not installed' : null;
}

let modules: FabricGo | null = null;

/** The fixture's Go environment (fabricGoEnv: its modules downloaded), once per process. */
function fixtureGo(): FabricGo {
  modules ??= fabricGoEnv(fabricModule(GO_FIXTURE, '3.1'));
  return modules;
}

/**
 * Why the Go fixture cannot run here (a one-line reason), or null when go and its modules are
 * here. With CI=true a missing go or unreachable modules throw instead (fabricGoEnv).
 */
export function goMissing(): string | null {
  const tool = goToolMissing();
  if (tool) {
    if (process.env['CI'] === 'true') throw new Error(`${tool} (CI=true requires the Go shim fixture)`);
    return tool;
  }
  const go = fixtureGo();
  return 'skip' in go ? go.skip : null;
}

function newestInput(): number {
  return Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => statSync(join(GO_FIXTURE, f)).mtimeMs));
}

/**
 * Builds bin/ccaas-go-fixture unless it is newer than its sources. Under a lock: test files that
 * start the fixture at once build it once.
 */
export function buildGoFixture(timeoutMs = 540_000): { ok: true } | { ok: false; output: string } {
  let go: FabricGo;
  try {
    go = fixtureGo();
  } catch (e) {
    return { ok: false, output: e instanceof Error ? e.message : String(e) };
  }
  if ('skip' in go) return { ok: false, output: go.skip };
  return withLock(join(GO_FIXTURE, 'bin', '.build-lock'), () => {
    if (existsSync(GO_BINARY) && statSync(GO_BINARY).mtimeMs >= newestInput()) return { ok: true as const };
    const r = goSync(['build', '-buildvcs=false', '-o', join('bin', 'ccaas-go-fixture'), '.'], { cwd: GO_FIXTURE, timeoutMs, env: go.env });
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
 * Why tests of the Go fixture cannot run here, or null once it is built: a missing go or
 * unreachable modules skip (throw with CI=true); a failed build throws.
 */
export function goFixtureSkip(): string | null {
  const missing = goMissing();
  if (missing) return missing;
  const built = buildGoFixture();
  if (!built.ok) throw new Error(`building mocks/chaincode/go failed:\n${built.output}`);
  return null;
}
