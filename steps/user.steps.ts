import { After, AfterAll, Given, Then, When, type DataTable } from './cucumber.js';
import { deepStrictEqual } from 'node:assert/strict';
import { TestMsp, type Identity } from '../src/peer/identity.js';
import type { ProposalResult } from '../src/peer/endorser.js';
import { startSecondChaincode, stopSecondChaincodes } from '../src/session/stages/secondChaincode.js';
import { sessionPeer } from '../src/session/stages/sessionPeer.js';
import type { PeerSession } from '../src/session/session.js';
import { scenarioTranscript } from './evidence.js';
import type { PeerWorld } from './world.js';

/**
 * Steps for users' own business scenarios (features/examples/, `--features DIR`): the chaincode
 * under test runs on the mock peer; each scenario starts from an empty ledger, seeds it, invokes
 * or queries functions as a client would (SignedProposal from a test MSP identity, transient
 * data), and checks the response, the committed world state and chaincode events.
 */

interface ScenarioState {
  last: ProposalResult | null;
  /** Where this scenario's messages start in the session's transcript (set once the chaincode runs). */
  transcriptFrom: number | null;
}

const scenarios = new WeakMap<PeerWorld, ScenarioState>();
const msps = new WeakMap<PeerSession, Map<string, TestMsp>>();

function state(w: PeerWorld): ScenarioState {
  let s = scenarios.get(w);
  if (!s) {
    s = { last: null, transcriptFrom: null };
    scenarios.set(w, s);
  }
  return s;
}

function identity(w: PeerWorld, mspId: string | undefined, user: string | undefined): Identity {
  const session = w.session;
  if (!mspId || mspId === session.msp.mspId) return session.msp.user(user ?? 'User1');
  let m = msps.get(session);
  if (!m) {
    m = new Map();
    msps.set(session, m);
  }
  let msp = m.get(mspId);
  if (!msp) {
    msp = new TestMsp(mspId);
    m.set(mspId, msp);
  }
  return msp.user(user ?? 'User1');
}

async function chaincodeName(w: PeerWorld): Promise<string> {
  const pkg = await w.session.package();
  const id = await w.session.packageId();
  return pkg.inspected.label ?? id ?? 'chaincode';
}

function last(w: PeerWorld): ProposalResult {
  const r = state(w).last;
  if (!r) throw new Error('no transaction yet: use "When I invoke ..." or "When I query ..." first');
  return r;
}

/** `"a", "b", "c"` or a JSON array of strings → the arguments. */
export function parseArguments(text: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    const v: unknown = JSON.parse(t);
    if (!Array.isArray(v)) throw new Error(`arguments must be a JSON array: ${t}`);
    return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  }
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"\s*(?:,|and)?\s*/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    out.push(JSON.parse(`"${m[1] ?? ''}"`) as string);
    if (re.lastIndex >= t.length) break;
  }
  if (re.lastIndex !== t.length && out.length === 0) throw new Error(`cannot read arguments '${t}': write them as "a", "b" or as a JSON array`);
  return out;
}

Given('the chaincode is running', async function (this: PeerWorld) {
  const r = await this.session.register();
  if (r.disabled) return 'skipped';
  if (r.failure || !r.handler) throw new Error(`the chaincode is not running on the mock peer: ${r.failure?.rule ?? ''} ${r.failure?.message ?? 'no handler'}`);
  sessionPeer(this.session).ledger.reset();
  state(this).last = null;
  state(this).transcriptFrom = r.handler.transcript.entries.length;
  return undefined;
});

// Each of the user's scenarios carries its own slice of the stream's transcript as evidence.
After(async function (this: PeerWorld, { pickle }) {
  const from = scenarios.get(this)?.transcriptFrom ?? null;
  if (from === null) return;
  const handler = (await this.session.register()).handler;
  if (!handler) return;
  const a = scenarioTranscript(pickle.name, handler.transcript.entries.slice(from));
  this.attach(a.body, a.mediaType);
});

