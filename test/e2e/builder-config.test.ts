import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildModel, parseEnvelopes } from '../../src/report/model.js';
import type { ResultJson } from '../../src/report/result.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { ROOT, runCli, tempDir, type CliRun } from '../support/cli.js';
import { realCcaasBuilder } from '../support/fabric.js';

/**
 * The builder configuration through the real CLI: --core-yaml read as the peer reads it,
 * CORE_CHAINCODE_EXTERNALBUILDERS, one package on several peers, the Fabric docs' sample builder,
 * and a package the stock builder does not claim. The install wait (B9) is a scenario of
 * features/vectors/03-builders.feature.
 */

const POSIX = join(ROOT, 'mocks', 'builders', 'posix-ccaas');

function rule(result: ResultJson, id: string): ResultJson['rules'][number] {
  const r = result.rules.find((x) => x.id === id);
  assert.ok(r, `no result for ${id}`);
  return r;
}

function coreYaml(builders: string, chaincode = ''): string {
  return `peer:\n  localMspId: Org1MSP\nchaincode:\n${chaincode}  externalBuilders:\n${builders}`;
}

describe('builder configuration end to end', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pkg = '';
  let n = 0;
  const check = async (args: string[], env: Record<string, string> = {}, reportName?: string): Promise<{ run: CliRun; result: ResultJson }> => {
    const reportDir = join(dir.path, reportName ?? `r${n++}`);
    const run = await runCli([...args, '--offline', '--quiet'], { reportDir, env, timeoutMs: 60_000 });
    return { run, result: await run.result() };
  };
  const yamlFile = async (text: string): Promise<string> => {
    const f = join(dir.path, `core-${n++}.yaml`);
    await writeFile(f, text);
    return f;
  };

  before(async () => {
    dir = await tempDir('builder-config-');
    pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: 'localhost:9999' });
  });
  after(async () => dir.remove());

  it('--core-yaml: the peer\'s builders, with what it ignores said plainly', async () => {
    const f = await yamlFile(coreYaml(`    - name: posix\n      path: ${POSIX}\n      environmentWhitelist: [A]\n`));
    const { run, result } = await check([pkg, '--core-yaml', f]);
    assert.equal(run.code, 0, run.stderr);
    const b1 = rule(result, 'BLD-01');
    assert.equal(b1.status, 'passed');
    assert.match(b1.message, /from core\.yaml\): 'posix'/);
    assert.match(b1.message, /environmentWhitelist` is ignored by the peer/);
    assert.equal(rule(result, 'BLD-13').status, 'passed');
    assert.equal(rule(result, 'BLD-15').status, 'disabled');
  });

  it('BLD-01: a builder without a name stops the peer at start with its own words', async () => {
    const f = await yamlFile(coreYaml('    - path: /opt/x\n'));
    const { run, result } = await check([pkg, '--core-yaml', f]);
    assert.equal(run.code, 1);
    const b1 = rule(result, 'BLD-01');
    assert.equal(b1.status, 'failed');
    assert.equal(b1.peerError, 'external builder at path /opt/x has no name attribute');
    assert.equal(rule(result, 'BLD-06').status, 'skipped');
    const empty = await check([pkg, '--core-yaml', f], { CORE_CHAINCODE_EXTERNALBUILDERS: '' });
    assert.equal(rule(empty.result, 'BLD-01').peerError, 'VMEndpoint not set and no ExternalBuilders defined');
  });

  it('CORE_CHAINCODE_EXTERNALBUILDERS overrides core.yaml; a relative path works from the peer\'s working directory (DRIFT-26)', async () => {
    const f = await yamlFile(coreYaml('    - name: gone\n      path: /nonexistent\n', '  keepalive: 30s\n'));
    const { run, result } = await check([pkg, '--core-yaml', f], { CORE_CHAINCODE_EXTERNALBUILDERS: '[{name: rel, path: mocks/builders/posix-ccaas, unknownKey: 1}]' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(rule(result, 'BLD-01').message, /from CORE_CHAINCODE_EXTERNALBUILDERS\): 'rel' \(mocks\/builders\/posix-ccaas\).*unknown key `unknownKey` is ignored/);
    assert.equal(rule(result, 'BLD-06').message, "builder 'rel' detected the package");
    assert.equal(rule(result, 'DRIFT-26').status, 'failed');
    assert.match(rule(result, 'DRIFT-27').message, /'30s'.*silently turns keepalive off/);
  });

  it('one package, many peers: each peer\'s connection.json, and a failure when a peer would need its own package', async () => {
    const tpl = await writeSamplePackage(join(dir.path, 'tpl.tgz'), { address: '{{.peer}}-cc:9999' });
    const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peer":"peer0"}' };
    const peers = ['--peer', 'peer0', '--builder-config', '{"peer":"peer0"}', '--peer', 'peer1', '--builder-config', '{"peer":"peer1"}'];
    const ok = await check([tpl, ...peers], env, 'peers-ok');
    assert.equal(ok.run.code, 0, ok.run.stderr);
    assert.match(rule(ok.result, 'BLD-22').message, /one package builds on all 2 peers.*2 different connection\.json files/);
    const model = buildModel(parseEnvelopes(await readFile(join(dir.path, 'peers-ok', 'messages.ndjson'), 'utf8')));
    const perPeer = model.evidence.find((e) => e.title === 'connection.json per peer')?.data as Array<{ name: string; connectionJson: string }>;
    assert.deepEqual(perPeer.map((p) => [p.name, JSON.parse(p.connectionJson).address]), [['peer0', 'peer0-cc:9999'], ['peer1', 'peer1-cc:9999']]);
    const bad = await check([tpl, ...peers, '--peer', 'peer2', '--builder-config', '{"host":"x"}'], env);
    assert.equal(bad.run.code, 1);
    const b22 = rule(bad.result, 'BLD-22');
    assert.equal(b22.status, 'failed');
    assert.match(b22.message, /cannot be installed as is on 'peer2'.*map has no entry for key "peer".*one package per peer/);
    const usage = await runCli([tpl, '--peer', 'x', '--offline'], { reportDir: join(dir.path, 'usage') });
    assert.equal(usage.code, 2);
  });

  it('B10 in a run: no dial_timeout passes the build but fails CONN-10 (the rewrite) and CONN-06 (every launch), with the peer\'s text', async () => {
    const file = await writeSamplePackage(join(dir.path, 'no-timeout.tgz'), { address: 'localhost:9999', rawConnectionJson: '{"address":"localhost:9999"}' });
    const { run, result } = await check([file]);
    assert.equal(run.code, 1);
    assert.equal(rule(result, 'BLD-15').status, 'passed');
    assert.equal(rule(result, 'CONN-10').status, 'failed');
    assert.match(rule(result, 'CONN-10').message, /writes "dial_timeout":"" into the release/);
    // the real peer's launch error (test/realpeer case dial-timeout-missing)
    assert.match(rule(result, 'CONN-10').peerError ?? '', /^could not launch chaincode \S+: error building chaincode: malformed chaincode info at '.*connection\.json': time: invalid duration ""$/);
    assert.equal(rule(result, 'CONN-06').status, 'failed');
    assert.match(rule(result, 'CONN-06').peerError ?? '', /error building chaincode: malformed chaincode info at '.*connection\.json': time: invalid duration ""$/);
  });

  it('DRIFT-13: type "external" with the stock peer configuration falls through the ccaas builder to the stock Docker endpoint', async () => {
    const ext = await writeSamplePackage(join(dir.path, 'external.tgz'), { address: 'localhost:9999', type: 'external' });
    const { run, result } = await check([ext]);
    assert.equal(run.code, 1);
    // The peer image's core.yaml sets vm.endpoint unix:///var/run/docker.sock; the image has no socket there.
    assert.equal(rule(result, 'BLD-06').peerError, 'could not build chaincode: docker build failed: docker image inspection failed: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory');
    assert.match(rule(result, 'BLD-06').message, /where the socket is mounted and Docker answers, it fails "could not build chaincode: docker build failed: platform builder failed: Failed to generate a Dockerfile: Unknown chaincodeType: EXTERNAL"/);
    assert.doesNotMatch(rule(result, 'BLD-06').message, /disabled/);
    assert.equal(rule(result, 'DRIFT-13').status, 'failed');
    assert.match(rule(result, 'DRIFT-13').message, /falls back to a Docker build through vm\.endpoint unix:\/\/\/var\/run\/docker\.sock/);
    // A core.yaml of yours decides: vm.endpoint unset there means the Docker builder is a disabled stub.
    const f = await yamlFile(`${coreYaml('    - name: ccaas_builder\n      path: /opt/hyperledger/ccaas_builder\n')}vm:\n  endpoint: ""\n`);
    const own = await check([ext, '--core-yaml', f]);
    assert.equal(rule(own.result, 'BLD-06').peerError, 'could not build chaincode: docker build failed: docker build is disabled');
    assert.match(rule(own.result, 'DRIFT-13').message, /with vm\.endpoint unset, install fails "docker build is disabled"/);
    assert.match(rule(result, 'BLD-15').message, /does not claim this package: ::Error: chaincode type not supported: external/);
    assert.equal(rule(result, 'DRIFT-20').status, 'failed');
  });

  it('the Fabric docs\' sample external builder: works where jq exists, flagged for the stock peer image', { skip: spawnSync('jq', ['--version']).status === 0 || process.env['CI'] === 'true' ? false : 'jq not installed: the docs\' sample builder needs it' }, async () => {
    const ext = await writeSamplePackage(join(dir.path, 'external2.tgz'), { address: 'localhost:9999', type: 'external' });
    const { run, result } = await check([ext, '--builder', join(ROOT, 'mocks', 'builders', 'sample-external')]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(rule(result, 'BLD-13').status, 'passed');
    assert.match(rule(result, 'BLD-19').message, /calls jq, which the stock peer image/);
  });

  const real = realCcaasBuilder();
  it("B10-B13 through the CLI: Fabric's own ccaas_builder and the bundled twin give the same verdicts", { skip: 'skip' in real ? real.skip : false, timeout: 300_000 }, async () => {
    const realDir = (real as { dir: string }).dir;
    const cases: Array<[string, Parameters<typeof writeSamplePackage>[1], string[]]> = [
      ['sample', { address: 'localhost:9999' }, []],
      ['B10 no dial_timeout', { address: 'localhost:9999', rawConnectionJson: '{"address":"localhost:9999","tls_required":false}' }, []],
      ['B11 numeric dial_timeout', { address: 'localhost:9999', connection: { dial_timeout: 10 } }, []],
      ['B12 templated address', { address: '{{.host}}:9999' }, ['--propagate', 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG']],
      ['B13 domain', { address: 'localhost:9999', connection: { domain: 'cc.example.com' } }, []],
      ['type external', { address: 'localhost:9999', type: 'external' }, []],
    ];
    const judged = ['BLD-06', 'BLD-08', 'BLD-12', 'BLD-13', 'CONN-01', 'CONN-02', 'CONN-03', 'CONN-05', 'CONN-06', 'CONN-07'];
    const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"host":"cc0"}' };
    for (const [name, o, extra] of cases) {
      const file = await writeSamplePackage(join(dir.path, `${name.replace(/\W+/g, '-')}.tgz`), o);
      const bundled = await check([file, '--builder', '/opt/hyperledger/ccaas_builder', ...extra], env);
      const fabric = await check([file, '--builder', realDir, ...extra], env);
      assert.equal(fabric.run.code, bundled.run.code, `${name}: exit code`);
      for (const id of judged) {
        const [a, b] = [rule(bundled.result, id), rule(fabric.result, id)];
        // the builder's name is its directory's: normalise it before comparing the peer's texts
        const peerText = (r: typeof a): string => (r.peerError ?? '').replaceAll("'builder'", "'ccaas_builder'");
        assert.equal(b.status, a.status, `${name} ${id}: Fabric's builder says ${b.status} (${b.message}), the twin ${a.status} (${a.message})`);
        assert.equal(peerText(b), peerText(a), `${name} ${id}: the peer's error text`);
      }
    }
  });
});
