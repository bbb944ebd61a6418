import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRule } from '../../src/catalogue/index.js';
import { explainLine, explainLog, PATTERNS } from '../../src/report/explain.js';
import { RULE_STAGE } from '../../src/session/session.js';

/** `explain`: peer log lines, as users paste them, map to the rule, the causes and the checks. */

const ID = `asset_ccaas:${'3f'.repeat(32)}`;

const CASES: ReadonlyArray<[string, string, RegExp]> = [
  [`2024-05-01 10:00:01.123 UTC 0a3 ERRO [chaincode] HandleRegister -> peer will not accept external chaincode connection asset_ccaas (except in dev mode)`, 'PROTO-04', /registered as 'asset_ccaas'/],
  [`Error: endorsement failure during invoke. response: status:500 message:"error in simulation: failed to execute transaction 6f1c: could not launch chaincode ${ID}: error building chaincode: malformed chaincode info at '/var/hyperledger/production/externalbuilder/builds/x/release/chaincode/server/connection.json': json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool"`, 'CONN-03', /tls_required as a JSON string/],
  [`could not launch chaincode ${ID}: error building chaincode: malformed chaincode info at '/x/connection.json': time: invalid duration ""`, 'CONN-06', /dial_timeout/],
  [`could not launch chaincode ${ID}: error building chaincode: malformed chaincode info at '/x/connection.json': invalid character '}' looking for beginning of object key string`, 'CONN-02', /not one JSON object/],
  ['Error: chaincode install failed with status: 500 - failed to invoke backing implementation of \'InstallChaincode\': could not build chaincode: docker build failed: docker build is disabled', 'BLD-06', /type does not match/],
  [`failed to invoke chaincode: could not launch chaincode ${ID}: connection to ${ID} failed: error cannot create connection for ${ID}: error creating grpc connection to cc.example:9999: failed to create new connection: context deadline exceeded`, 'DIAL-03', /dial_timeout/],
  [`could not launch chaincode ${ID}: connection to ${ID} failed: error cannot create connection for ${ID}: error creating grpc connection to peer1_ccaas:9999: connection error: desc = "transport: error while dialing: dial tcp 10.96.121.26:9999: connect: connection refused"`, 'DIAL-03', /Nothing listens on peer1_ccaas:9999/],
  ["Error: chaincode install failed with status: 500 - failed to invoke backing implementation of 'InstallChaincode': could not parse as a chaincode install package: tar entry ./ is not a regular file, type 53", 'PKG-02', /'\.\/' of tar type 53/],
  [`timeout expired while starting chaincode ${ID} for transaction`, 'PROTO-17', /No REGISTER/],
  ['could not parse as a chaincode install package: error reading as gzip stream: gzip: invalid header', 'PKG-01', /not a gzip-compressed tar/],
  ['transport: authentication handshake failed: x509: certificate is valid for localhost, not cc.example.com', 'DIAL-05', /names localhost but the peer dials cc\.example\.com/],
  ['malformed chaincode info', 'CONN-02', /not one JSON object/],
  ['::Error: Failed to unmarshal json: cannot unmarshal string into Go value of type map[string]interface {} command=build', 'CONN-10', /CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG/],
  // The Fabric docs' (test_network.md) line: the Docker endpoint is the first cause named.
  ['Error: chaincode install failed with status: 500 - failed to invoke backing implementation of \'InstallChaincode\': could not build chaincode: docker build failed: docker image inspection failed: Get "http://unix.sock/images/dev-peer0.org1.example.com-basic_1.0-4ec191e793b27e953ff2ede5a8bcc63152cecb1e4c3f301a26e22692c61967ad-42f57faac8360472e47cbbbf3940e81bba83439702d085878d148089a1b213ca/json": dial unix /host/var/run/docker.sock: connect: no such file or directory', 'BLD-06', /^The peer cannot reach Docker at its vm\.endpoint \(\/host\/var\/run\/docker\.sock: no such file or directory\)/],
  ['could not build chaincode: docker build failed: docker image inspection failed: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory', 'BLD-06', /^The peer cannot reach Docker at its vm\.endpoint \(\/var\/run\/docker\.sock: no such file or directory\)/],
  ['could not build chaincode: docker build failed: docker image inspection failed: permission denied while trying to connect to the docker API at unix:///var/run/docker.sock', 'BLD-06', /^The peer cannot reach the Docker API at its vm\.endpoint unix:\/\/\/var\/run\/docker\.sock:/],
  // DIAL-12: the server is not running; the peer's refused dial names DIAL-12 beside DIAL-03, and the server's own bind/lookup errors name DIAL-12 first.
  ['listen tcp 0.0.0.0:9999: bind: address already in use', 'DIAL-12', /cannot bind its CHAINCODE_SERVER_ADDRESS 0\.0\.0\.0:9999 \(address already in use/],
  ['panic: listen tcp: lookup cc.org1.svc.cluster.local on 10.96.0.10:53: no such host', 'DIAL-12', /cannot resolve the host of its CHAINCODE_SERVER_ADDRESS \(cc\.org1\.svc\.cluster\.local\)/],
  // PKG-17: the label becomes file names (install: the saved package; build: the build context's temp dir).
  [`Error: chaincode install failed with status: 500 - failed to invoke backing implementation of 'InstallChaincode': could not save cc install package: error writing chaincode install package to /var/hyperledger/production/lifecycle/chaincodes/${'l'.repeat(190)}.${'3f'.repeat(32)}.tar.gz: error renaming temp file '/var/hyperledger/production/lifecycle/chaincodes/chaincodeInstallPackage-1': rename /var/hyperledger/production/lifecycle/chaincodes/chaincodeInstallPackage-1 /var/hyperledger/production/lifecycle/chaincodes/${'l'.repeat(190)}.${'3f'.repeat(32)}.tar.gz: file name too long`, 'PKG-17', /label is too long .*lifecycle\/chaincodes\/l{190}\./],
  [`could not build chaincode: external builder failed: could not create build context: could not create temp dir: mkdir /tmp/fabric-${'l'.repeat(175)}_${'3f'.repeat(32)}123456789: file name too long`, 'PKG-17', /label is too long .*\/tmp\/fabric-l{175}/],
  ['::Error: Failed to parse the Address field template: template: :1:2: executing "" at <.peername>: map has no entry for key "peername"', 'CONN-10', /the key peername is missing from it on this peer .*\{"peername":"peer0org1"\}/],
];

describe('explain: peer log lines to rules, causes and checks', () => {
  for (const [line, rule, cause] of CASES) {
    it(`${rule} ← ${line.slice(0, 80)}`, () => {
      const best = explainLine(line)[0];
      assert.ok(best, 'nothing recognised');
      assert.equal(best.rules[0]?.id, rule);
      assert.ok(best.causes.some((c) => cause.test(c)), best.causes.join('\n'));
      assert.ok(best.causes.every((c) => !/\$\d/.test(c)), 'unfilled placeholder');
      // no empty placeholder either ("the key  is missing", "at its vm.endpoint :")
      for (const c of best.causes) assert.doesNotMatch(c, /\w  \w|\( *:|\{"":|'':|\s[:;,.]\s/, `empty placeholder in: ${c}`);
    });
  }

  it('the docs\' docker.sock line names the Docker endpoint first, then why the peer went to Docker at all', () => {
    const docs = CASES.find(([l]) => l.includes('/host/var/run/docker.sock'))?.[0] ?? '';
    const best = explainLine(docs)[0];
    assert.equal(best?.pattern, 'docker-endpoint');
    assert.match(best?.causes[0] ?? '', /^The peer cannot reach Docker at its vm\.endpoint \(\/host\/var\/run\/docker\.sock: no such file or directory\)/);
    assert.match(best?.causes[1] ?? '', /only because no external builder built the package/);
  });

  it('a refused dial also names DIAL-12 (the server is not running) and suggests the --command check', () => {
    const line = CASES.find(([l]) => l.includes('connect: connection refused'))?.[0] ?? '';
    const best = explainLine(line)[0];
    assert.deepEqual(best?.rules.map((r) => r.id), ['DIAL-03', 'DIAL-12']);
    assert.ok(best?.causes.some((c) => /server exited/.test(c)), best?.causes.join('\n'));
    assert.ok(best?.checks.some((c) => /--command .*--run DIAL-12,DIAL-03/.test(c)), best?.checks.join('\n'));
  });

  it('every pattern names rules of the catalogue and offers causes', () => {
    for (const p of PATTERNS) {
      assert.ok(p.rules.length > 0 && p.rules.every((id) => findRule(id) !== undefined), `${p.id}: ${p.rules.join(',')}`);
      assert.ok(p.causes.length > 0, p.id);
    }
  });

  it('every check it suggests selects rules the harness judges (so the command runs, not exit 2)', () => {
    for (const p of PATTERNS) {
      for (const check of p.checks) {
        const m = /--run ([A-Z0-9,*?-]+)/.exec(check);
        if (!m) continue;
        for (const id of (m[1] as string).split(',')) assert.ok(RULE_STAGE[id], `${p.id}: --run ${id} names a rule no stage judges`);
      }
    }
  });

  it('falls back to the error texts the catalogue quotes', () => {
    const best = explainLine('GET_STATE failed: transaction ID: 9f2: no ledger context')[0];
    assert.equal(best?.from, 'catalogue');
    assert.equal(best?.rules[0]?.id, 'PROTO-09');
  });

  it('explains each distinct known line of a pasted log, and nothing for unknown text', () => {
    const log = [
      'INFO [lifecycle] starting',
      `ERRO peer will not accept external chaincode connection wrong (except in dev mode)`,
      `ERRO peer will not accept external chaincode connection wrong (except in dev mode)`,
      `WARN timeout expired while starting chaincode ${ID} for transaction`,
    ].join('\n');
    assert.deepEqual(explainLog(log).map((e) => e.rules[0]?.id), ['PROTO-04', 'PROTO-17']);
    assert.deepEqual(explainLog('everything is fine today'), []);
  });
});
