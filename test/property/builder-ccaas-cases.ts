/**
 * Generated inputs for the built-in ccaas builder's three programs, as the peer hands them over:
 * a build context (src from code.tar.gz, metadata/metadata.json, empty bld and release), or a bld
 * tree for release alone; written to disk, run through a program implementation, and snapshotted
 * (exit code, stdout, stderr, every file's type, mode, bytes and link target) so that two
 * implementations can be compared byte for byte at the same paths.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { builderConfig, ccaasConnectionDoc, metadataDoc } from './ccaas-arbitraries.js';

export type Entry =
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

export interface CcaasCase {
  /** full: detect, then build, then release while each exits 0; release: release alone on a bld tree. */
  readonly flow: 'full' | 'release';
  /** Entries under the case root (src/..., metadata/..., bld/...). */
  readonly entries: readonly Entry[];
  readonly config: string | undefined;
  /** Drop arguments from one program's argv (the programs' own argument checks). */
  readonly shortArgv: { readonly program: 'detect' | 'build' | 'release'; readonly keep: number } | null;
}

export interface ProgramOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ProgramName = 'detect' | 'build' | 'release';
/** Runs one program with argv (os.Args[1:]) and the builder config; the implementation under test. */
export type RunProgram = (program: ProgramName, argv: readonly string[], config: string | undefined) => Promise<ProgramOutcome>;

const fileMode = fc.constantFrom(0o644, 0o644, 0o644, 0o600, 0o755, 0o444, 0o400, 0o640);
const dirMode = fc.constantFrom(0o700, 0o700, 0o700, 0o755, 0o750);
const indexName = fc.constantFrom('a.json', 'b.json', 'idx.json', 'x.txt', 'Z.JSON', 'é.json', 'sub/c.json');
const indexData = fc.constantFrom('{"index":{"fields":["a"]},"ddoc":"d","name":"n","type":"json"}', '{}', 'not json', '').map((s) => Buffer.from(s));

/** A type value people write, most of them the builder's. */
const metadataBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('ccaas', 'ccaas', 'ccaas', 'CCAAS', 'CcAaS').map((t) => Buffer.from(JSON.stringify({ type: t, label: 'mycc' }))) },
  { weight: 2, arbitrary: fc.constantFrom(' ccaas', 'external', '', 'ccaas\n', 'c\u0441aas', '\u212acaas').map((t) => Buffer.from(JSON.stringify({ type: t, label: 'mycc' }))) },
  { weight: 1, arbitrary: fc.constantFrom('{"Type":"CCAAS","label":"x"}', '{"TYPE":"ccaas"}', '{"type":5}', '{"type":null}', 'null', '{', '', '\ufeff{"type":"ccaas"}', '{"type":"ccaas"} x', '{"type":"x","type":"ccaas"}').map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: metadataDoc },
);

const metaInf: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Entry[]>([]) },
  {
    weight: 5,
    arbitrary: fc.tuple(dirMode, fc.uniqueArray(fc.tuple(indexName, indexData, fileMode), { maxLength: 3, selector: (t) => t[0] }), fc.boolean(), fc.boolean(), fileMode).map(([dm, files, collection, other, om]) => {
      const out: Entry[] = [];
      const dirs = new Set<string>();
      const addDir = (p: string): void => {
        const parts = p.split('/');
        for (let i = 1; i <= parts.length; i++) {
          const d = parts.slice(0, i).join('/');
          if (!dirs.has(d)) {
            dirs.add(d);
            out.push({ kind: 'dir', path: d, mode: dm });
          }
        }
      };
      const base = 'src/META-INF/statedb/couchdb/indexes';
      addDir(base);
      for (const [name, data, m] of files) {
        const p = `${base}/${name}`;
        addDir(p.slice(0, p.lastIndexOf('/')));
        out.push({ kind: 'file', path: p, mode: m, data });
      }
      if (collection) {
        addDir('src/META-INF/statedb/couchdb/collections/c1/indexes');
        out.push({ kind: 'file', path: 'src/META-INF/statedb/couchdb/collections/c1/indexes/i.json', mode: 0o644, data: Buffer.from('{}') });
      }
      if (other) out.push({ kind: 'file', path: 'src/META-INF/other.txt', mode: om, data: Buffer.from('x') });
      return out;
    }),
  },
  { weight: 1, arbitrary: fc.constant<Entry[]>([{ kind: 'file', path: 'src/META-INF', mode: 0o644, data: Buffer.from('not a directory') }]) },
  { weight: 1, arbitrary: fc.constant<Entry[]>([{ kind: 'dir', path: 'src/META-INF', mode: 0o700 }, { kind: 'file', path: 'src/META-INF/statedb', mode: 0o644, data: Buffer.from('a file') }]) },
  {
    weight: 1,
    arbitrary: fc.constant<Entry[]>([
      { kind: 'dir', path: 'src/META-INF', mode: 0o700 },
      { kind: 'dir', path: 'src/META-INF/statedb', mode: 0o700 },
      { kind: 'dir', path: 'src/META-INF/statedb/couchdb', mode: 0o755 },
      { kind: 'symlink', path: 'src/META-INF/statedb/link', target: 'couchdb' },
      { kind: 'symlink', path: 'src/META-INF/statedb/dangling', target: 'nowhere/x' },
    ]),
  },
);

