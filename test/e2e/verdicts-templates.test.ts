import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { execTemplate } from '../../src/gotemplate/index.js';
import type { ResultJson } from '../../src/report/result.js';
import { runCli, tempDir } from '../support/cli.js';

/**
 * Go template builtins in connection.json through the bundled ccaas twin: `printf` and friends
 * render as Fabric's ccaas_builder renders them (test/property/ccaas-template.test.ts and
 * builder-ccaas-twin.test.ts check them against Go and Fabric), and a construct the twin cannot
 * reproduce is a harness `error` on every rule it touches, never a `failed` rule.
 */

const cfg = (o: Record<string, unknown>): Map<string, never> => new Map(Object.entries(o)) as Map<string, never>;

describe('template builtins in the ccaas twin', () => {
  it('printf, js, slice and call with Go\'s semantics', () => {
    const r = (t: string, data: Record<string, unknown> = { peername: 'peer0org1', port: 9999 }): string => {
      const x = execTemplate(t, cfg(data));
      return x.ok ? x.output : `${x.phase}: ${x.error}`;
    };
    assert.equal(r('{{printf "%s_basic_ccaas:%d" .peername 9999}}'), 'peer0org1_basic_ccaas:9999');
    // A JSON number is a float64: %d does not take it, as in Go.
    assert.equal(r('{{printf "%s:%d" .peername .port}}'), 'peer0org1:%!d(float64=9999)');
    assert.equal(r('{{printf "%s:%v|%.1f|%08.3f|%x|%5.2q|%-4d|" .peername .port .port 3.14159 .peername "abc" 7}}'), 'peer0org1:9999|9999.0|0003.142|70656572306f726731| "ab"|7   |');
    assert.equal(r('{{printf "%d %s"}} {{printf "%s" "a" 1}} {{printf "%"}}'), '%!d(MISSING) %!s(MISSING) a%!(EXTRA int=1) %!(NOVERB)');
    assert.equal(r('{{js "<a=\'b\'>"}} {{slice .peername 0 5}} {{printf "%.0f %.0f %.2f" 0.5 1.5 2.675}}'), '\\u003Ca\\u003D\\\'b\\\'\\u003E peer0 0 2 2.67');
    assert.equal(r('{{call .peername}}'), 'execute: template: :1:2: executing "" at <call .peername>: error calling call: non-function .peername of type string');
    assert.equal(r('{{printf "%[1]s" .peername}}'), 'unsupported: unsupported template construct: printf argument indexes');
  });

  describe('through the CLI', () => {
    let dir: { path: string; remove(): Promise<void> };
    before(async () => {
      dir = await tempDir('verdicts-templates-');
    });
    after(async () => dir.remove());
    const check = async (name: string, address: string): Promise<{ code: number | null; result: ResultJson; out: string }> => {
      const pkg = await writeSamplePackage(join(dir.path, `${name}.tgz`), { address });
      const run = await runCli([pkg, '--offline', '--quiet', '--peer', 'peer0org1', '--builder-config', '{"peername":"peer0org1"}', '--peer', 'peer0org2', '--builder-config', '{"peername":"peer0org2"}'], { reportDir: join(dir.path, name), timeoutMs: 60_000 });
      return { code: run.code, result: await run.result(), out: run.stdout + run.stderr };
    };

    it('a printf address renders for each peer and passes', async () => {
      const { code, result, out } = await check('printf', '{{printf "%s_basic_ccaas:%d" .peername 9999}}');
      assert.equal(code, 0, out);
      for (const id of ['BLD-12', 'BLD-15', 'CONN-10', 'BLD-22', 'CONN-07']) assert.equal(result.rules.find((r) => r.id === id)?.status, 'passed', id);
      assert.match(result.rules.find((r) => r.id === 'CONN-07')?.message ?? '', /peer0org1_basic_ccaas:9999.*peer0org2_basic_ccaas:9999/);
    });

    it('a construct the twin cannot reproduce is an error on every rule it touches, never a failure', async () => {
      const { code, result } = await check('unsupported', '{{printf "%[1]s:9999" .peername}}');
      assert.equal(code, 3);
      assert.equal(result.verdict, 'error');
      assert.deepEqual(result.rules.filter((r) => r.status === 'failed').map((r) => r.id), []);
      for (const id of ['BLD-12', 'BLD-15', 'CONN-10', 'BLD-22', 'BLD-13', 'CONN-07']) {
        const r = result.rules.find((x) => x.id === id);
        assert.equal(r?.status, 'error', `${id}: ${r?.status} ${r?.message}`);
      }
      assert.match(result.rules.find((r) => r.id === 'BLD-12')?.message ?? '', /cannot reproduce this connection\.json template exactly .*printf argument indexes.*Fabric's own ccaas_builder/);
    });
  });
});
