import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FABRIC_RELEASES, type FabricRelease } from '../../src/catalogue/releases.js';
import { downloadFailure, fabricGoEnv, fabricModule, HYPERLEDGER_REPOS, mirrorRepo, MIRRORS, namedMirrors, repoOf } from '../../mocks/mirrors.js';
import { ROOT } from '../support/cli.js';

/**
 * Fabric's Go modules are pinned the way Go users pin them (mocks/mirrors.ts): every module file
 * requires Fabric at its release's commit, none replaces github.com/hyperledger/* with a local
 * tree, no machine-specific mirror path is a default anywhere, and the mirror override is wired
 * by environment variables alone.
 */

const FABRIC_GO_MODULES: readonly [string, string][] = [
  ['test/oracle-fabric', 'github.com/hyperledger/fabric'],
  ['test/fabric-ccaas-builder', 'github.com/hyperledger/fabric/ccaas_builder'],
];

function required(modfile: string, mod: string): string | null {
  const m = new RegExp(`^\\s*(?:require\\s+)?${mod.replace(/[./]/g, '\\$&')} (v\\S+)`, 'm').exec(readFileSync(modfile, 'utf8'));
  return m ? (m[1] as string) : null;
}

describe('Fabric pinned as Go modules at the release commits', () => {
  for (const [dir, mod] of FABRIC_GO_MODULES) {
    for (const release of Object.keys(FABRIC_RELEASES) as FabricRelease[]) {
      it(`${dir} (${release}) requires ${mod} at the pseudo-version of ${FABRIC_RELEASES[release].tag}'s commit`, () => {
        const m = fabricModule(join(ROOT, dir), release);
        const v = required(m.modfile, mod);
        assert.ok(v, `${m.modfile} requires ${mod}`);
        assert.match(v, new RegExp(`-${FABRIC_RELEASES[release].commit.slice(0, 12)}$`), 'the version names the release commit');
        const sum = readFileSync(m.modfile.replace(/\.mod$/, '.sum'), 'utf8');
        assert.ok(sum.includes(`${mod} ${v} h1:`) && sum.includes(`${mod} ${v}/go.mod h1:`), 'go.sum records the module and its go.mod');
      });
    }
  }

  it('no go.mod replaces a hyperledger module with a local tree', () => {
    for (const f of ['test/oracle-fabric/go.mod', 'test/oracle-fabric/go.2.5.mod', 'test/fabric-ccaas-builder/go.mod', 'test/fabric-ccaas-builder/go.2.5.mod', 'mocks/chaincode/go/go.mod']) {
      assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /^\s*(replace\s+)?github\.com\/hyperledger\S* =>/m, f);
    }
  });

  it('no machine-specific mirror path in src/, test/, mocks/ or docs/', () => {
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        if (name === 'node_modules' || name === 'bin' || name.startsWith('.')) continue;
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|mjs|go|mod|md)$/.test(name) && readFileSync(p, 'utf8').includes(['', 'work', '.mirror'].join('/'))) offenders.push(p);
      }
    };
    for (const d of ['src', 'test', 'mocks', 'docs']) walk(join(ROOT, d));
    assert.deepEqual(offenders, []);
  });
});

describe('the mirror override (mocks/mirrors.ts)', () => {
  it('a module belongs to the repository with the longest matching root', () => {
    assert.equal(repoOf('github.com/hyperledger/fabric/ccaas_builder')?.env, 'FABRIC_MIRROR');
    assert.equal(repoOf('github.com/hyperledger/fabric-chaincode-go/v2')?.env, 'FABRIC_CHAINCODE_GO_MIRROR');
    assert.equal(repoOf('github.com/hyperledger/fabric-protos-go-apiv2')?.env, 'FABRIC_PROTOS_GO_APIV2_MIRROR');
    assert.equal(repoOf('github.com/hyperledger/fabric-protos-go')?.env, 'FABRIC_PROTOS_GO_MIRROR');
    assert.equal(repoOf('github.com/hyperledger-labs/SmartBFT')?.env, 'SMARTBFT_MIRROR');
    assert.equal(repoOf('google.golang.org/grpc'), null);
  });

  it('only the variables that are set name mirrors', () => {
    assert.deepEqual(namedMirrors({}), []);
    const m = namedMirrors({ FABRIC_CONFIG_MIRROR: '/x/fabric-config.git', FABRIC_MIRROR: '' });
    assert.deepEqual(m.map((x) => [x.repo.module, x.gitDir]), [['github.com/hyperledger/fabric-config', '/x/fabric-config.git']]);
    assert.equal(new Set(HYPERLEDGER_REPOS.map((r) => r.env)).size, HYPERLEDGER_REPOS.length, 'one variable per repository');
  });

  it('a mirror read directly is where its variable says, and nowhere when it is not set', () => {
    const fabric = MIRRORS['fabric'];
    assert.deepEqual(fabric, { module: 'github.com/hyperledger/fabric', env: 'FABRIC_MIRROR' });
    assert.equal(MIRRORS['fabric-protos-go-apiv2']?.env, 'FABRIC_PROTOS_GO_APIV2_MIRROR');
    const saved = process.env['FABRIC_MIRROR'];
    try {
      delete process.env['FABRIC_MIRROR'];
      assert.equal(mirrorRepo(fabric!), '');
      process.env['FABRIC_MIRROR'] = '/somewhere/fabric.git';
      assert.equal(mirrorRepo(fabric!), '/somewhere/fabric.git');
    } finally {
      if (saved === undefined) delete process.env['FABRIC_MIRROR'];
      else process.env['FABRIC_MIRROR'] = saved;
    }
  });

  it('a failed download names the module and the variable that would serve it, in one line', () => {
    const stderr = 'go: downloading github.com/x/y v1.0.0\ngo: github.com/hyperledger/fabric-config@v0.3.0: reading https://proxy.golang.org/github.com/hyperledger/fabric-config/@v/v0.3.0.mod: 403 Forbidden\n';
    const line = downloadFailure(stderr, []);
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /fabric-config@v0\.3\.0: reading .* 403 Forbidden; set FABRIC_CONFIG_MIRROR to a bare clone of https:\/\/github\.com\/hyperledger\/fabric-config/);
    assert.doesNotMatch(downloadFailure(stderr, [repoOf('github.com/hyperledger/fabric-config')!]), /set FABRIC_CONFIG_MIRROR/, 'a mirror already set is not suggested again');
  });

  const noGo = spawnSync('go', ['version'], { stdio: 'ignore', timeout: 30_000 }).status !== 0;
  it('a mirror variable naming no git repository is a one-line skip, and an error with CI=true', { skip: noGo && process.env['CI'] !== 'true' ? 'go is not installed' : false }, () => {
    const m = fabricModule(join(ROOT, 'test', 'fabric-ccaas-builder'), '3.1');
    const base = { ...process.env, FABRIC_MIRROR: join(ROOT, 'no-such-mirror'), CI: '' };
    const r = fabricGoEnv(m, base);
    assert.ok('skip' in r);
    assert.match(r.skip, /^FABRIC_MIRROR=.*no-such-mirror is not a git repository/);
    assert.throws(() => fabricGoEnv(m, { ...base, CI: 'true' }), /CI=true requires/);
  });
});