Given('the state database is {string}', function (this: PeerWorld, db: string) {
  if (db !== 'leveldb' && db !== 'couchdb') throw new Error(`state database must be "leveldb" or "couchdb", not "${db}"`);
  sessionPeer(this.session).ledger.configure({ stateDb: db });
});

Given('the private data collection {string} with members {string}', async function (this: PeerWorld, name: string, members: string) {
  const peer = sessionPeer(this.session);
  const cc = await chaincodeName(this);
  const def = peer.definition(cc);
  if (!def) throw new Error(`chaincode ${cc} is not defined: start with "Given the chaincode is running"`);
  const memberOrgs = members.split(',').map((m) => m.trim()).filter((m) => m.length > 0);
  peer.define({ ...def, collections: [...def.collections.filter((c) => c.name !== name), { name, memberOrgs, memberOnlyRead: true, memberOnlyWrite: true }] });
});

async function seed(w: PeerWorld, namespace: string, table: DataTable): Promise<void> {
  const peer = sessionPeer(w.session);
  const rows = table.hashes();
  for (const row of rows) {
    const key = row['key'];
    const value = row['value'];
    if (key === undefined || value === undefined) throw new Error('the table needs the columns | key | value |');
    peer.ledger.seed(w.session.config.channelId, namespace, key, Buffer.from(value, 'utf8'));
  }
}

Given('the world state contains:', async function (this: PeerWorld, table: DataTable) {
  await seed(this, await chaincodeName(this), table);
});

Given('the world state of chaincode {string} contains:', async function (this: PeerWorld, namespace: string, table: DataTable) {
  await seed(this, namespace, table);
});

Given('a second chaincode {string} runs the same server', async function (this: PeerWorld, name: string) {
  await startSecondChaincode(this.session, name);
});

