import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCA, issue } from '../../src/pki/index.js';
import { tempDir } from '../support/cli.js';
import { allText, hostilePackage, keyEncodings, leakedLines, processesWith, reportProblems, watchCli, writeBuilder } from '../support/hostile.js';

/**
 * Issue 12 through the real CLI, one defect at a time (the fault suite, test/e2e/faults.test.ts,
 * generates many more): keys a builder prints in other encodings, a key-named variable holding a
 * path, escape codes from a package and a builder, signals during a build, two runs sharing a
 * report directory, report directories that cannot be written, a builder that escapes its process
 * group with setsid. Deadlines here only catch hangs: each is many times what the run needs.
 */

const HANG_MS = 120_000;

describe('hostile runs through the CLI (issue 12)', () => {
  let dir: { path: string; remove(): Promise<void> };
  let clientKeyPem = '';
  let encodings: string[] = [];
  let tlsPkg = '';
  let plainPkg = '';
  before(async () => {
    dir = await tempDir('hostile-cli-');
    const ca = createCA('Hostile CA');
    const client = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'], keyType: 'rsa-2048' });
    clientKeyPem = client.keyPem;
    encodings = keyEncodings(createPrivateKey(clientKeyPem));
    const conn = JSON.stringify({ address: '127.0.0.1:1', dial_timeout: '1s', tls_required: true, client_auth_required: true, root_cert: ca.certPem, client_cert: client.certPem, client_key: clientKeyPem });
    tlsPkg = join(dir.path, 'tls.tgz');
    await writeFile(tlsPkg, hostilePackage({ label: 'tls_pkg', connectionJson: conn }));
    plainPkg = join(dir.path, 'plain.tgz');
    await writeFile(plainPkg, hostilePackage({ label: 'plain_pkg', connectionJson: JSON.stringify({ address: '127.0.0.1:1', dial_timeout: '1s' }) }));
  });
  after(async () => dir.remove());

  async function cleanTmp(name: string): Promise<string> {
    const t = join(dir.path, `tmp-${name}`);
    await mkdir(t, { recursive: true });
    return t;
  }

  it('defect 1: client_key printed by a builder as openssl -text, xxd -p, base64 at 32 columns and decimal reaches no artifact and no console line', async () => {
    const printer = await writeBuilder(join(dir.path, 'key-printer'), {
      build: [
        'cp "$1/connection.json" "$3/connection.json"',
        // the key, out of connection.json, in every shape a tool prints it
        `"${process.execPath}" -e 'const c=require("crypto");const fs=require("fs");const k=c.createPrivateKey(JSON.parse(fs.readFileSync(process.argv[1]+"/connection.json","utf8")).client_key);fs.writeFileSync(process.argv[2]+"/k.pem",k.export({format:"pem",type:"pkcs8"}));const der=k.export({format:"der",type:"pkcs8"});const j=k.export({format:"jwk"});const h=der.toString("hex");console.error(h.match(/.{1,60}/g).join("\\n"));console.error(der.toString("base64").match(/.{1,32}/g).join("\\n"));console.error(h.toUpperCase().match(/../g).join(":"));for(const n of ["d","p","q"]){const b=Buffer.from(j[n],"base64url");console.error(n+": "+BigInt("0x"+b.toString("hex")).toString(10));console.error("    "+b.toString("hex").match(/../g).join(":"))}' "$1" "$3"`,
        'openssl pkey -in "$3/k.pem" -text -noout >&2 || true',
        'rm -f "$3/k.pem"',
        'exit 3',
      ].join('\n'),
    });
    const reportDir = join(dir.path, 'report-keys');
    const run = await watchCli([tlsPkg, '--offline', '--builder', printer, '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp('keys') } });
    assert.equal(run.code, 1, run.stderr);
    const result = JSON.parse(await readFile(join(reportDir, 'result.json'), 'utf8')) as { rules: Array<{ id: string; status: string; message: string }> };
    const bld12 = result.rules.find((r) => r.id === 'BLD-12');
    assert.equal(bld12?.status, 'failed', 'the printer fails its build so that its stderr is quoted');
    for (const [name, text] of [...(await allText(reportDir)), ['console', run.stdout + run.stderr] as [string, string]]) {
      assert.deepEqual(leakedLines(text, encodings), [], `a key encoding reached ${name}`);
    }
    assert.ok((await readFile(join(reportDir, 'messages.ndjson'), 'utf8')).includes('[REDACTED PRIVATE KEY]'), 'the printed key was there to redact');
  });

  it('defect 2: a key-named variable holding a path survives, and the re-run command pastes back', async () => {
    const reportDir = join(dir.path, 'report-path');
    const cmd = 'SRV_KEY=/path/to/key exec ./server';
    const run = await watchCli([plainPkg, '--command', cmd, '--report-dir', reportDir, '--register-timeout', '2000'], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp('path') } });
    assert.equal(run.code, 1, run.stderr);
    const rerun = run.stdout.split('\n').find((l) => l.includes('re-run what did not pass:')) ?? '';
    assert.ok(rerun.includes(`--command '${cmd}'`), `re-run line: ${rerun}`);
    assert.ok(!rerun.includes('REDACTED'));
    const result = JSON.parse(await readFile(join(reportDir, 'result.json'), 'utf8')) as { run?: { argv?: string[] } };
    assert.ok(JSON.stringify(result).includes(cmd), 'result.json keeps the command as typed');
  });

  it('defect 3: escape codes in a label, a type and builder stderr reach the console escaped', async () => {
    const evil = join(dir.path, 'evil.tgz');
    await writeFile(evil, hostilePackage({ label: 'x\x1b]0;pwned\x07\x1b[2J', type: 'ccaas\x1b[31m', connectionJson: '{"address":"127.0.0.1:1"}' }));
    const shouter = await writeBuilder(join(dir.path, 'shouter'), { build: "printf 'bad \\033[2J\\033]0;title\\007 \\233 done\\n' >&2; exit 4" });
    for (const [name, args] of [['label', [evil, '--offline']], ['stderr', [plainPkg, '--offline', '--builder', shouter]]] as const) {
      const run = await watchCli([...args, '--report-dir', join(dir.path, `report-esc-${name}`)], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp(`esc-${name}`) } });
      assert.equal(run.code, 1, run.stderr);
      const out = run.stdout + run.stderr;
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f\x9b]/.test(out.replace(/\r?\n|\t/g, '')), `${name}: a raw control character reached the console: ${JSON.stringify(out.slice(0, 2000))}`);
      assert.ok(out.includes('\\x1b'), `${name}: the escape is shown escaped`);
    }
  });

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`defect 4: ${sig} during a build stops the builder's group, removes temp dirs, prints one line, exits ${code}, and leaves the previous report untouched`, async () => {
      const token = `hostile-sleeper-${sig}`;
      const started = join(dir.path, `started-${sig}`);
      const sleeper = await writeBuilder(join(dir.path, `sleeper-${sig}`), { build: `touch "${started}"\nsh -c 'sleep 300; : ${token}' &\nsleep 300` });
      const reportDir = join(dir.path, `report-${sig}`);
      const tmp = await cleanTmp(sig);
      const first = await watchCli([plainPkg, '--offline', '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: tmp } });
      assert.equal(first.code, 0, first.stderr);
      const before = await readFile(join(reportDir, 'result.json'));
      const run = await watchCli([plainPkg, '--offline', '--builder', sleeper, '--builder-timeout', '600000', '--report-dir', reportDir], {
        deadlineMs: HANG_MS,
        env: { TMPDIR: tmp },
        onSpawn: (kill) => {
          const wait = setInterval(() => {
            if (existsSync(started)) {
              clearInterval(wait);
              kill(sig);
            }
          }, 25);
        },
      });
      assert.equal(run.hung, false, 'the run must end after the signal');
      assert.equal(run.code, code, run.stderr);
      const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
      assert.equal(lines.length, 1, `one line: ${run.stderr}`);
      assert.match(lines[0] ?? '', new RegExp(`interrupted by ${sig}.*previous report in .* is untouched`));
      assert.deepEqual(run.leftOver, [], 'no builder process is left');
      assert.deepEqual(await processesWith(token), [], 'no background child of the builder is left');
      assert.deepEqual(await readdir(tmp), [], 'no temporary directory is left');
      assert.deepEqual(await readFile(join(reportDir, 'result.json')), before, 'the previous report is untouched');
      assert.deepEqual(await reportProblems(reportDir), []);
    });
  }

  it('defect 4b: a signal while the finished run removes its temp files still leaves none (the handlers stay until the cleanup is done)', async () => {
    // 1,500 files in the build output, copied into the durable build directory: removing the
    // work directory at the end takes long enough for a signal to land in it
    const many = await writeBuilder(join(dir.path, 'many-files'), { build: 'cp "$1/connection.json" "$3/connection.json" && mkdir "$3/many" && cd "$3/many" && seq 1 1500 | xargs touch' });
    const reportDir = join(dir.path, 'report-cleanup');
    const tmp = await cleanTmp('cleanup');
    const run = await watchCli([plainPkg, '--offline', '--builder', many, '--report-dir', reportDir, '--quiet'], {
      deadlineMs: HANG_MS,
      env: { TMPDIR: tmp },
      onSpawn: (kill) => {
        // the report is in place and its staging directory gone: the run is in its last step, the cleanup
        const wait = setInterval(() => {
          const names = existsSync(reportDir) ? readdirSync(reportDir) : [];
          if (names.includes('index.html') && !names.some((n) => n.startsWith('.ccaas-staging-'))) {
            clearInterval(wait);
            kill('SIGTERM');
          }
        }, 5);
      },
    });
    assert.equal(run.hung, false);
    assert.equal(run.signal, null, `the handler, not Node's default action, ends the process: ${run.stderr}`);
    assert.ok(run.code === 143 || run.code === 0 || run.code === 1, `exit ${String(run.code)}: ${run.stderr}`);
    if (run.code === 143) assert.match(run.stderr, /interrupted by SIGTERM.*the report in .* is complete/);
    assert.deepEqual(await readdir(tmp), [], 'no temporary directory is left');
    assert.deepEqual(await reportProblems(reportDir), [], 'the report is whole');
  });

  it('defect 5: two runs sharing --report-dir both succeed and leave one whole report', async () => {
    const reportDir = join(dir.path, 'report-shared');
    const other = join(dir.path, 'other.tgz');
    await writeFile(other, hostilePackage({ label: 'other_pkg', connectionJson: JSON.stringify({ address: '127.0.0.1:1', dial_timeout: '1s' }) }));
    const [a, b] = await Promise.all([
      watchCli([plainPkg, '--offline', '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp('shared-a') } }),
      watchCli([other, '--offline', '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp('shared-b') } }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(await reportProblems(reportDir), []);
    // every file of the report is from one and the same run
    const labels = await Promise.all(['result.json', 'index.html', 'messages.ndjson', 'cucumber.html'].map(async (f) => {
      const t = await readFile(join(reportDir, f), 'utf8');
      return `${t.includes('plain_pkg:') ? 'plain' : ''}${t.includes('other_pkg:') ? 'other' : ''}`;
    }));
    assert.ok(labels.every((l) => l === labels[0]) && (labels[0] === 'plain' || labels[0] === 'other'), `a torn report: ${labels.join(', ')}`);
  });

  it('defect 6: a report dir that is a file, under /proc, or under a read-only place: one line, exit 2, nothing run', async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, 'x');
    const cases: Array<[string, RegExp]> = [
      [file, /it is a file, not a directory/],
      [join(file, 'sub'), /is not a directory/],
      ['/proc/nope', /cannot create \/proc\/nope/],
      ['/proc/self/nope/deeper', /cannot create/],
    ];
    // root writes through mode 0555: the unwritable-directory cases need an ordinary user
    if (process.getuid?.() !== 0) {
      const ro = join(dir.path, 'read-only');
      await mkdir(ro, { mode: 0o555 });
      cases.push([ro, /permission denied/], [join(ro, 'sub'), /permission denied/]);
    }
    for (const [reportDir, why] of cases) {
      const tmp = await cleanTmp(`rd-${cases.findIndex((c) => c[0] === reportDir)}`);
      const run = await watchCli([plainPkg, '--offline', '--report-dir', reportDir], { deadlineMs: 60_000, env: { TMPDIR: tmp } });
      assert.equal(run.hung, false, `${reportDir}: hangs`);
      assert.equal(run.code, 2, `${reportDir}: ${run.stderr}`);
      const lines = run.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${reportDir}: one line, got ${run.stderr}`);
      assert.match(lines[0] ?? '', why);
      assert.equal(run.stdout, '');
      assert.deepEqual(await readdir(tmp), []);
    }
  });

  it('defect 7: a builder child started with setsid is found, killed and reported as BLD-23', async () => {
    const token = `hostile-setsid-${process.pid}`;
    const daemon = await writeBuilder(join(dir.path, 'setsid-daemon'), {
      detect: `setsid sh -c 'sleep 300; : ${token}' </dev/null >/dev/null 2>&1 &\n( setsid sh -c 'sleep 300; : ${token}-2' </dev/null >/dev/null 2>&1 & ) \nsleep 0.3\nexit 0`,
    });
    const reportDir = join(dir.path, 'report-setsid');
    const run = await watchCli([plainPkg, '--offline', '--builder', daemon, '--report-dir', reportDir, '--level', 'should'], { deadlineMs: HANG_MS, env: { TMPDIR: await cleanTmp('setsid') } });
    assert.deepEqual(await processesWith(token), [], 'the setsid children are gone');
    assert.deepEqual(run.leftOver, []);
    const result = JSON.parse(await readFile(join(reportDir, 'result.json'), 'utf8')) as { rules: Array<{ id: string; status: string; message: string }> };
    const bld23 = result.rules.find((r) => r.id === 'BLD-23');
    assert.equal(bld23?.status, 'failed', JSON.stringify(bld23));
    assert.match(bld23?.message ?? '', /bin\/detect of builder 'setsid-daemon' left (?:[0-9]+ process\(es\) in its process group and )?[0-9]+ process\(es\) that escaped its process group \(setsid or a double fork\) running/);
    assert.equal(run.code, 1, 'BLD-23 is a SHOULD: it fails the run at --level should');
  });
});
