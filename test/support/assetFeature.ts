import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * The transactions of features/examples/asset.feature as data, read from the feature file itself
 * (never copied by hand): each scenario's seeded world state and its invokes and queries
 * (function, arguments, transient map, creator). Scenarios that need what the protocol oracle
 * does not model (a CouchDB state database, private data collections, a history database, a
 * second chaincode) carry the one-line reason they are left out.
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

export interface AssetScenario {
  readonly name: string;
  readonly seed: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly txs: readonly AssetTx[];
  /** Why this scenario is not run through the oracle, or null. */
  readonly outOfScope: string | null;
}

export const ASSET_FEATURE = join(ROOT, 'features', 'examples', 'asset.feature');

const OUT_OF_SCOPE: ReadonlyArray<readonly [RegExp, string]> = [
  [/the state database is "couchdb"/, 'needs CouchDB: the oracle runs Fabric\'s state database on goleveldb'],
  [/private data collection/, 'needs a collection configuration: the oracle fakes no collection store'],
  [/second chaincode/, 'calls a second chaincode: the oracle\'s Invoker is a fake'],
  [/"GetAssetHistory"/, 'reads history: the oracle runs without a history database'],
];

function quoted(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
}

const STEP = /^(?:When|And|Then|Given|But)\s+I (invoke|query) "([^"]+)"(?: with arguments (.*?))?(?: with transient (\{.*\}))?(?: as "([^"]+)" user "([^"]+)")?\s*$/;

/** Pure: the scenarios of a feature text. */
export function parseAssetFeature(text: string): AssetScenario[] {
  const out: AssetScenario[] = [];
  let cur: { name: string; seed: { key: string; value: string }[]; txs: AssetTx[]; lines: string[] } | null = null;
  let inTable = false;
  let header = true;
  const flush = (): void => {
    if (!cur) return;
    const all = cur.lines.join('\n');
    const reason = OUT_OF_SCOPE.find(([re]) => re.test(all));
    out.push({ name: cur.name, seed: cur.seed, txs: cur.txs, outOfScope: reason ? reason[1] : null });
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('Scenario:')) {
      flush();
      cur = { name: line.slice('Scenario:'.length).trim(), seed: [], txs: [], lines: [] };
      inTable = false;
      continue;
    }
    if (!cur || line.startsWith('#') || line === '') continue;
    cur.lines.push(line);
    if (line.startsWith('|')) {
      if (!inTable) continue;
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      if (header) header = false;
      else cur.seed.push({ key: cells[0] ?? '', value: cells[1] ?? '' });
      continue;
    }
    inTable = /^(Given|And) the world state contains:$/.test(line);
    header = true;
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
