import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/exit.js';
import { CHECK_OPTIONS, COMMANDS, commandOptions } from '../../src/cli/flags.js';
import { README_BEGIN, README_END, readmeOptionTable } from '../../src/cli/usage.js';

/**
 * The CLI explains itself from one source: --help and `<command> --help` list exactly the options
 * the parser accepts, the README's table is the one generated from the same specification, and
 * every bad option value is refused up front with one line and exit 2 (issue 12, defect 8).
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'ccaas-cli-flags-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: readonly string[], extra: Partial<SpawnSyncOptionsWithStringEncoding> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000, cwd: scratch, ...extra });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The option names a help text lists (`--name` at the start of an option line). */
function optionsInHelp(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^ {2}(?:-[A-Za-z], )?--([A-Za-z][A-Za-z-]*)/.exec(line);
    if (m) names.add(m[1] as string);
  }
  return names;
}

/** Whether the parser itself knows `--name` (an unknown option is the only error that says so). */
function parserAccepts(spec: Parameters<typeof parseArgs>[1], name: string): boolean {
  try {
    parseArgs([`--${name}`], spec);
    return true;
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return !/unknown option/.test(e.message);
  }
}

describe('help from the flag specification', () => {
  it('--help lists every option the main job accepts, and nothing else', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0, r.err);
    const shown = optionsInHelp(r.out);
    assert.deepEqual([...shown].sort(), Object.keys(CHECK_OPTIONS).sort());
    for (const name of shown) assert.ok(parserAccepts(CHECK_OPTIONS, name), `--help shows --${name}, the parser refuses it`);
    assert.equal(parserAccepts(CHECK_OPTIONS, 'no-such-option'), false);
    for (const must of ['core-yaml', 'peer', 'builder-config', 'server-cert', 'server-key', 'server-client-ca', 'features', 'collection']) assert.ok(shown.has(must), `--${must} missing from --help`);
    for (const name of Object.keys(COMMANDS)) assert.match(r.out, new RegExp(`^ {2}${name} {2,}\\S`, 'm'), `command ${name} not listed`);
  });

  for (const [name, spec] of Object.entries(COMMANDS)) {
    it(`${name} --help lists exactly the options ${name} accepts`, () => {
      const r = run([name, '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^usage: ccaas-conformance ${name}\\b`));
      const shown = optionsInHelp(r.out);
      assert.deepEqual([...shown].sort(), Object.keys(spec.options).sort());
      // A command that forwards the main job's options says so, and the parser takes them too.
      assert.equal(/main job's options/.test(r.out), spec.withCheckOptions === true);
      const accepted = commandOptions(name);
      for (const o of [...shown, ...(spec.withCheckOptions ? Object.keys(CHECK_OPTIONS) : [])]) assert.ok(o in accepted, `${name}: --${o} shown, not accepted`);
    });
  }

  it('every option has a one-line meaning, and each help line is one line', () => {
    for (const [cmd, opts] of [['check', CHECK_OPTIONS] as const, ...Object.entries(COMMANDS).map(([n, c]) => [n, c.options] as const)]) {
      for (const [name, o] of Object.entries(opts)) {
        assert.ok(o.help.length > 10 && !o.help.includes('\n'), `${cmd} --${name}: no one-line help`);
        assert.equal(o.kind === 'boolean', o.value === undefined, `${cmd} --${name}: a value name exactly when it takes a value`);
      }
    }
  });

  it("the README's option table is the generated one (node dist/src/cli/usage.js --write-readme)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const a = readme.indexOf(README_BEGIN);
    const b = readme.indexOf(README_END);
    assert.ok(a >= 0 && b > a, 'README.md lost its generated option table markers');
    assert.equal(readme.slice(a + README_BEGIN.length, b).trim(), readmeOptionTable(), 'README.md option table is stale: run `npm run build && node dist/src/cli/usage.js --write-readme`');
    for (const name of Object.keys(CHECK_OPTIONS)) assert.ok(readme.includes(`--${name}`), `README lacks --${name}`);
  });

  it('--version prints the package version; help <command> works; no argument is a usage error', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const v = run(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.out, `ccaas-conformance ${version}\n`);
    const h = run(['help', 'list']);
    assert.equal(h.code, 0);
    assert.match(h.out, /^usage: ccaas-conformance list/);
    const none = run([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /^usage: ccaas-conformance <package\.tgz>/);
  });
});