const connection: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(ccaasConnectionDoc, fileMode).map(([data, mode]): Entry[] => [{ kind: 'file', path: 'src/connection.json', mode, data }]) },
  { weight: 1, arbitrary: fc.constant<Entry[]>([]) },
  { weight: 1, arbitrary: fc.constant<Entry[]>([{ kind: 'dir', path: 'src/connection.json', mode: 0o700 }]) },
);

const metadataEntries: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 12, arbitrary: metadataBytes.map((data): Entry[] => [{ kind: 'file', path: 'metadata/metadata.json', mode: 0o700, data }]) },
  { weight: 1, arbitrary: fc.constant<Entry[]>([]) },
  { weight: 1, arbitrary: fc.constant<Entry[]>([{ kind: 'dir', path: 'metadata/metadata.json', mode: 0o700 }]) },
);

/** A bld tree for release alone: what a build (ccaas or not) may have left. */
const bldEntries: fc.Arbitrary<Entry[]> = fc.tuple(
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(ccaasConnectionDoc, fileMode).map(([data, mode]): Entry[] => [{ kind: 'file', path: 'bld/connection.json', mode, data }]) },
    { weight: 1, arbitrary: fc.constant<Entry[]>([]) },
    { weight: 1, arbitrary: fc.constant<Entry[]>([{ kind: 'dir', path: 'bld/connection.json', mode: 0o700 }]) },
  ),
  metaInf.map((es) => es.map((e): Entry => ({ ...e, path: e.path.replace(/^src\//, 'bld/') }))),
).map(([a, b]) => [...a, ...b]);

const fullFlow: fc.Arbitrary<CcaasCase> = fc.record({
  flow: fc.constant<'full' | 'release'>('full'),
  entries: fc.tuple(metadataEntries, connection, metaInf).map(([a, b, c]): readonly Entry[] => [...a, ...b, ...c]),
  config: builderConfig,
  shortArgv: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ program: fc.constantFrom<ProgramName>('detect', 'build', 'release'), keep: fc.nat({ max: 2 }) }) }),
});

const releaseFlow: fc.Arbitrary<CcaasCase> = fc.record({
  flow: fc.constant<'full' | 'release'>('release'),
  entries: bldEntries.map((e): readonly Entry[] => e),
  config: fc.constant<string | undefined>(undefined),
  shortArgv: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ program: fc.constant<ProgramName>('release'), keep: fc.nat({ max: 1 }) }) }),
});

export const ccaasCase: fc.Arbitrary<CcaasCase> = fc.oneof({ weight: 4, arbitrary: fullFlow }, { weight: 1, arbitrary: releaseFlow });

