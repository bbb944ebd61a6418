import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FABRIC_RELEASES, type FabricRelease, type FabricReleasePin } from '../../src/catalogue/releases.js';
import { run } from './proc.js';
import { withLockAsync } from '../../mocks/mirrors.js';

/**
 * The Fabric binaries of a real peer network, built from source at a pinned release: peer,
 * orderer, configtxgen, cryptogen and osnadmin (`go build -mod=vendor`, Fabric vendors its
 * dependencies) and the built-in ccaas_builder (its own module; its few dependencies come from
 * the Go module proxy). The source is `git archive` of a bare mirror of hyperledger/fabric
 * (FABRIC_MIRROR) at the tag's commit, or a source archive (FABRIC_SOURCE_ARCHIVE_<2_5|3_1>, a
 * .tar.gz of the tree at the tag, e.g. GitHub's). Nothing is read from a fixed path.
 *
 * The binaries are cached outside the repository, keyed by release and commit:
 * $CCAAS_REAL_PEER_CACHE, else $XDG_CACHE_HOME/ccaas-conformance, else ~/.cache/ccaas-conformance,
 * in fabric-<tag>-<commit12>/ (bin/, ccaas_builder/bin/, sampleconfig/, READY). One process
 * builds, under a lock; the others wait for it.
 */

export const BINARIES = ['peer', 'orderer', 'configtxgen', 'cryptogen', 'osnadmin'] as const;

export interface FabricBuild {
  readonly pin: FabricReleasePin;
  readonly dir: string;
  bin(name: (typeof BINARIES)[number]): string;
  /** The ccaas builder directory (bin/detect, bin/build, bin/release). */
  readonly ccaasBuilder: string;
  /** sampleconfig/ of the release (core.yaml, orderer.yaml), the base of the network's configs. */
  readonly sampleconfig: string;
  /** How long this call took, and whether it built or reused the cache. */
  readonly ms: number;
  readonly cached: boolean;
}

export type BuildOutcome = FabricBuild | { readonly skip: string };

const BUILD_DEADLINE_MS = 40 * 60_000;
const LOCK_DEADLINE_MS = BUILD_DEADLINE_MS + 60_000;

export function cacheRoot(): string {
  if (process.env['CCAAS_REAL_PEER_CACHE']) return process.env['CCAAS_REAL_PEER_CACHE'];
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'ccaas-conformance');
}

export function archiveEnv(release: FabricRelease): string {
  return `FABRIC_SOURCE_ARCHIVE_${release.replace('.', '_')}`;
}

/** Where the source comes from, or why it cannot (one line). */
export function sourceOf(pin: FabricReleasePin): { readonly mirror: string } | { readonly archive: string } | { readonly skip: string } {
  const archiveVar = archiveEnv(pin.release);
  const mirror = process.env['FABRIC_MIRROR'];
  if (mirror) {
    if (!existsSync(mirror)) return { skip: `FABRIC_MIRROR=${mirror} does not exist` };
    return { mirror };
  }
  const archive = process.env[archiveVar];
  if (archive) {
    if (!existsSync(archive)) return { skip: `${archiveVar}=${archive} does not exist` };
    return { archive };
  }
  return { skip: `no Fabric source for ${pin.tag}: set FABRIC_MIRROR (a bare git repository of hyperledger/fabric) or ${archiveVar} (a .tar.gz of its tree at ${pin.tag})` };
}

function ready(dir: string, commit: string): boolean {
  try {
    return readFileSync(join(dir, 'READY'), 'utf8').trim() === commit;
  } catch {
    return false;
  }
}

function made(pin: FabricReleasePin, dir: string, ms: number, cached: boolean): FabricBuild {
  return {
    pin,
    dir,
    bin: (name) => join(dir, 'bin', name),
    ccaasBuilder: join(dir, 'ccaas_builder'),
    sampleconfig: join(dir, 'sampleconfig'),
    ms,
    cached,
  };
}

