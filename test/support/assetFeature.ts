import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * The transactions of features/examples/asset.feature as data, read from the feature file itself
 * (never copied by hand): each scenario's seeded world state and its invokes and queries
 * (function, arguments, transient map, creator), and what the scenario sets up on the peer: the
 * state database, private data collections, second chaincodes and their world state. A scenario
 * that needs what the protocol oracle does not model carries the one-line reason it is left out
 * (today none).
 */

export interface AssetTx {
  /** invoke: committed after a status < 400 (the endorser's ERRORTHRESHOLD); query: never committed. */
  readonly kind: 'invoke' | 'query';
  readonly fn: string;
  readonly args: readonly string[];
  readonly transient: Readonly<Record<string, string>>;
  /** The creator: MSP ID and user (the steps' default: Org1MSP, User1). */
  readonly mspId: string;
  readonly user: string;
}

export interface AssetCollection {
  readonly name: string;
  readonly members: readonly string[];
}

export interface AssetScenario {
  readonly name: string;
  /** Committed before the first transaction; namespace null: the chaincode under test's. */
  readonly seed: ReadonlyArray<{ readonly namespace: string | null; readonly key: string; readonly value: string }>;
  /** Given the state database is "...". */
  readonly stateDb: 'leveldb' | 'couchdb';
  /** Given the private data collection "..." with members "..." (member-only read and write). */
  readonly collections: readonly AssetCollection[];
  /** Given a second chaincode "..." runs the same server. */
  readonly callees: readonly string[];
  readonly txs: readonly AssetTx[];
  /** Why this scenario is not run through the oracle, or null. */
  readonly outOfScope: string | null;
}

export const ASSET_FEATURE = join(ROOT, 'features', 'examples', 'asset.feature');

/** Set-up steps the oracle cannot model, with the reason (test/oracle-protocol/README.md). */
const OUT_OF_SCOPE: ReadonlyArray<readonly [RegExp, string]> = [];

function quoted(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
}

const STEP = /^(?:When|And|Then|Given|But)\s+I (invoke|query) "([^"]+)"(?: with arguments (.*?))?(?: with transient (\{.*\}))?(?: as "([^"]+)" user "([^"]+)")?\s*$/;

/** Pure: the scenarios of a feature text. */
export function parseAssetFeature(text: string): AssetScenario[] {
  const out: AssetScenario[] = [];
  type Building = { name: string; seed: { namespace: string | null; key: string; value: string }[]; stateDb: 'leveldb' | 'couchdb'; collections: AssetCollection[]; callees: string[]; txs: AssetTx[]; lines: string[] };
  let cur: Building | null = null;
  let inTable = false;
  let tableNamespace: string | null = null;
  let header = true;
  const flush = (): void => {
    if (!cur) return;
    const all = cur.lines.join('\n');
    const reason = OUT_OF_SCOPE.find(([re]) => re.test(all));
    out.push({ name: cur.name, seed: cur.seed, stateDb: cur.stateDb, collections: cur.collections, callees: cur.callees, txs: cur.txs, outOfScope: reason ? reason[1] : null });
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('Scenario:')) {
      flush();
      cur = { name: line.slice('Scenario:'.length).trim(), seed: [], stateDb: 'leveldb', collections: [], callees: [], txs: [], lines: [] };
      inTable = false;
      continue;
    }
    if (!cur || line.startsWith('#') || line === '') continue;
    cur.lines.push(line);
    if (line.startsWith('|')) {
      if (!inTable) continue;
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      if (header) header = false;
      else cur.seed.push({ namespace: tableNamespace, key: cells[0] ?? '', value: cells[1] ?? '' });
      continue;
    }
    const table = /^(?:Given|And) the world state (?:of chaincode "([^"]+)" )?contains:$/.exec(line);
    inTable = table !== null;
    tableNamespace = table?.[1] ?? null;
    header = true;
    const db = /^(?:Given|And) the state database is "(leveldb|couchdb)"$/.exec(line);
    if (db) cur.stateDb = db[1] as 'leveldb' | 'couchdb';
    const coll = /^(?:Given|And) the private data collection "([^"]+)" with members "([^"]*)"$/.exec(line);
    if (coll) cur.collections.push({ name: coll[1] ?? '', members: (coll[2] ?? '').split(',').map((m) => m.trim()).filter((m) => m.length > 0) });
    const callee = /^(?:Given|And) a second chaincode "([^"]+)" runs the same server$/.exec(line);
    if (callee) cur.callees.push(callee[1] ?? '');
    const m = STEP.exec(line);
    if (m) {
      const transient = m[4] ? (JSON.parse(m[4]) as Record<string, string>) : {};
      cur.txs.push({ kind: m[1] as 'invoke' | 'query', fn: m[2] ?? '', args: m[3] ? quoted(m[3]) : [], transient, mspId: m[5] ?? 'Org1MSP', user: m[6] ?? 'User1' });
    }
  }
  flush();
  return out;
}

export function assetScenarios(): AssetScenario[] {
  return parseAssetFeature(readFileSync(ASSET_FEATURE, 'utf8'));
}
