import fc from 'fast-check';
import { MessageType as T } from '../../src/peer/codec.js';
import { SCRIPT_NAMESPACE, type RegisterStep, type Ending, type ProtocolScript, type ScriptTx, type Step } from '../../mocks/chaincode/scripted/script.js';

/**
 * Protocol scripts for the differential test: seeded world states (a few keys, or more than one
 * query batch of 100) and transactions whose requests cover every request type, valid and not:
 * unknown txids, wrong or empty channels, a second request while one is outstanding, undecodable
 * payloads, batches over the advertised size, the empty key, ranges with bookmarks, page size 0,
 * iterators used after their close, stray completions, message types the peer cannot handle.
 */

/** Keys that collide often: empty, composite-looking, non-ASCII, range edges. */
export const KEYS = ['', 'a', 'b', 'c', 'a1', 'b\u0000x', '\u0000asset\u0000k1\u0000', 'é', '~', 'z', 'bulk-050', 'bulk-100'] as const;
const keyArb = fc.constantFrom(...KEYS);
const valueArb = fc.constantFrom('', 'v', '{"a":1}', 'ü', 'x'.repeat(40));
const pageArb = fc.record({ pageSize: fc.constantFrom(0, 1, 2, 5, 100), bookmark: fc.constantFrom('', 'a', 'b', 'bulk-010', 'zz') });
const iterArb = fc.integer({ min: 0, max: 2 });

/** Payloads that are not the request's message (protobuf wire errors), and an empty one. */
const badPayloadArb = fc.constantFrom('ff', '0a', '0aff', '08', '0a05', '12', '');
const rawTypeArb = fc.constantFrom(T.GET_STATE, T.PUT_STATE, T.DEL_STATE, T.GET_STATE_BY_RANGE, T.GET_QUERY_RESULT, T.QUERY_STATE_NEXT, T.QUERY_STATE_CLOSE, T.GET_HISTORY_FOR_KEY, T.GET_STATE_METADATA, T.PUT_STATE_METADATA, T.GET_PRIVATE_DATA_HASH, T.PURGE_PRIVATE_DATA, T.WRITE_BATCH_STATE, T.GET_STATE_MULTIPLE);
/** Types that end the stream in the ready state (REGISTER again, READY, an unknown number). */
const endingTypeArb = fc.constantFrom(T.REGISTER, T.REGISTERED, T.READY, T.UNDEFINED, 12, 99);

const recArb = fc.record({ kind: fc.constantFrom('put', 'del', 'putMeta', 'purge', 'undefined') as fc.Arbitrary<'put' | 'del' | 'putMeta' | 'purge' | 'undefined'>, key: keyArb, value: valueArb });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('get' as const), key: keyArb, to: fc.constantFrom('own', 'own', 'own', 'unknown-txid', 'other-channel', 'no-channel') as fc.Arbitrary<'own'> }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), key: keyArb, value: valueArb, to: fc.constantFrom('own', 'own', 'unknown-txid', 'other-channel') as fc.Arbitrary<'own'> }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('getMultiple' as const), keys: fc.array(keyArb, { maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('writeBatch' as const), recs: fc.array(recArb, { maxLength: 4 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('range' as const), start: keyArb, end: keyArb, page: fc.option(pageArb, { nil: undefined }) }, { requiredKeys: ['op', 'start', 'end'] }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('query' as const), query: fc.constantFrom('{"selector":{}}', 'not json'), page: fc.option(pageArb, { nil: undefined }) }, { requiredKeys: ['op', 'query'] }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('history' as const), key: keyArb }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('next' as const), iter: iterArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('close' as const), iter: iterArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('getMeta' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('putMeta' as const), key: keyArb, metakey: fc.constantFrom('VALIDATION_PARAMETER', 'm', ''), value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('purge' as const), key: keyArb, collection: fc.constantFrom('', 'c1') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hash' as const), key: keyArb, collection: fc.constantFrom('', 'c1') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('privateGet' as const), key: keyArb, collection: fc.constant('c1') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('raw' as const), type: rawTypeArb, hex: badPayloadArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('raw' as const), type: endingTypeArb, hex: fc.constant('') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('twice' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'strayCompleted' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'keepalive' as const }) },
);

/** A batch over the 1,000 records READY advertises (the peer does not enforce the size). */
const bigBatchArb: fc.Arbitrary<Step> = fc.integer({ min: 1001, max: 1100 }).map((n) => ({ op: 'writeBatch', recs: Array.from({ length: n }, (_, i) => ({ kind: 'put' as const, key: `big-${String(i).padStart(4, '0')}`, value: 'v' })) }));

const endingArb: fc.Arbitrary<Ending> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('completed' as const), status: fc.constantFrom(200, 400, 500), message: fc.constantFrom('', 'ok'), payload: fc.constantFrom('', 'result') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), text: fc.constantFrom('', 'chaincode failed') }) },
);

const txArb = (i: number): fc.Arbitrary<Omit<ScriptTx, 'txid'>> =>
  fc.record({
    args: fc.array(fc.constantFrom('fn', 'a', '', 'é'), { maxLength: 3 }),
    steps: fc.oneof({ weight: 30, arbitrary: fc.array(stepArb, { maxLength: 8 }) }, { weight: 1, arbitrary: bigBatchArb.map((s) => [s]) }),
    end: endingArb,
    init: fc.constant(i < 0),
  });

const seedArb = fc.tuple(
  fc.uniqueArray(fc.record({ namespace: fc.constantFrom(SCRIPT_NAMESPACE, SCRIPT_NAMESPACE, 'other'), key: fc.constantFrom(...KEYS.filter((k) => k !== '')), value: valueArb.filter((v) => v !== '') }), { selector: (e) => `${e.namespace}/${e.key}`, maxLength: 8 }),
  fc.constantFrom(0, 0, 0, 150),
).map(([few, bulk]) => [...few, ...Array.from({ length: bulk }, (_, i) => ({ namespace: SCRIPT_NAMESPACE, key: `bulk-${String(i).padStart(3, '0')}`, value: `v${i}` }))]);

/** How the stream opens: mostly one right REGISTER; sometimes refused REGISTERs, a KEEPALIVE or a request first. */
const registerArb: fc.Arbitrary<readonly RegisterStep[]> = fc.oneof(
  { weight: 14, arbitrary: fc.constant(['right'] as const) },
  // the right REGISTER comes last: a message right after it races the peer's first TRANSACTION
  // (on Fabric as on the mock), and messages in the ready state are the transactions' steps' job
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(fc.constantFrom<RegisterStep>('wrong-name', 'empty-name', 'undecodable', 'keepalive', 'get-state-first'), { minLength: 1, maxLength: 2 }), fc.boolean())
      .map(([before, right]) => (right ? [...before, 'right' as const] : before)),
  },
);

/** Whole scripts; txids are unique per script and derived from the run number. */
export const scriptArb: fc.Arbitrary<ProtocolScript> = fc
  .record({
    seed: seedArb,
    txs: fc.array(txArb(0), { minLength: 1, maxLength: 3 }),
    totalQueryLimit: fc.constantFrom(100_000, 100_000, 3, 1),
    salt: fc.integer({ min: 0, max: 0xffffff }),
    register: registerArb,
  })
  .map(({ seed, txs, totalQueryLimit, salt, register }) => ({ seed, totalQueryLimit, register, txs: txs.map((t, i) => ({ ...t, txid: `${salt.toString(16)}-tx${i}` })) }));