async function extract(src: { readonly mirror: string } | { readonly archive: string }, pin: FabricReleasePin, into: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  if ('mirror' in src) {
    const rev = await run('git', ['--git-dir', src.mirror, 'rev-parse', '--verify', '--quiet', `${pin.tag}^{commit}`], { timeoutMs: 60_000 });
    const commit = rev.stdout.trim();
    if (rev.code !== 0 || commit !== pin.commit) throw new Error(`the mirror ${src.mirror} names ${pin.tag} ${commit || '(absent)'}, not the pinned ${pin.commit}`);
    const tar = await run('sh', ['-c', 'git --git-dir "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', src.mirror, pin.commit, into], { timeoutMs: 600_000 });
    if (tar.code !== 0) throw new Error(`git archive of ${src.mirror} at ${pin.commit} failed: ${tar.stderr.trim()}`);
  } else {
    const tar = await run('tar', ['-xzf', src.archive, '-C', into], { timeoutMs: 600_000 });
    if (tar.code !== 0) throw new Error(`could not unpack ${src.archive}: ${tar.stderr.trim()}`);
  }
  // an archive of a tree may hold it in one top-level folder (fabric-3.1.5/)
  if (!existsSync(join(into, 'go.mod'))) {
    const entries = readdirSync(into);
    const only = entries[0];
    if (entries.length === 1 && only && existsSync(join(into, only, 'go.mod'))) {
      for (const e of readdirSync(join(into, only))) renameSync(join(into, only, e), join(into, e));
      rmSync(join(into, only), { recursive: true, force: true });
    }
  }
  if (!existsSync(join(into, 'go.mod')) || !existsSync(join(into, 'vendor'))) throw new Error(`the Fabric source for ${pin.tag} has no go.mod and vendor/`);
}

/** The binaries of `release`, built now or taken from the cache. */
export async function fabricBuild(release: FabricRelease, log: (line: string) => void = () => undefined): Promise<BuildOutcome> {
  const pin = FABRIC_RELEASES[release];
  const started = performance.now();
  const root = cacheRoot();
  const dir = join(root, `fabric-${pin.tag}-${pin.commit.slice(0, 12)}`);
  if (ready(dir, pin.commit)) return made(pin, dir, Math.round(performance.now() - started), true);
  const src = sourceOf(pin);
  if ('skip' in src) return src;
  const go = await run('go', ['version'], { timeoutMs: 60_000 });
  if (go.code !== 0) return { skip: `go is not available: the Fabric ${pin.tag} binaries cannot be built` };
  mkdirSync(root, { recursive: true });
  return withLockAsync(`${dir}.lock`, async () => {
    if (ready(dir, pin.commit)) return made(pin, dir, Math.round(performance.now() - started), true);
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    try {
      const tree = join(work, 'src');
      log(`extracting Fabric ${pin.tag} (${pin.commit.slice(0, 12)}) from ${'mirror' in src ? src.mirror : src.archive}`);
      await extract(src, pin, tree);
      log(`building ${BINARIES.join(', ')} with go build -mod=vendor (minutes on a cold cache)`);
      const env = { ...process.env, CGO_ENABLED: process.env['CGO_ENABLED'] ?? '1' };
      const b = await run('go', ['build', '-mod=vendor', '-trimpath', '-o', join(work, 'bin') + '/', ...BINARIES.map((n) => `./cmd/${n}`)], { cwd: tree, env, timeoutMs: BUILD_DEADLINE_MS });
      if (b.code !== 0) throw new Error(`go build of Fabric ${pin.tag} failed (${b.timedOut ? 'deadline' : `exit ${b.code}`}):\n${b.stderr.slice(-4000)}`);
      log('building ccaas_builder');
      const c = await run('go', ['build', '-trimpath', '-o', join(work, 'ccaas_builder', 'bin') + '/', './cmd/detect', './cmd/build', './cmd/release'], { cwd: join(tree, 'ccaas_builder'), env: { ...env, GOFLAGS: '-mod=mod' }, timeoutMs: 600_000 });
      if (c.code !== 0) throw new Error(`go build of Fabric ${pin.tag} ccaas_builder failed:\n${c.stderr.slice(-4000)}`);
      mkdirSync(join(work, 'sampleconfig'));
      for (const f of ['core.yaml', 'orderer.yaml']) copyFileSync(join(tree, 'sampleconfig', f), join(work, 'sampleconfig', f));
      rmSync(tree, { recursive: true, force: true });
      writeFileSync(join(work, 'READY'), `${pin.commit}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(work, dir);
      return made(pin, dir, Math.round(performance.now() - started), false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, LOCK_DEADLINE_MS);
}
