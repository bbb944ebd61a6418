import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { goSync, MIRRORS, mirrorRepo, resolveCommit, withLock, type HyperledgerMirror } from '../../mocks/mirrors.js';
import { FABRIC_RELEASES, type FabricRelease } from '../../src/catalogue/releases.js';
import { ROOT } from './cli.js';

/**
 * The protocol oracle (test/oracle-protocol): Fabric's own chaincode Handler, built per release
 * inside Fabric's source tree at the release tag, against the dependencies that tree vendors
 * (`go build -mod=vendor`). This module is the one place that knows how the oracle gets Fabric's
 * code: today a local mirror of hyperledger/fabric (FABRIC_MIRROR), extracted with its vendor/
 * folder into the git-ignored test/oracle-protocol/.mirror/fabric-<release>. Nothing of Fabric is
 * committed; the oracle's own .go files are copied into the extracted tree for the build only.
 */

const ORACLE_DIR = join(ROOT, 'test', 'oracle-protocol');
/** Where the oracle's main package sits inside the Fabric tree (core/ledger/internal is importable from there). */
const PACKAGE_IN_TREE = join('core', 'ledger', 'ccaasprotocoloracle');

export type ProtocolOracleBinary = { readonly bin: string; readonly release: FabricRelease; readonly commit: string } | { readonly skip: string };

function sourcesDigest(): { files: string[]; digest: string } {
  const files = readdirSync(ORACLE_DIR).filter((f) => f.endsWith('.go')).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(join(ORACLE_DIR, f)));
  return { files, digest: h.digest('hex').slice(0, 12) };
}

const built = new Map<FabricRelease, ProtocolOracleBinary>();

/** Builds (once per release, commit and source digest) the oracle binary, or says why it cannot. */
export function protocolOracleBinary(release: FabricRelease): ProtocolOracleBinary {
  const have = built.get(release);
  if (have) return have;
  const b = build(release);
  built.set(release, b);
  return b;
}

