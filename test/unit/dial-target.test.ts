import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTarget, splitHostPort } from '../../src/dial/target.js';

/** connection.json's address as grpc-go reads it; Go texts recorded from grpc-go v1.82.1 dials. */
describe('address as a grpc-go target (DIAL-04)', () => {
  it('passes host:port through unchanged', () => {
    assert.deepEqual(parseTarget('localhost:7052'), { kind: 'tcp', host: 'localhost', port: 7052, resolver: 'passthrough', authorityHost: 'localhost' });
    assert.deepEqual(parseTarget('[::1]:7052'), { kind: 'tcp', host: '::1', port: 7052, resolver: 'passthrough', authorityHost: '::1' });
    assert.deepEqual(parseTarget(':7052'), { kind: 'tcp', host: '', port: 7052, resolver: 'passthrough', authorityHost: '' });
    assert.equal((parseTarget('localhost:') as { port: number }).port, 0);
  });
  it('honours the schemes grpc-go registers', () => {
    assert.deepEqual(parseTarget('dns:///cc.example.com:9999'), { kind: 'tcp', host: 'cc.example.com', port: 9999, resolver: 'dns', authorityHost: 'cc.example.com' });
    assert.deepEqual(parseTarget('passthrough:///h:1'), { kind: 'tcp', host: 'h', port: 1, resolver: 'passthrough', authorityHost: 'h' });
    assert.deepEqual(parseTarget('unix:///tmp/cc.sock'), { kind: 'unix', path: '/tmp/cc.sock', authorityHost: 'localhost' });
    assert.deepEqual(parseTarget('unix:/tmp/cc.sock'), { kind: 'unix', path: '/tmp/cc.sock', authorityHost: 'localhost' });
  });
  const invalid: Array<[string, string]> = [
    ['localhost', 'address localhost: missing port in address'],
    ['http://localhost:1', 'address http://localhost:1: too many colons in address'],
    ['localhost:99999', 'address 99999: invalid port'],
    ['localhost:-1', 'address -1: invalid port'],
    ['localhost:abc', 'lookup tcp/abc: unknown port'],
    ['localhost:1 ', 'lookup tcp/1 : unknown port'],
    ['[::1', "address [::1: missing ']' in address"],
  ];
  for (const [address, goError] of invalid) {
    it(`${JSON.stringify(address)} fails as Go's net.Dial does: dial tcp: ${goError}`, () => {
      const t = parseTarget(address);
      assert.equal(t.kind, 'invalid');
      assert.equal(t.kind === 'invalid' ? t.goError : '', goError);
    });
  }
  it('splits like net.SplitHostPort', () => {
    assert.deepEqual(splitHostPort('a:1'), { host: 'a', port: '1' });
    assert.deepEqual(splitHostPort('[fe80::1%eth0]:1'), { host: 'fe80::1%eth0', port: '1' });
    assert.deepEqual(splitHostPort('a:b:1'), { error: 'address a:b:1: too many colons in address' });
  });
});
