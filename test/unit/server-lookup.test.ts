import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { describe, it } from 'node:test';
import { lookupOnce } from '../../src/server/command.js';

/** The wait for a starting server asks the resolver once per name, not at every 20 ms try. */
describe('lookupOnce (src/server/command.ts)', () => {
  const ask = (answers: Array<[NodeJS.ErrnoException | null, string]>): { fn: LookupFunction; asked: string[] } => {
    const asked: string[] = [];
    const fn: LookupFunction = (hostname, options, callback) => {
      asked.push(`${hostname} ${JSON.stringify(options)}`);
      const [err, address] = answers.shift() ?? [null, '127.0.0.1'];
      setImmediate(() => callback(err, err ? '' : [{ address, family: 4 }]));
    };
    return { fn, asked };
  };
  const resolveWith = (f: LookupFunction, host: string, options: object): Promise<unknown> =>
    new Promise((resolve) => f(host, options, (err, address) => resolve(err ? err.message : address)));

  it('asks once per name and options, and answers later tries the same', async () => {
    const { fn, asked } = ask([[null, '127.0.0.1'], [null, '::1']]);
    const once = lookupOnce(fn);
    const first = await resolveWith(once, 'localhost', { all: true });
    assert.deepEqual(await resolveWith(once, 'localhost', { all: true }), first);
    assert.deepEqual(first, [{ address: '127.0.0.1', family: 4 }]);
    await resolveWith(once, 'localhost', { all: false });
    assert.deepEqual(asked, ['localhost {"all":true}', 'localhost {"all":false}']);
  });

  it('keeps no failure: a name that does not resolve yet is asked again', async () => {
    const notYet = Object.assign(new Error('getaddrinfo ENOTFOUND cc.org1.example.com'), { code: 'ENOTFOUND' });
    const { fn, asked } = ask([[notYet, ''], [null, '10.0.0.7']]);
    const once = lookupOnce(fn);
    assert.equal(await resolveWith(once, 'cc.org1.example.com', {}), notYet.message);
    assert.deepEqual(await resolveWith(once, 'cc.org1.example.com', {}), [{ address: '10.0.0.7', family: 4 }]);
    assert.equal(asked.length, 2);
  });
});