/** Writes the case under `root` (emptied first): src, metadata, bld, release as the peer creates them. */
export async function materialize(root: string, c: CcaasCase): Promise<void> {
  await rm(root, { recursive: true, force: true });
  for (const d of ['src', 'metadata', 'bld', 'release']) await mkdir(join(root, d), { recursive: true, mode: 0o700 });
  const dirModes: Array<[string, number]> = [];
  for (const e of c.entries) {
    const p = join(root, e.path);
    await mkdir(join(p, '..'), { recursive: true, mode: 0o700 });
    if (e.kind === 'dir') {
      await mkdir(p, { recursive: true });
      dirModes.push([p, e.mode]);
    } else if (e.kind === 'file') {
      await writeFile(p, e.data);
      await chmod(p, e.mode);
    } else {
      await symlink(e.target, p);
    }
  }
  // Directory modes last, deepest first, so that files could be written into them.
  for (const [p, m] of dirModes.sort((a, b) => b[0].length - a[0].length)) await chmod(p, m);
}

/** Every path under root: type, mode, bytes (hashed) and link target, in a stable order. */
export async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const p = rel === '' ? root : join(root, rel);
    const st = await lstat(p);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${rel} -> ${await readlink(p)}`);
    else if (st.isDirectory()) {
      out.push(`${rel}/ ${mode}`);
      for (const n of (await readdir(p)).sort()) await walk(rel === '' ? n : `${rel}/${n}`);
    } else {
      const data = await readFile(p);
      out.push(`${rel} ${mode} ${data.length <= 256 ? JSON.stringify(data.toString('latin1')) : createHash('sha256').update(data).digest('hex')}`);
    }
  };
  await walk('');
  return out;
}

export interface CaseRun {
  readonly steps: ReadonlyArray<{ readonly program: ProgramName; readonly outcome: ProgramOutcome; readonly tree: readonly string[] }>;
}

/** Runs the case's flow at `root` with one implementation, as the peer sequences the programs. */
export async function runCase(root: string, c: CcaasCase, run: RunProgram): Promise<CaseRun> {
  await materialize(root, c);
  const src = join(root, 'src');
  const md = join(root, 'metadata');
  const bld = join(root, 'bld');
  const rel = join(root, 'release');
  const argvFor = (program: ProgramName, full: string[]): string[] => (c.shortArgv && c.shortArgv.program === program ? full.slice(0, Math.min(c.shortArgv.keep, full.length - 1)) : full);
  const plan: Array<[ProgramName, string[]]> = c.flow === 'full' ? [['detect', [src, md]], ['build', [src, md, bld]], ['release', [bld, rel]]] : [['release', [bld, rel]]];
  const steps: CaseRun['steps'][number][] = [];
  for (const [program, full] of plan) {
    const outcome = await run(program, argvFor(program, full), c.config);
    steps.push({ program, outcome, tree: await snapshot(root) });
    if (outcome.code !== 0) break;
  }
  return { steps };
}

/** A one-line description of where two runs differ, or null when they agree. */
export function difference(a: CaseRun, b: CaseRun): string | null {
  const n = Math.max(a.steps.length, b.steps.length);
  for (let i = 0; i < n; i++) {
    const x = a.steps[i];
    const y = b.steps[i];
    if (!x || !y) return `step ${i}: only one implementation ran ${(x ?? y)?.program}`;
    if (x.outcome.code !== y.outcome.code) return `${x.program}: exit ${x.outcome.code} vs ${y.outcome.code}\n${x.outcome.stderr}\nvs\n${y.outcome.stderr}`;
    if (x.outcome.stderr !== y.outcome.stderr) return `${x.program}: stderr\n${JSON.stringify(x.outcome.stderr)}\nvs\n${JSON.stringify(y.outcome.stderr)}`;
    if (x.outcome.stdout !== y.outcome.stdout) return `${x.program}: stdout\n${JSON.stringify(x.outcome.stdout)}\nvs\n${JSON.stringify(y.outcome.stdout)}`;
    const tx = x.tree.join('\n');
    const ty = y.tree.join('\n');
    if (tx !== ty) return `${x.program}: trees differ\n${tx}\n---\n${ty}`;
  }
  return null;
}

/** How far a run got, for the tally. */
export function reached(r: CaseRun): string {
  const last = r.steps[r.steps.length - 1];
  return last ? `${last.program}:${last.outcome.code === 0 ? 'ok' : 'failed'}` : 'none';
}
