import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { keepaliveSeconds, runtimeParams, startupTimeoutMs, type RawSettings } from '../config/chaincodeConfig.js';
import { FABRIC_RELEASES, isFabricRelease } from '../catalogue/releases.js';
import type { PeerSettings } from '../session/config.js';
import { bool, list, str, type FlagSpec, type Parsed } from './args.js';
import { UsageError } from './exit.js';
import { PEER_OPTIONS } from './flags.js';

/**
 * Flags of the mock peer's protocol side and ledger, shared by check, invoke, query, init and
 * bench: --state-db leveldb|couchdb, --keepalive SECONDS, --init-required, --collection
 * NAME:MSP[,MSP], --no-write-batch, --fabric-release 2.5|3.1; and --features DIR (the team's own
 * scenarios).
 */

export const PEER_FLAGS: Readonly<Record<string, FlagSpec>> = PEER_OPTIONS;

function peerSettings(p: Parsed): { peer?: PeerSettings } {
  const db = str(p, 'state-db');
  if (db !== null && db !== 'leveldb' && db !== 'couchdb') throw new UsageError(`--state-db takes leveldb or couchdb, not '${db}'`);
  const ka = str(p, 'keepalive');
  // core.yaml chaincode.keepalive is whole seconds (strconv.Atoi): "30s" would silently mean off.
  if (ka !== null && !/^[0-9]+$/.test(ka)) throw new UsageError(`--keepalive takes whole seconds like chaincode.keepalive, not '${ka}' (the peer would read '${ka}' as 0: off)`);
  const release = str(p, 'fabric-release');
  if (release !== null && !isFabricRelease(release)) throw new UsageError(`--fabric-release takes ${Object.keys(FABRIC_RELEASES).join(' or ')}, not '${release}'`);
  const collections = list(p, 'collection').map((c) => {
    const m = /^([^:]+):(.+)$/.exec(c);
    if (!m) throw new UsageError(`--collection takes NAME:MSPID[,MSPID...], not '${c}'`);
    return { name: m[1] as string, memberOrgs: (m[2] as string).split(',').map((x) => x.trim()).filter((x) => x.length > 0) };
  });
  const settings: PeerSettings = {
    ...(db ? { stateDb: db } : {}),
    ...(ka !== null && Number(ka) > 0 ? { keepaliveSeconds: Number(ka) } : {}),
    ...(bool(p, 'init-required') ? { initRequired: true } : {}),
    ...(collections.length > 0 ? { collections } : {}),
    ...(release !== null ? { fabricRelease: release } : {}),
    ...(bool(p, 'no-write-batch') ? { runtimeParams: { useWriteBatch: false, maxSizeWriteBatch: 1000, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 } } : {}),
  };
  return Object.keys(settings).length > 0 ? { peer: settings } : {};
}

/**
 * The mock peer's settings: the flags, else what the peer's own configuration says
 * (chaincode.keepalive and chaincode.runtimeParams from --core-yaml or CORE_* variables, read as
 * core/chaincode/config.go reads them); else the harness's defaults (the sample core.yaml's).
 */
export function peerSettingsFor(p: Parsed, peerConfig: RawSettings, coreYamlRead: boolean): { peer?: PeerSettings } {
  const flags = peerSettings(p).peer ?? {};
  const ka = str(p, 'keepalive') === null ? keepaliveSeconds(peerConfig) : null;
  const rp = flags.runtimeParams === undefined ? runtimeParams(peerConfig, coreYamlRead) : null;
  const st = startupTimeoutMs(peerConfig);
  const merged: PeerSettings = { ...flags, ...(ka !== null && ka > 0 ? { keepaliveSeconds: ka } : {}), ...(rp ? { runtimeParams: rp } : {}), ...(st !== null ? { startupTimeoutMs: st } : {}) };
  return Object.keys(merged).length > 0 ? { peer: merged } : {};
}

/** The --features directories (or files) of argv, checked to exist. */
export async function userFeaturePaths(argv: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    let v: string | undefined;
    if (a === '--features') v = argv[++i];
    else if (a.startsWith('--features=')) v = a.slice('--features='.length);
    else continue;
    if (v === undefined) throw new UsageError('option --features needs a value');
    const path = resolve(v);
    if (!(await stat(path).catch(() => null))) throw new UsageError(`--features ${v}: no such file or directory`);
    out.push(path);
  }
  return out;
}

