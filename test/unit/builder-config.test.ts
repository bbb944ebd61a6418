import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENV_OVERRIDE, goFormatFloatF, readPeerBuilderSetup } from '../../src/builder/peerConfig.js';

/**
 * The peer's builder configuration (BLD-01). The vectors below were produced by running the peer's
 * decoding (viper with SetEnvPrefix("core"), AllowEmptyEnv, AutomaticEnv, the "." → "_" replacer,
 * UnmarshalKey with the string-to-slice YAML hook, then Config.load's checks) with the real
 * spf13/viper v1.20.1, go-viper/mapstructure v2.4.0 and go.yaml.in/yaml v4.0.0-rc.4; `want` is
 * what that program printed. An empty builder list, which the peer reaches only with vm.endpoint
 * set, is reported by the harness as the start-up panic when vm.endpoint is unset.
 */

export const VIPER_VECTORS: ReadonlyArray<{ readonly yaml: string; readonly env?: string; readonly want: { readonly error?: string; readonly builders?: ReadonlyArray<readonly [string, string, readonly string[]]> } }> = [
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: ccaas_builder\n      path: /opt/hyperledger/ccaas_builder\n      propagateEnvironment:\n        - CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\n", "want": {"builders": [["ccaas_builder", "/opt/hyperledger/ccaas_builder", ["CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      environmentWhitelist: [X, Y]\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      environment: [X, Y]\n", "want": {"builders": [["a", "/a", ["X", "Y"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      foo: bar\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 5\n      path: /a\n      propagateEnvironment: X\n", "want": {"builders": [["5", "/a", ["X"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: true\n      path: /a\n", "want": {"builders": [["1", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: [a]\n      path: /a\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].Name' expected type 'string', got unconvertible type '[]interface {}'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - path: /a\n", "want": {"error": "external builder at path /a has no name attribute"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - NAME: a\n      PATH: /a\n      PropagateEnvironment: [Q]\n", "want": {"builders": [["a", "/a", ["Q"]]]}},
  {"yaml": "chaincode:\n  externalBuilders: []\n", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalBuilders:\n", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalbuilders:\n    - {name: x, path: /x}\n", "want": {"builders": [["x", "/x", []]]}},
  {"yaml": "Chaincode:\n  ExternalBuilders:\n    - {name: x, path: /x}\n", "want": {"builders": [["x", "/x", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: []\n      environmentWhitelist: [Z]\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, propagateEnvironment: [A]}]", "want": {"builders": [["x", "/b", ["A"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, foo: 1}]", "want": {"builders": [["x", "/b", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, environmentWhitelist: [E]}]", "want": {"builders": [["x", "/b", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, environment: [E]}]", "want": {"builders": [["x", "/b", ["E"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, propagateEnvironment: A}]", "want": {"builders": [["x", "/b", ["A"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "{name: x, path: /b}", "want": {"builders": [["x", "/b", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b}", "want": {"error": "'' yaml: while parsing a flow sequence at <unknown position>: line 1: did not find expected ',' or ']'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{Name: x, PATH: /b}]", "want": {"builders": [["x", "/b", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "x", "want": {"error": "decoding failed due to the following error(s):\n\n'[0]' expected a map or struct, got \"string\""}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: [x], path: /b}]", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].Name' expected type 'string', got unconvertible type '[]interface {}'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[]", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b}, {name: y}]", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b}]\n---\n[{name: z, path: /z}]", "want": {"builders": [["x", "/b", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "- {name: x, path: /b}\n- name: y\n  path: /y", "want": {"builders": [["x", "/b", []], ["y", "/y", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      name: b\n", "want": {"error": "Fatal error when initializing core config : error when reading core config file: While parsing config: yaml: unmarshal errors:\n  line 5: mapping key \"name\" already defined at line 3"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, name: y}]", "want": {"error": "'' yaml: construct errors:\n  line 1: mapping key \"name\" already defined at line 1"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 1.50, path: 0x10}]", "want": {"builders": [["1.5", "16", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 1.50\n      path: 0x10\n", "want": {"builders": [["1.5", "16", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: ~\n      path: /a\n", "want": {"error": "external builder at path /a has no name attribute"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: ~, path: /b}]", "want": {"error": "external builder at path /b has no name attribute"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[x]", "want": {"error": "decoding failed due to the following error(s):\n\n'[0]' expected a map or struct, got \"string\""}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: x, path: /b, propagateEnvironment: [1, true]}]", "want": {"builders": [["x", "/b", ["1", "1"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n  - x\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0]' expected a map or struct, got \"string\""}},
  {"yaml": "chaincode:\n  externalBuilders: foo\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0]' expected a map or struct, got \"string\""}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: [a]\n      path: {x: 1}\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].Name' expected type 'string', got unconvertible type '[]interface {}'\n'[0].Path' expected type 'string', got unconvertible type 'map[string]interface {}'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: [{x: 1}, B]\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].PropagateEnvironment[0]' expected type 'string', got unconvertible type 'map[string]interface {}'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: {x: 1}\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].PropagateEnvironment[0]' expected type 'string', got unconvertible type 'map[string]interface {}'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: {}\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: [null, B]\n", "want": {"builders": [["a", "/a", ["", "B"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: 017\n", "want": {"builders": [["a", "/a", ["15"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 017\n      path: yes\n", "want": {"builders": [["15", "yes", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 1e3\n      path: 12345678901234567890\n", "want": {"builders": [["1000", "12345678901234567890", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - null\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - {}\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders: {name: a, path: /a}\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders: 5\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0]' expected a map or struct, got \"int\""}},
  {"yaml": "chaincode: 5\n", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalBuilders: \"[{name: a, path: /a}]\"\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: a, path: /a, propagateEnvironment: [B], Name: c}]", "want": {"builders": [["c", "/a", ["B"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      Name: c\n", "want": {"builders": [["c", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "  ", "want": {"error": "'' EOF"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "null", "want": {"builders": []}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: a, path: /a}, null]", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: \"\"\n      path: \"\"\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n    - name: b\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: b\n    - name: a\n      path: /a\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagateEnvironment: [A]\n      environment: [E]\n", "want": {"builders": [["a", "/a", ["A"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      environment: []\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      environment: E1\n", "want": {"builders": [["a", "/a", ["E1"]]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n      propagate_environment: [E1]\n", "want": {"builders": [["a", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 017, path: 1_000}]", "want": {"builders": [["15", "1000", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 0o17, path: 0b101}]", "want": {"builders": [["15", "5", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 2001-12-14, path: /a}]", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].Name' expected type 'string', got unconvertible type 'time.Time'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: .inf, path: -.5}]", "want": {"builders": [["+Inf", "-0.5", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: True, path: NULL}]", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 'x', path: \"/a\", propagateEnvironment: ~}]", "want": {"builders": [["x", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 1e3, path: +12}]", "want": {"builders": [["1000", "12", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 12345678901234567890123, path: /a}]", "want": {"builders": [["12345678901234568000000", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: 0x_1F, path: 1__0}]", "want": {"builders": [["31", "10", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: a\n      path: /a\n", "env": "[{name: yes, path: off}]", "want": {"builders": [["yes", "off", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 017\n      path: 1_000\n", "want": {"builders": [["15", "1000", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 0o17\n      path: 0b101\n", "want": {"builders": [["15", "5", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 2001-12-14\n      path: /a\n", "want": {"error": "decoding failed due to the following error(s):\n\n'[0].Name' expected type 'string', got unconvertible type 'time.Time'"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: .inf\n      path: -.5\n", "want": {"builders": [["+Inf", "-0.5", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: True\n      path: NULL\n", "want": {"error": "invalid external builder configuration, path attribute missing in one or more builders"}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 'x'\n      path: \"/a\"\n      propagateEnvironment: ~\n", "want": {"builders": [["x", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 1e3\n      path: +12\n", "want": {"builders": [["1000", "12", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 12345678901234567890123\n      path: /a\n", "want": {"builders": [["12345678901234568000000", "/a", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: 0x_1F\n      path: 1__0\n", "want": {"builders": [["31", "10", []]]}},
  {"yaml": "chaincode:\n  externalBuilders:\n    - name: yes\n      path: off\n", "want": {"builders": [["yes", "off", []]]}},
];

describe('readPeerBuilderSetup: the peer\'s chaincode.externalBuilders', () => {
  it(`agrees with the real viper/mapstructure/yaml decoding on ${VIPER_VECTORS.length} configurations`, () => {
    for (const v of VIPER_VECTORS) {
      const r = readPeerBuilderSetup(v.yaml, v.env === undefined ? {} : { [ENV_OVERRIDE]: v.env });
      const label = `${JSON.stringify(v.yaml)} env=${JSON.stringify(v.env)}`;
      if (v.want.error !== undefined) {
        assert.ok(r.startError !== null, `${label}: expected ${v.want.error}`);
        if (r.startErrorInexact) assert.match(r.startError, /yaml: /, label);
        else assert.equal(r.startError, v.want.error, label);
      } else if ((v.want.builders ?? []).length === 0) {
        assert.equal(r.startError, 'VMEndpoint not set and no ExternalBuilders defined', label);
      } else {
        assert.equal(r.startError, null, label);
        assert.deepEqual(r.builders.map((b) => [b.name, b.path, [...b.propagateEnvironment]]), v.want.builders, label);
      }
    }
  });

  it('with no core.yaml and no override: the sample core.yaml\'s ccaas_builder', () => {
    const r = readPeerBuilderSetup(null, {});
    assert.equal(r.source, 'default');
    assert.deepEqual(r.builders, [{ name: 'ccaas_builder', path: '/opt/hyperledger/ccaas_builder', propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] }]);
  });

  it('says what the peer ignores, and reads the other settings with their CORE_ overrides', () => {
    const yaml = 'vm:\n  endpoint: unix:///var/run/docker.sock\nchaincode:\n  installTimeout: 300s\n  keepalive: 30s\n  externalBuilders:\n    - name: a\n      path: /a\n      environmentWhitelist: [X]\n      foo: 1\n';
    const r = readPeerBuilderSetup(yaml, { CORE_CHAINCODE_KEEPALIVE: '5' });
    assert.equal(r.source, 'core.yaml');
    assert.equal(r.vmEndpoint, 'unix:///var/run/docker.sock');
    assert.equal(r.settings['chaincode.installTimeout'], '300s');
    assert.equal(r.settings['chaincode.keepalive'], '5');
    assert.ok(r.notes.some((n) => n.includes('environmentWhitelist') && n.includes('ignored')));
    assert.ok(r.notes.some((n) => n.includes('unknown key `foo`')));
    const empty = readPeerBuilderSetup(yaml, { [ENV_OVERRIDE]: '' });
    assert.equal(empty.source, ENV_OVERRIDE);
    assert.deepEqual(empty.builders, [], 'set but empty: no builders (vm.endpoint is set, so the peer starts)');
    assert.equal(empty.startError, null);
  });

  it('writes numbers as strconv.FormatFloat(f, \'f\', -1, 64)', () => {
    assert.equal(goFormatFloatF(1.5), '1.5');
    assert.equal(goFormatFloatF(1.2345678901234568e22), '12345678901234568000000');
    assert.equal(goFormatFloatF(1e-7), '0.0000001');
    assert.equal(goFormatFloatF(Infinity), '+Inf');
  });
});
