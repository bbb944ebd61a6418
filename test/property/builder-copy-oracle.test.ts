import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { copyDir } from '../../src/builder/copy.js';
import { ORACLE_RELEASES } from '../support/fabric.js';
import { LastFailure } from './archive-report.js';
import { fabricOracleUnavailable, Oracle, oracleRunName, oracleRuns, propertySeed, reportAgreement } from './json-oracle-client.js';

/**
 * The persistence copy of the builder's output (BLD-09) against the peer's own
 * externalbuilder.CopyDir (test/oracle-fabric mode `copydir`), per pinned release: generated
 * source trees (nested directories with odd modes, files, symlinks inside, outside and absolute,
 * FIFOs, names in byte order) copied by both; the same error text, the destination removed or
 * not, and the same tree (kinds, permission bits, sizes, content, link targets). Our copyDir copies
 * files concurrently: this is what says the result is still Go's.
 */

const DEFAULT_RUNS = 300;

type Node =
  | { readonly kind: 'dir'; readonly mode: number; readonly children: ReadonlyArray<readonly [string, Node]> }
  | { readonly kind: 'file'; readonly mode: number; readonly size: number }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'fifo' };

const NAMES = ['a', 'B', 'b', 'z', 'é', '..foo', 'x y', 'chaincode', 'server'];
const TARGETS = ['a', 'b', './a', '../a', '..foo', '.', '..', '../../outside', '/etc/passwd', 'missing', 'chaincode/server', 'a/../../x'];

const fileArb: fc.Arbitrary<Node> = fc.record({
  kind: fc.constant('file' as const),
  mode: fc.constantFrom(0o644, 0o600, 0o755, 0o400, 0o640, 0o4755, 0o2755, 0o1644),
  size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 250_000, max: 600_000 })),
});
const linkArb: fc.Arbitrary<Node> = fc.record({ kind: fc.constant('link' as const), target: fc.constantFrom(...TARGETS) });

const treeArb: fc.Arbitrary<Node> = fc.letrec<{ dir: Node }>((tie) => ({
  dir: fc.record({
    kind: fc.constant('dir' as const),
    mode: fc.constantFrom(0o755, 0o700, 0o750, 0o777, 0o555, 0o1777, 0o2750),
    children: fc.uniqueArray(
      fc.tuple(
        fc.constantFrom(...NAMES),
        fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          { arbitrary: fileArb, weight: 6 },
          { arbitrary: linkArb, weight: 3 },
          { arbitrary: fc.constant<Node>({ kind: 'fifo' }), weight: 1 },
          { arbitrary: tie('dir'), weight: 2 },
        ),
      ),
      { maxLength: 6, selector: ([name]) => name },
    ),
  }),
})).dir;

/** Writes the tree under `root` (a fresh path); directory modes last, deepest first, so a 0555 directory can be filled. */
function build(root: string, node: Node, chmods: Array<() => void>, seed: number): void {
  switch (node.kind) {
    case 'dir':
      mkdirSync(root, { mode: 0o700 });
      node.children.forEach(([name, child], i) => build(join(root, name), child, chmods, seed * 31 + i));
      chmods.push(() => chmodSync(root, node.mode));
      return;
    case 'file': {
      const body = Buffer.alloc(node.size, `${seed}:`);
      writeFileSync(root, body);
      chmodSync(root, node.mode);
      return;
    }
    case 'link':
      symlinkSync(node.target, root);
      return;
    case 'fifo':
      execFileSync('mkfifo', ['-m', '0644', root]);
  }
}

/** The destination as the oracle lists it: kind, permission bits, content or link target. */
function listing(root: string): string[] {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    for (const n of readdirSync(rel ? join(root, rel) : root)) {
      const r = rel ? `${rel}/${n}` : n;
      const p = join(root, r);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        lines.push(`${r} d ${mode}`);
        walk(r);
      } else if (st.isSymbolicLink()) lines.push(`${r} l ${readlinkSync(p)}`);
      else if (st.isFile()) lines.push(`${r} f ${mode} ${st.size} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      else lines.push(`${r} ? ${mode}`);
    }
  };
  try {
    walk('');
  } catch {
    return [];
  }
  return lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Makes a tree removable again (a 0555 directory inside it). */
function removeTree(p: string): void {
  try {
    execFileSync('chmod', ['-R', 'u+rwx', p], { stdio: 'ignore' });
  } catch {
    // nothing there
  }
  rmSync(p, { recursive: true, force: true });
}

for (const release of ORACLE_RELEASES) {
  describe(`copyDir agrees with Fabric's own externalbuilder.CopyDir (test/oracle-fabric mode \`copydir\`), Fabric ${release}`, () => {
    const skip = fabricOracleUnavailable(release);
    let oracle: Oracle | null = null;
    let dir = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ccaas-copydir-prop-'));
      if (!skip) oracle = Oracle.startFabric(release);
    }, { timeout: 900_000 });
    after(() => {
      oracle?.close();
      removeTree(dir);
    });

    const runs = oracleRuns(DEFAULT_RUNS, release);
    it(`${runs} generated source trees: error text, the destination kept or removed, and the copied tree`, { skip: skip ?? false, timeout: 1_800_000 }, async () => {
      const name = oracleRunName('builder-copy-oracle', 'Fabric', release);
      const seed = propertySeed(name);
      const tally = new Map<string, number>();
      const last = new LastFailure();
      let n = 0;
      await last.assert(async () => {
        await fc.assert(fc.asyncProperty(treeArb, (tree) => last.run(() => `tree: ${JSON.stringify(tree)}`, async () => {
          const work = join(dir, `c${n++}`);
          mkdirSync(work);
          try {
            const src = join(work, 'release');
            const chmods: Array<() => void> = [];
            build(src, tree, chmods, n);
            for (const c of chmods.reverse()) c();
            mkdirSync(join(work, 'go'));
            mkdirSync(join(work, 'ts'));
            const goDst = join(work, 'go', 'release');
            const tsDst = join(work, 'ts', 'release');
            if (!oracle) throw new Error('the Fabric oracle is not running');
            const v = await oracle.ask({ mode: 'copydir', input: new Uint8Array(0), args: { src, dst: goDst } });
            const r = await copyDir(src, tsDst);
            assert.equal(v.panic, undefined, 'the oracle panicked');
            const goError = v.ok ? '' : (v.error ?? '').replace(/^failed to copy .*? to <dst>: /, '');
            const ours = r.ok ? '' : r.error.split(tsDst).join('<dst>');
            assert.equal(ours, goError, 'error text');
            assert.equal(exists(tsDst), v.result?.['exists'], 'the destination kept or removed');
            assert.deepEqual(listing(tsDst), v.result?.['tree'] ?? [], 'the copied tree');
            const key = r.ok ? 'accepted' : r.error.replace(/^(refusing to copy [a-z ]+?) .*$/, '$1').replace(/\/\S*/g, '<path>').slice(0, 70);
            tally.set(key, (tally.get(key) ?? 0) + 1);
          } finally {
            removeTree(work);
          }
        })), { seed, numRuns: runs });
      }, () => undefined);
      const accepted = reportAgreement({ name, runs, what: 'source trees', against: `Fabric ${release}` }, tally);
      assert.ok(accepted > runs / 10, 'the generator reaches trees that copy');
      assert.ok(tally.size >= 3, `the generator reaches the refusals too: ${[...tally.keys()].join('; ')}`);
    });
  });
}
