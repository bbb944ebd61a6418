import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * How to build and start the Java chaincode server fixture: fabric-chaincode-shim's
 * ContractRouter, which starts NettyChaincodeServer when CHAINCODE_SERVER_ADDRESS is set and
 * registers with CORE_CHAINCODE_ID_NAME (both set by the harness's --command launcher).
 */

/** mocks/chaincode/java in the source tree (this file compiles to dist/mocks/chaincode/java). */
export const JAVA_FIXTURE = resolve(__dirname, '..', '..', '..', '..', 'mocks', 'chaincode', 'java');

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Why the Java fixture cannot run here (a one-line reason), or null when java and mvn exist. */
export function javaMissing(): string | null {
  for (const [tool, args] of [['java', ['-version']], ['mvn', ['-v']]] as const) {
    const r = spawnSync(tool, [...args], { stdio: 'ignore', timeout: 30_000 });
    if (r.error || r.status !== 0) return `${tool} is not installed`;
  }
  return null;
}

function newest(dir: string): number {
  const src = join(dir, 'src', 'main', 'java', 'org', 'example', 'ccaas');
  return Math.max(statSync(join(dir, 'pom.xml')).mtimeMs, ...['AssetContract.java', 'Json.java'].map((f) => statSync(join(src, f)).mtimeMs));
}

/**
 * Builds the fixture (target/classes + target/lib) unless it is up to date: offline first
 * (`mvn -q -o package`), then online, which downloads fabric-chaincode-shim from Maven Central.
 */
export function buildJavaFixture(timeoutMs = 540_000): { ok: true } | { ok: false; output: string } {
  const marker = join(JAVA_FIXTURE, 'target', 'lib');
  const classes = join(JAVA_FIXTURE, 'target', 'classes', 'org', 'example', 'ccaas', 'AssetContract.class');
  if (existsSync(marker) && existsSync(classes) && statSync(classes).mtimeMs >= newest(JAVA_FIXTURE)) return { ok: true };
  let output = '';
  for (const offline of [true, false]) {
    const r = spawnSync('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), 'package'], { cwd: JAVA_FIXTURE, encoding: 'utf8', timeout: timeoutMs });
    if (r.status === 0) return { ok: true };
    output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  }
  return { ok: false, output: output.slice(-4000) };
}

/** A shell command for `--command`: the harness supplies CORE_CHAINCODE_ID_NAME and CHAINCODE_SERVER_ADDRESS. */
export function javaServerCommand(): string {
  const cp = `${join(JAVA_FIXTURE, 'target', 'classes')}:${join(JAVA_FIXTURE, 'target', 'lib')}/*`;
  return `CORE_CHAINCODE_LOGGING_LEVEL=WARNING exec java -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp ${q(cp)} org.hyperledger.fabric.contract.ContractRouter`;
}