When(
  /^I (invoke|query|init) "([^"]*)"(?: with arguments? (.+?))?(?: as "([^"]*)" user "([^"]*)")?(?: with transient (\{.*\}))?$/,
  async function (this: PeerWorld, verb: string, fn: string, args: string | undefined, mspId: string | undefined, user: string | undefined, transient: string | undefined) {
    const peer = sessionPeer(this.session);
    const argv = [fn, ...(args ? parseArguments(args) : [])];
    let tm: Map<string, Uint8Array> | undefined;
    if (transient) {
      const obj: unknown = JSON.parse(transient);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('transient data must be a JSON object');
      tm = new Map(Object.entries(obj as Record<string, unknown>).map(([k, v]) => [k, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8')]));
    }
    const r = await peer.propose({
      channelId: this.session.config.channelId,
      chaincodeName: await chaincodeName(this),
      args: argv.map((a) => Buffer.from(a, 'utf8')),
      isInit: verb === 'init',
      creator: identity(this, mspId, user),
      commit: verb !== 'query',
      ...(tm ? { transient: tm } : {}),
    });
    state(this).last = r;
    this.attach(JSON.stringify({ txId: r.txId, status: r.response.status, message: r.response.message, payload: Buffer.from(r.response.payload).toString('utf8').slice(0, 4096), endorsed: r.endorsed, committed: r.committed, ms: r.ms }), 'application/json');
  },
);

function payloadText(r: ProposalResult): string {
  return Buffer.from(r.response.payload).toString('utf8');
}

function describe(r: ProposalResult): string {
  return `status ${r.response.status}, message '${r.response.message}', payload '${payloadText(r).slice(0, 500)}'`;
}

Then('the response status is {int}', function (this: PeerWorld, status: number) {
  const r = last(this);
  if (r.response.status !== status) throw new Error(`expected status ${status}, got ${describe(r)}`);
});

Then('the response message contains {string}', function (this: PeerWorld, text: string) {
  const r = last(this);
  if (!r.response.message.includes(text)) throw new Error(`expected the message to contain '${text}', got ${describe(r)}`);
});

Then('the response payload is {string}', function (this: PeerWorld, text: string) {
  const r = last(this);
  if (payloadText(r) !== text) throw new Error(`expected payload '${text}', got ${describe(r)}`);
});

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not JSON (${e instanceof Error ? e.message : String(e)}): ${text.slice(0, 500)}`);
  }
}

Then(/^the response payload is the JSON:?(?: (.+))?$/, function (this: PeerWorld, inline: string | undefined, ...doc: string[]) {
  const expected = parseJson(inline ?? doc[0] ?? '', 'the expected value');
  const r = last(this);
  deepStrictEqual(parseJson(payloadText(r), 'the response payload'), expected, `payload differs: ${describe(r)}`);
});

Then('the response payload is a JSON array of {int} item(s)', function (this: PeerWorld, n: number) {
  const v = parseJson(payloadText(last(this)), 'the response payload');
  if (!Array.isArray(v) || v.length !== n) throw new Error(`expected a JSON array of ${n} items, got ${payloadText(last(this)).slice(0, 500)}`);
});

Then('the response payload has the JSON field {string} equal to {string}', function (this: PeerWorld, field: string, value: string) {
  const v = parseJson(payloadText(last(this)), 'the response payload') as Record<string, unknown>;
  let cur: unknown = v;
  for (const part of field.split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  const got = typeof cur === 'string' ? cur : JSON.stringify(cur);
  if (got !== value) throw new Error(`expected ${field} = '${value}', got '${got}' in ${payloadText(last(this)).slice(0, 500)}`);
});

async function committed(w: PeerWorld, key: string): Promise<string | null> {
  const v = sessionPeer(w.session).ledger.get(w.session.config.channelId, await chaincodeName(w), key);
  return v ? Buffer.from(v.value).toString('utf8') : null;
}

Then(/^the world state key "([^"]*)" is the JSON:?(?: (.+))?$/, async function (this: PeerWorld, key: string, inline: string | undefined, ...doc: string[]) {
  const v = await committed(this, key);
  if (v === null) throw new Error(`the world state has no key '${key}'`);
  deepStrictEqual(parseJson(v, `the value of '${key}'`), parseJson(inline ?? doc[0] ?? '', 'the expected value'));
});

Then('the world state key {string} is {string}', async function (this: PeerWorld, key: string, value: string) {
  const v = await committed(this, key);
  if (v !== value) throw new Error(`expected world state key '${key}' = '${value}', got ${v === null ? 'no such key' : `'${v}'`}`);
});

Then('the world state key {string} does not exist', async function (this: PeerWorld, key: string) {
  const v = await committed(this, key);
  if (v !== null) throw new Error(`expected no key '${key}', got '${v}'`);
});

function eventPayload(w: PeerWorld, name: string): string {
  const r = last(w);
  if (!r.event) throw new Error(`no chaincode event was emitted by the last transaction (${describe(r)})`);
  if (r.event.name !== name) throw new Error(`the last transaction emitted event '${r.event.name}', not '${name}'`);
  return Buffer.from(r.event.payload).toString('utf8');
}

Then('the event {string} was emitted', function (this: PeerWorld, name: string) {
  eventPayload(this, name);
});

Then(/^the event "([^"]*)" was emitted with the JSON:?(?: (.+))?$/, function (this: PeerWorld, name: string, inline: string | undefined, ...doc: string[]) {
  deepStrictEqual(parseJson(eventPayload(this, name), 'the event payload'), parseJson(inline ?? doc[0] ?? '', 'the expected value'));
});

Then('the event {string} was emitted with {string}', function (this: PeerWorld, name: string, payload: string) {
  const got = eventPayload(this, name);
  if (got !== payload) throw new Error(`event '${name}' carries '${got}', expected '${payload}'`);
});

AfterAll(async function () {
  await stopSecondChaincodes();
});
