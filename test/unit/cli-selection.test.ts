import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aheadThrough, PROJECT_ROOT } from '../../src/cli/commands/check.js';
import { RULE_STAGE } from '../../src/session/stages/rules.js';
import { combineTags, featureRuleIds, parseExpectedFailures, patternRegExp, selectRules, SelectionError, shellQuote, splitPatterns, withoutSelection } from '../../src/report/selection.js';

/** --run/--skip patterns, --expected-failures files, and the re-run line's command line. */

describe('--run / --skip rule selection', () => {
  const all = ['PKG-01', 'PKG-02', 'CONN-03', 'DIAL-03', 'DIAL-05', 'PROTO-04', 'SHIM-GO-01'];

  it('matches ids, globs and family names, case-insensitively', () => {
    assert.ok(patternRegExp('PKG-*').test('PKG-01'));
    assert.ok(patternRegExp('dial-0?').test('DIAL-05'));
    assert.ok(patternRegExp('SHIM').test('SHIM-GO-01'));
    assert.ok(!patternRegExp('PKG-0').test('PKG-01'));
    assert.throws(() => patternRegExp('PKG.*'), SelectionError);
    assert.deepEqual(splitPatterns(['PKG-01,DIAL-*', ' PROTO-04 ']), ['PKG-01', 'DIAL-*', 'PROTO-04']);
  });

  it('keeps --run, drops --skip, and makes a Cucumber tag expression', () => {
    const s = selectRules(all, ['DIAL-*', 'PROTO-04'], ['DIAL-05']);
    assert.deepEqual(s.selected, ['DIAL-03', 'PROTO-04']);
    assert.equal(s.tagExpression, '(@DIAL-03 or @PROTO-04)');
    assert.equal(selectRules(all, [], []).tagExpression, null);
    assert.equal(combineTags('not @network', s.tagExpression), '(not @network) and (@DIAL-03 or @PROTO-04)');
    assert.equal(combineTags(null, null), '');
  });

  it('refuses a pattern that matches nothing, and a selection that leaves nothing', () => {
    assert.throws(() => selectRules(all, ['NOPE-*'], []), /--run NOPE-\* matches no rule/);
    assert.throws(() => selectRules(all, [], ['*']), /leave no rule/);
  });

  it('knows the rule ids of the bundled features', () => {
    const ids = featureRuleIds(join(PROJECT_ROOT, 'features', 'conformance'));
    for (const id of ['PKG-01', 'BLD-06', 'CONN-03', 'DIAL-03', 'PROTO-04', 'DRIFT-01']) assert.ok(ids.includes(id), id);
  });
});

describe('--expected-failures file', () => {
  it('reads plain, commented, YAML list and YAML map lines', () => {
    const text = ['# known failures of our chaincode', 'PROTO-04', 'DIAL-05  # TLS not set up yet', '- CONN-03', 'pkg-12: packaged by hand', '', '---', 'PROTO-04'].join('\n');
    assert.deepEqual(parseExpectedFailures(text, 'xf.txt'), [
      { rule: 'PROTO-04', reason: null, line: 2 },
      { rule: 'DIAL-05', reason: 'TLS not set up yet', line: 3 },
      { rule: 'CONN-03', reason: null, line: 4 },
      { rule: 'PKG-12', reason: 'packaged by hand', line: 5 },
    ]);
  });

  it('names the file and line of an unknown rule id or a malformed line', () => {
    assert.throws(() => parseExpectedFailures('PROTO-04\nPROTO-99\n', 'ci/xf.txt'), /ci\/xf.txt:2: unknown rule id PROTO-99/);
    assert.throws(() => parseExpectedFailures('just words\n', 'xf'), /xf:1: expected a rule id/);
  });
});

describe('the re-run line', () => {
  it('drops --run/--skip in both spellings and quotes for a POSIX shell', () => {
    assert.deepEqual(withoutSelection(['p.tgz', '--run', 'A', '--skip=B', '--offline', '--run=C', '--tags', 'x']), ['p.tgz', '--offline', '--tags', 'x']);
    assert.equal(shellQuote('PKG-01,DIAL-03'), 'PKG-01,DIAL-03');
    assert.equal(shellQuote("node server.js --name 'x'"), `'node server.js --name '\\''x'\\'''`);
  });
});

describe('how far the session runs ahead of the steps (aheadThrough)', () => {
  const byStage = (stage: string): string => Object.keys(RULE_STAGE).find((id) => RULE_STAGE[id] === stage) as string;

  it('to the last stage a selected rule needs, in the peer\'s order', () => {
    assert.equal(aheadThrough([byStage('package')], false), 'package');
    assert.equal(aheadThrough([byStage('package'), byStage('build')], false), 'build');
    assert.equal(aheadThrough([byStage('dial'), byStage('package')], false), 'dial');
    assert.equal(aheadThrough([byStage('connection'), byStage('transaction'), byStage('register')], false), 'transaction');
    assert.equal(aheadThrough(Object.keys(RULE_STAGE), false), 'transaction');
  });

  it('never past the builders when the user\'s --tags may leave a later stage unasked', () => {
    assert.equal(aheadThrough([byStage('transaction')], true), 'build');
    assert.equal(aheadThrough([byStage('package')], true), 'package');
  });

  it('not at all for rules no stage judges', () => {
    assert.equal(aheadThrough([], false), null);
    assert.equal(aheadThrough(['NOT-A-RULE'], false), null);
  });
});