describe('every option value is checked up front: one line, exit 2, nothing run', () => {
  const pkg = join(scratch, 'p.tgz');
  // Any bytes: the value checks come before the package is opened.
  writeFileSync(pkg, 'not a package');
  const cases: Array<[string, string[], RegExp]> = [
    ["--address ''", ['--address', ''], /option --address takes HOST:PORT .*not ''/],
    ['--address without a port', ['--address', 'chaincode'], /option --address takes HOST:PORT/],
    ["--tags '((('", ['--tags', '((('], /option --tags takes a Cucumber tag expression .*'\(\(\(': Unmatched \(/],
    ['--builder-timeout beyond the timer range', ['--builder-timeout', '3000000000'], /option --builder-timeout takes at most 2147483647 ms .*not '3000000000'/],
    ['--register-timeout 0', ['--register-timeout', '0'], /option --register-timeout takes a positive whole number of milliseconds/],
    ['--expected-failures DIR', ['--expected-failures', scratch], /cannot read --expected-failures .*: is a directory, not a file/],
    ['--expected-failures missing', ['--expected-failures', join(scratch, 'nope')], /cannot read --expected-failures .*: no such file/],
    ['--core-yaml missing', ['--core-yaml', join(scratch, 'nope.yaml')], /cannot read --core-yaml .*: no such file/],
    ['--server-key missing', ['--server-key', join(scratch, 'nope.pem')], /cannot read --server-key .*: no such file/],
    ['--state-db', ['--state-db', 'mongo'], /option --state-db takes leveldb or couchdb, not 'mongo'/],
    ['--level', ['--level', 'may'], /option --level takes must or should/],
    ['--command empty', ['--command', ''], /option --command takes a shell command, not an empty value/],
  ];
  for (const [what, args, want] of cases) {
    it(what, () => {
      const reportDir = join(scratch, `r-${what.replace(/[^a-z]+/gi, '-')}`);
      const r = run([pkg, ...args, '--report-dir', reportDir]);
      assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.err}`);
      assert.equal(r.err.trimEnd().split('\n').length, 1, `${what}: more than one line:\n${r.err}`);
      assert.match(r.err, /^ccaas-conformance: /);
      assert.match(r.err, want);
      assert.doesNotMatch(r.err, /internal error|\n\s+at /);
      assert.equal(existsSync(reportDir), false, `${what}: a report directory was made`);
    });
  }

  it('an unreadable package file (EACCES) is exit 2 with one line', (t) => {
    // Root reads any file through CAP_DAC_OVERRIDE: as root, the CLI runs without the two
    // file-permission capabilities (util-linux setpriv), still as root, so it reads its own files
    // wherever the checkout is while a mode-000 package is refused as for any user.
    const asRoot = process.getuid?.() === 0;
    const setpriv = asRoot ? spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', 'true'], { encoding: 'utf8' }) : null;
    if (setpriv && setpriv.status !== 0) {
      assert.ok(process.env['CI'] !== 'true', `CI=true needs setpriv (util-linux) to drop root's file capabilities: ${setpriv.error?.message ?? setpriv.stderr}`);
      t.skip('running as root without setpriv (util-linux): root reads any file');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ccaas-eacces-'));
    try {
      const locked = join(dir, 'locked.tgz');
      copyFileSync(pkg, locked);
      chmodSync(locked, 0o000);
      const args = [MAIN, locked, '--offline', '--report-dir', join(dir, 'reports')];
      const r = asRoot
        ? spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir })
        : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, cwd: dir });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^ccaas-conformance: cannot read package .*locked\.tgz: permission denied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a value check names the option in every command that forwards it', () => {
    const r = run(['invoke', pkg, 'Fn', '--address', 'nohost']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /option --address takes HOST:PORT/);
    const b = run(['bench', pkg, '--fn', 'F', '--tx', '0']);
    assert.equal(b.code, 2, b.err);
    assert.match(b.err, /option --tx takes a positive whole number/);
  });
});
