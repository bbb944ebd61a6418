import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { freePort, runCli, tempDir } from '../support/cli.js';

/** `invoke`, `query`, `bench` and `init` through the real CLI against the Node server fixture. */

describe('ccaas-conformance invoke | query | bench | init', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pkg: string;
  before(async () => {
    dir = await tempDir();
    pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: `localhost:${await freePort()}` });
  });
  after(async () => dir.remove());

  it('invoke prints what peer chaincode invoke prints; query prints the payload', async () => {
    const inv = await runCli(['invoke', pkg, 'CreateAsset', 'a1', 'blue', '--command', nodeServerCommand()]);
    assert.equal(inv.code, 0, inv.stderr);
    assert.match(inv.stderr, /Chaincode invoke successful\. result: status:200 payload:"\{\\"id\\":\\"a1\\",\\"value\\":\\"blue\\",\\"owner\\":\\"Org1MSP\\"\}"/);
    assert.match(inv.stderr, /chaincode event AssetCreated/);
    const q = await runCli(['query', pkg, 'Ping', '--command', nodeServerCommand()]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stdout, 'pong\n');
    const miss = await runCli(['query', pkg, 'ReadAsset', 'nope', '--command', nodeServerCommand()]);
    assert.equal(miss.code, 1);
    assert.match(miss.stderr, /^Error: endorsement failure during query\. response: status:500 message:"asset nope does not exist"$/m);
    const json = await runCli(['query', pkg, 'WhoAmI', '--user', 'alice', '--json', '--command', nodeServerCommand()]);
    const out = JSON.parse(json.stdout) as { status: number; payload: string; txId: string };
    assert.equal(out.status, 200);
    assert.match(out.payload, /CN=alice/);
    assert.match(out.txId, /^[0-9a-f]{64}$/);
  });

  it('--save-state and --state carry the world state from one command to the next', async () => {
    const saved = join(dir.path, 'state.json');
    const inv = await runCli(['invoke', pkg, 'CreateAsset', 'a2', 'green', '--save-state', saved, '--command', nodeServerCommand()]);
    assert.equal(inv.code, 0, inv.stderr);
    const file = JSON.parse(await readFile(saved, 'utf8')) as Record<string, string>;
    assert.deepEqual(JSON.parse(file['a2'] ?? 'null'), { id: 'a2', value: 'green', owner: 'Org1MSP' });
    const q = await runCli(['query', pkg, 'ReadAsset', 'a2', '--state', saved, '--command', nodeServerCommand()]);
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), { id: 'a2', value: 'green', owner: 'Org1MSP' });
    const bad = join(dir.path, 'bad-state.json');
    await writeFile(bad, '["not", "an", "object"]');
    const refused = await runCli(['query', pkg, 'ReadAsset', 'a2', '--state', bad, '--command', nodeServerCommand()]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--state .*bad-state\.json: the world state must be a JSON object of key: value/);
  });

  it('refuses a server registered with the wrong package ID in seconds, with the peer\'s text', async () => {
    const wrong = `CORE_CHAINCODE_ID=asset_ccaas:${'1'.repeat(64)} ${nodeServerCommand()}`;
    const r = await runCli(['query', pkg, 'Ping', '--command', wrong]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PROTO-04/);
    assert.match(r.stderr, /peer will not accept external chaincode connection asset_ccaas:1{64} \(except in dev mode\)/);
    assert.ok(r.ms < 60_000, `${r.ms} ms: a hang guard only, many times what the run needs`);
  });

  it('--init-required routes INIT and TRANSACTION as CheckInvocation does', async () => {
    const before = await runCli(['query', pkg, 'Ping', '--init-required', '--command', nodeServerCommand()]);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /invalid invocation: chaincode 'asset_ccaas' has not been initialized for this version, must call as init first/);
    const init = await runCli(['invoke', pkg, 'Ping', '--isInit', '--init-required', '--command', nodeServerCommand()]);
    assert.equal(init.code, 0, init.stderr);
  });

  it('bench prints throughput, latency and peer CPU per transaction', async () => {
    const r = await runCli(['bench', pkg, '--fn', 'Ping', '--tx', '300', '--concurrency', '16', '--warmup', '50', '--json', '--command', nodeServerCommand()]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { tx: number; failed: number; txPerSecond: number; p50Ms: number; p99Ms: number; peerCpuUsPerTx: number };
    assert.equal(s.tx, 300);
    assert.equal(s.failed, 0);
    assert.ok(s.txPerSecond > 0 && s.p99Ms >= s.p50Ms && s.peerCpuUsPerTx > 0, JSON.stringify(s));
  });

  it('init scaffolds a features folder whose example passes with --features', async () => {
    const init = await runCli(['init', join(dir.path, 'team')]);
    assert.equal(init.code, 0, init.stderr);
    const feature = join(dir.path, 'team', 'features', 'example.feature');
    assert.match(await readFile(feature, 'utf8'), /Given the chaincode is running/);
    assert.equal((await runCli(['init', join(dir.path, 'team')])).code, 2, 'does not overwrite');
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--features', join(dir.path, 'team', 'features'), '--quiet'], { reportDir: join(dir.path, 'r') });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = JSON.parse(await readFile(join(dir.path, 'r', 'result.json'), 'utf8')) as { scenarios: Array<{ status: string }>; gate: { exitCode: number } };
    assert.ok(result.scenarios.length > 0 && result.scenarios.every((x) => x.status === 'passed'), JSON.stringify(result.scenarios));
    assert.equal(result.gate.exitCode, 0);
  });

  it('--core-yaml gives the mock peer the peer\'s own chaincode.keepalive and runtimeParams (fabric-shim 2.5.8 exits on KEEPALIVE)', async () => {
    const core = join(dir.path, 'core.yaml');
    await writeFile(core, 'chaincode:\n  keepalive: 1\n  runtimeParams:\n    useWriteBatch: false\n  externalBuilders:\n    - name: ccaas_builder\n      path: /opt/hyperledger/ccaas_builder\n      propagateEnvironment:\n        - CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\n');
    // Only PROTO-14 is judged: the shim exits at the first KEEPALIVE (1 s), and on a loaded machine
    // that comes while later rules (PROTO-08, PROTO-16) still need the server (issue 12: a race
    // with the clock, not a verdict).
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--core-yaml', core, '--quiet', '--run', 'PROTO-14'], { reportDir: join(dir.path, 'r-core') });
    const rule = (await run.result()).rules.find((r) => r.id === 'PROTO-14');
    assert.equal(rule?.status, 'failed', rule?.message);
    assert.match(rule?.message ?? '', /with chaincode\.keepalive 1 the server ended the stream/);
    assert.equal(run.code, 0, 'PROTO-14 is a SHOULD rule');
    const ndjson = await readFile(join(dir.path, 'r-core', 'messages.ndjson'), 'utf8');
    assert.match(ndjson, /ChaincodeAdditionalParams: use_write_batch false, max_size_write_batch 1000, use_get_multiple_keys false, max_size_get_multiple_keys 1000/, 'READY carried the core.yaml runtimeParams (unset booleans false)');
  });

  it('a failing scenario of your own fails the run', async () => {
    const bad = join(dir.path, 'bad');
    await (await import('node:fs/promises')).mkdir(bad, { recursive: true });
    await (await import('node:fs/promises')).writeFile(join(bad, 'bad.feature'), 'Feature: bad\n  Scenario: wrong payload\n    Given the chaincode is running\n    When I query "Ping"\n    Then the response payload is "ping"\n');
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--features', bad, '--quiet'], { reportDir: join(dir.path, 'rb') });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    // every report says so, from the one message stream: result.json, junit.xml, index.html
    const rb = join(dir.path, 'rb');
    const result = JSON.parse(await readFile(join(rb, 'result.json'), 'utf8')) as { verdict: string; scenarios: Array<{ name: string; status: string; failedStep: string }>; gate: { exitCode: number; reasons: string[] } };
    assert.equal(result.verdict, 'conformant', 'the package itself conforms');
    assert.equal(result.gate.exitCode, 1);
    assert.deepEqual(result.scenarios.map((x) => [x.name, x.status, x.failedStep]), [['wrong payload', 'failed', 'the response payload is "ping"']]);
    assert.ok(result.gate.reasons.some((r) => /^your scenario "wrong payload" failed at "the response payload is "ping"": .*expected payload 'ping', got status 200/.test(r)), JSON.stringify(result.gate.reasons));
    const junit = await readFile(join(rb, 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite name="your scenarios" id="your-scenarios" tests="1" failures="1"/);
    assert.match(junit, /<testsuites name="ccaas-conformance" tests="\d+" failures="1"/);
    const html = await readFile(join(rb, 'index.html'), 'utf8');
    assert.match(html, /id="your-scenarios"[\s\S]*wrong payload[\s\S]*data-status="failed"|data-status="failed"[\s\S]*wrong payload/);
    // the scenario's own messages: its TRANSACTION and COMPLETED, in a drawer of its row
    const own = html.slice(html.indexOf('id="your-scenarios"'));
    assert.match(own, /ChaincodeMessage transcript[\s\S]*<b>TRANSACTION<\/b>[\s\S]*<b>COMPLETED<\/b>/);
    // and the console, without --quiet
    const loud = await runCli([pkg, '--command', nodeServerCommand(), '--features', bad], { reportDir: join(dir.path, 'rc') });
    assert.equal(loud.code, 1);
    assert.match(loud.stdout, /your scenarios: 0 passed, 1 failed/);
    assert.match(loud.stdout, /exit 1 \(--level must\): 1 of your scenarios failed/);
  });
});