function build(release: FabricRelease): ProtocolOracleBinary {
  const mirror = MIRRORS['fabric'] as HyperledgerMirror;
  const repo = mirrorRepo(mirror);
  const pin = FABRIC_RELEASES[release];
  if (!existsSync(repo)) return { skip: `the ${mirror.module} mirror is missing: no ${repo} (set ${mirror.env}): the protocol oracle for Fabric ${release} cannot be built` };
  const commit = resolveCommit(repo, pin.commit);
  if (!commit) return { skip: `the ${mirror.module} mirror at ${repo} lacks ${pin.tag} (${pin.commit}): the protocol oracle for Fabric ${release} cannot be built` };
  const { files, digest } = sourcesDigest();
  const binDir = join(ORACLE_DIR, 'bin');
  const bin = join(binDir, `oracle-protocol-${release}-${commit.slice(0, 12)}-${digest}`);
  if (existsSync(bin)) return { bin, release, commit };
  mkdirSync(binDir, { recursive: true });
  const tree = join(ORACLE_DIR, '.mirror', `fabric-${release}`);
  return withLock(`${tree}.lock`, (): ProtocolOracleBinary => {
    if (existsSync(bin)) return { bin, release, commit };
    const stamp = join(ORACLE_DIR, '.mirror', `fabric-${release}.commit`);
    if (!existsSync(join(tree, 'vendor', 'modules.txt')) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== commit) {
      rmSync(stamp, { force: true });
      const work = `${tree}.tmp-${process.pid}`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      try {
        // with vendor/: the tree builds offline against exactly the dependencies the release ships
        const archive = spawnSync('git', ['-C', repo, 'archive', '--format=tar', commit], { maxBuffer: 1 << 30, timeout: 300_000 });
        if (archive.status !== 0) throw new Error(`git archive of ${repo} at ${commit} failed: ${archive.stderr.toString().trim() || archive.error?.message}`);
        const untar = spawnSync('tar', ['-x', '-C', work], { input: archive.stdout, timeout: 300_000 });
        if (untar.status !== 0) throw new Error(`could not unpack fabric at ${commit}: ${untar.stderr.toString().trim() || untar.error?.message}`);
        rmSync(tree, { recursive: true, force: true });
        renameSync(work, tree);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      writeFileSync(stamp, `${commit}\n`);
    }
    const pkg = join(tree, PACKAGE_IN_TREE);
    rmSync(pkg, { recursive: true, force: true });
    mkdirSync(pkg, { recursive: true });
    for (const f of files) copyFileSync(join(ORACLE_DIR, f), join(pkg, f));
    const staged = `${bin}.tmp-${process.pid}`;
    // -trimpath: the build cache then keys Fabric's packages by content, not by this clone's path,
    // so another checkout (CI's fresh clone) reuses the compiled packages.
    const tags = release === '2.5' ? ['-tags', 'fabric25'] : [];
    const go = goSync(['build', '-mod=vendor', '-trimpath', ...tags, '-o', staged, `./${PACKAGE_IN_TREE}`], { cwd: tree, timeoutMs: 1_200_000, env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=vendor', GOTOOLCHAIN: 'local' } });
    if (go.status === 127) return { skip: 'go is not available: the protocol oracle cannot be built' };
    if (go.status !== 0) throw new Error(`building the protocol oracle for Fabric ${release} (${commit}) failed:\n${go.stderr}`);
    renameSync(staged, bin);
    return { bin, release, commit };
  });
}

/** One stream the oracle runs (test/oracle-protocol/main.go Run; bytes as base64). */
export interface OracleRun {
  readonly address: string;
  readonly packageId: string;
  readonly namespace: string;
  readonly seed: ReadonlyArray<{ readonly namespace: string; readonly key: string; readonly value: string }>;
  readonly txs: ReadonlyArray<{ readonly txid: string; readonly channel: string; readonly init: boolean; readonly args: readonly string[]; readonly timeoutMs: number; readonly signedProposal?: string; readonly commit?: boolean }>;
  readonly registerTimeoutMs: number;
  readonly totalQueryLimit: number;
  readonly keyLevelEndorsement: boolean;
  readonly purgePvtData: boolean;
  readonly runtimeParams: { readonly useWriteBatch: boolean; readonly maxSizeWriteBatch: number; readonly useGetMultipleKeys: boolean; readonly maxSizeGetMultipleKeys: number };
  /** Keep every ChaincodeMessage of the stream in the outcome's transcript. */
  readonly record?: boolean;
  /** The definition's private data collections (test/oracle-protocol/private.go). */
  readonly collections?: ReadonlyArray<{ readonly name: string; readonly members: readonly string[]; readonly memberOnlyRead: boolean; readonly memberOnlyWrite: boolean }>;
  /** 'couchdb': rich queries answered by the oracle's CouchDB fake (mango.go). */
  readonly stateDatabase?: 'leveldb' | 'couchdb';
  /** A history database (history.go), fed by the run's commits. */
  readonly history?: boolean;
  /** The channel's organisations (MSP ID, root CA and an admin's certificate, PEM): Fabric's MSP manager judges collection membership. */
  readonly msps?: ReadonlyArray<{ readonly id: string; readonly rootCert: string; readonly adminCert: string }>;
  /** Second chaincodes for INVOKE_CHAINCODE, each a running server (extensions.go). */
  readonly callees?: ReadonlyArray<{ readonly name: string; readonly packageId: string; readonly address: string; readonly seed: ReadonlyArray<{ readonly namespace: string; readonly key: string; readonly value: string }> }>;
}

/** One ChaincodeMessage as the oracle's peer side sent or received it (bytes as base64). */
export interface OracleMessage {
  readonly dir: string;
  readonly type: string;
  readonly txid: string;
  readonly channel: string;
  readonly payload?: string;
  readonly proposal?: string;
}

export interface OracleWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value?: string;
  readonly isDelete: boolean;
}

export interface OracleTxOutcome {
  readonly txid: string;
  readonly type?: string;
  readonly payload?: string;
  readonly error?: string;
  readonly writes: readonly OracleWrite[];
  readonly metadataWrites: readonly OracleWrite[];
}

export interface OracleOutcome {
  readonly register: string;
  readonly txs: readonly OracleTxOutcome[];
  readonly streamEnd: string;
  readonly fault?: string;
  readonly release: string;
  readonly transcript?: readonly OracleMessage[];
}

/** A running oracle process: one Run per line in, one Outcome per line out. */
export class ProtocolOracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(bin: string) {
    this.child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4_000);
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async run(r: OracleRun, timeoutMs = 120_000): Promise<OracleOutcome> {
    this.child.stdin.write(`${JSON.stringify(r)}\n`);
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([
      this.lines.next(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the protocol oracle gave no answer in ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (line.done) throw new Error(`the protocol oracle exited; stderr: ${this.stderr}`);
    return JSON.parse(line.value) as OracleOutcome;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve();
        return;
      }
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.stdin.end();
    });
  }
}
