import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freeLoopbackPort } from '../../src/server/port.js';
import type { FabricBuild } from './build.js';
import { cliError } from './outcome.js';
import { removeOnExit, run, startDaemon, waitFor, type Daemon, type Ran } from './proc.js';

/**
 * A one-node Fabric network on 127.0.0.1 from the binaries of build.ts, with no Docker: cryptogen
 * crypto (OrdererMSP, Org1MSP with node OUs), one etcdraft orderer joined to the channel through
 * the channel participation API (osnadmin), one peer with `vm.endpoint` empty and external
 * builders only (the release's own ccaas_builder first), joined to the channel. TLS is on for the
 * orderer and the peer (etcdraft needs it, and the peer talks to the orderer as its own TLS
 * setting says). Everything lives in one temporary directory and two process groups, removed by
 * `stop()`.
 */

export const CHANNEL = 'mychannel';

export interface NetworkOptions {
  /** chaincode.startuptimeout: how long the peer waits for REGISTER (the sample's is 300s). */
  readonly startupTimeout: string;
  /** chaincode.executetimeout (the sample's is 30s). */
  readonly executeTimeout: string;
  /** More external builders after ccaas_builder: name, path, propagateEnvironment. */
  readonly extraBuilders?: ReadonlyArray<{ readonly name: string; readonly path: string; readonly propagateEnvironment?: readonly string[] }>;
  /** More environment of the peer process (CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG). */
  readonly peerEnv?: Readonly<Record<string, string>>;
  /**
   * Names the peer resolves to 127.0.0.1, as a deployment's DNS resolves its service names: the
   * peer runs in its own mount namespace with its own /etc/hosts (`unshare -m`, which needs
   * CAP_SYS_ADMIN). Where that is not possible the network says why in `hosts.skip`.
   */
  readonly hostNames?: readonly string[];
  /** FABRIC_LOGGING_SPEC of the peer. */
  readonly peerLogSpec?: string;
  readonly log?: (line: string) => void;
}

export interface Network {
  readonly build: FabricBuild;
  readonly dir: string;
  readonly peerAddress: string;
  readonly ordererAddress: string;
  /** The peer's core.yaml (also FABRIC_CFG_PATH of the peer CLI). */
  readonly coreYaml: string;
  readonly peerLog: string;
  readonly ordererLog: string;
  /** Runs the `peer` CLI as Org1's admin against this peer. */
  peerCli(args: readonly string[], timeoutMs: number): Promise<Ran>;
  /** Flags for a peer CLI command that talks to the orderer. */
  readonly ordererFlags: readonly string[];
  /** Flags naming this peer as the endorser (peer chaincode invoke). */
  readonly peerFlags: readonly string[];
  /** The bytes the peer logged so far: a mark for `peerLogSince`. */
  peerLogMark(): number;
  peerLogSince(mark: number): string;
  /** The resolver of the peer: a command prefix that runs a program with the same /etc/hosts, or why there is none. */
  readonly hosts: { readonly wrap: readonly string[] } | { readonly skip: string };
  /** Process ids of the network's process groups (for the leftovers check). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

const ORG1 = 'org1.example.com';

function cryptoConfig(): string {
  return stringify({
    OrdererOrgs: [{ Name: 'Orderer', Domain: 'example.com', EnableNodeOUs: true, Specs: [{ Hostname: 'orderer', SANS: ['localhost', '127.0.0.1'] }] }],
    PeerOrgs: [{ Name: 'Org1', Domain: ORG1, EnableNodeOUs: true, Specs: [{ Hostname: 'peer0', SANS: ['localhost', '127.0.0.1'] }], Users: { Count: 0 } }],
  });
}

function sig(rule: string): { Type: string; Rule: string } {
  return { Type: 'Signature', Rule: rule };
}
function meta(rule: string): { Type: string; Rule: string } {
  return { Type: 'ImplicitMeta', Rule: rule };
}

function configtx(crypto: string, ordererPort: number): string {
  const ordererTls = join(crypto, 'ordererOrganizations', 'example.com', 'orderers', 'orderer.example.com', 'tls', 'server.crt');
  const ordererOrg = {
    Name: 'OrdererOrg',
    ID: 'OrdererMSP',
    MSPDir: join(crypto, 'ordererOrganizations', 'example.com', 'msp'),
    Policies: { Readers: sig("OR('OrdererMSP.member')"), Writers: sig("OR('OrdererMSP.member')"), Admins: sig("OR('OrdererMSP.admin')") },
    OrdererEndpoints: [`127.0.0.1:${ordererPort}`],
  };
  const org1 = {
    Name: 'Org1MSP',
    ID: 'Org1MSP',
    MSPDir: join(crypto, 'peerOrganizations', ORG1, 'msp'),
    Policies: {
      Readers: sig("OR('Org1MSP.admin', 'Org1MSP.peer', 'Org1MSP.client')"),
      Writers: sig("OR('Org1MSP.admin', 'Org1MSP.client')"),
      Admins: sig("OR('Org1MSP.admin')"),
      Endorsement: sig("OR('Org1MSP.peer')"),
    },
  };
  return stringify({
    Profiles: {
      OneOrgChannel: {
        Policies: { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins') },
        Capabilities: { V2_0: true },
        Orderer: {
          OrdererType: 'etcdraft',
          BatchTimeout: '100ms',
          BatchSize: { MaxMessageCount: 10, AbsoluteMaxBytes: '99 MB', PreferredMaxBytes: '512 KB' },
          EtcdRaft: {
            Consenters: [{ Host: '127.0.0.1', Port: ordererPort, ClientTLSCert: ordererTls, ServerTLSCert: ordererTls }],
            Options: { TickInterval: '100ms', ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: '16 MB' },
          },
          Organizations: [ordererOrg],
          Policies: { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins'), BlockValidation: meta('ANY Writers') },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: [org1],
          Policies: {
            Readers: meta('ANY Readers'),
            Writers: meta('ANY Writers'),
            Admins: meta('MAJORITY Admins'),
            LifecycleEndorsement: meta('MAJORITY Endorsement'),
            Endorsement: meta('MAJORITY Endorsement'),
          },
          Capabilities: { V2_0: true },
        },
      },
    },
  });
}

type Yaml = Record<string, unknown>;

function setAll(doc: Yaml, values: Record<string, unknown>): Yaml {
  for (const [k, v] of Object.entries(values)) {
    const keys = k.split('.');
    const last = keys.pop() as string;
    let node = doc;
    for (const p of keys) {
      const next = node[p];
      if (next === null || typeof next !== 'object') node[p] = {};
      node = node[p] as Yaml;
    }
    node[last] = v;
  }
  return doc;
}

function healthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function logTail(file: string, n = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A hosts file with `names` on 127.0.0.1 after the machine's own lines, and the command prefix that
 * runs a program seeing it as /etc/hosts (a private mount namespace), or why that cannot work here.
 */
async function privateHosts(dir: string, names: readonly string[]): Promise<{ readonly wrap: readonly string[] } | { readonly skip: string }> {
  if (names.length === 0) return { skip: 'no names to resolve' };
  const file = join(dir, 'hosts');
  let base = '';
  try {
    base = readFileSync('/etc/hosts', 'utf8');
  } catch {
    /* none */
  }
  writeFileSync(file, `${base}\n${names.map((n) => `127.0.0.1 ${n}`).join('\n')}\n`);
  const wrap = ['unshare', '-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', file];
  const probe = await run(wrap[0] as string, [...wrap.slice(1), 'getent', 'hosts', names[0] as string], { timeoutMs: 30_000 });
  if (probe.code !== 0 || !probe.stdout.includes('127.0.0.1')) return { skip: `cannot give the peer its own /etc/hosts (unshare -m and mount --bind need CAP_SYS_ADMIN): ${(probe.stderr || probe.stdout).trim().split('\n')[0] ?? ''}` };
  return { wrap };
}

/** Runs `attempt` until it succeeds, retrying while its target refuses connections (90 s at most). */
async function untilListening(what: string, logFile: string, attempt: () => Promise<Ran>): Promise<void> {
  let last = '';
  await waitFor(what, 90_000, async () => {
    const r = await attempt();
    last = cliError(r.stderr) ?? `${r.stdout}${r.stderr}`;
    if (r.code === 0) return true;
    if (!/connection refused|failed to connect/.test(last)) throw new Error(`${what} failed: ${last}\n${logTail(logFile)}`);
    return null;
  }, 500).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}: ${last}\n${logTail(logFile)}`);
  });
}

/** Starts the network, or throws with the logs that say why not (after stopping what started). */
export async function startNetwork(build: FabricBuild, o: NetworkOptions): Promise<Network> {
  const log = o.log ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'ccaas-real-peer-'));
  const daemons: Daemon[] = [];
  const cleanup = removeOnExit(dir);
  const stop = async (): Promise<void> => {
    for (const d of [...daemons].reverse()) await d.stop();
    rmSync(dir, { recursive: true, force: true });
    cleanup.forget();
  };
  try {
    const crypto = join(dir, 'crypto');
    writeFileSync(join(dir, 'crypto-config.yaml'), cryptoConfig());
    const cg = await run(build.bin('cryptogen'), ['generate', `--config=${join(dir, 'crypto-config.yaml')}`, `--output=${crypto}`], { timeoutMs: 120_000 });
    if (cg.code !== 0) throw new Error(`cryptogen failed: ${cg.stderr}${cg.stdout}`);

    const [ordererPort, adminPort, ordererOps, peerPort, ccPort, peerOps] = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freeLoopbackPort()));
    const ordererHome = join(crypto, 'ordererOrganizations', 'example.com', 'orderers', 'orderer.example.com');
    const peerHome = join(crypto, 'peerOrganizations', ORG1, 'peers', `peer0.${ORG1}`);
    const ordererCa = join(ordererHome, 'tls', 'ca.crt');
    const peerCa = join(peerHome, 'tls', 'ca.crt');

    // the channel's genesis block
    const cfg = join(dir, 'configtx');
    mkdirSync(cfg);
    writeFileSync(join(cfg, 'configtx.yaml'), configtx(crypto, ordererPort as number));
    const genesis = join(dir, `${CHANNEL}.block`);
    const gen = await run(build.bin('configtxgen'), ['-profile', 'OneOrgChannel', '-outputBlock', genesis, '-channelID', CHANNEL], { env: { ...process.env, FABRIC_CFG_PATH: cfg }, timeoutMs: 120_000 });
    if (gen.code !== 0) throw new Error(`configtxgen failed: ${gen.stderr}`);

    // the orderer
    const ordererCfg = join(dir, 'orderer');
    mkdirSync(ordererCfg);
    const oy = parse(readFileSync(join(build.sampleconfig, 'orderer.yaml'), 'utf8')) as Yaml;
    setAll(oy, {
      'General.ListenAddress': '127.0.0.1',
      'General.ListenPort': ordererPort,
      'General.TLS.Enabled': true,
      'General.TLS.PrivateKey': join(ordererHome, 'tls', 'server.key'),
      'General.TLS.Certificate': join(ordererHome, 'tls', 'server.crt'),
      'General.TLS.RootCAs': [ordererCa],
      'General.Cluster.ClientCertificate': join(ordererHome, 'tls', 'server.crt'),
      'General.Cluster.ClientPrivateKey': join(ordererHome, 'tls', 'server.key'),
      'General.LocalMSPDir': join(ordererHome, 'msp'),
      'General.LocalMSPID': 'OrdererMSP',
      'General.BootstrapMethod': 'none',
      'FileLedger.Location': join(dir, 'orderer-data'),
      'Consensus.WALDir': join(dir, 'orderer-data', 'etcdraft', 'wal'),
      'Consensus.SnapDir': join(dir, 'orderer-data', 'etcdraft', 'snapshot'),
      'Operations.ListenAddress': `127.0.0.1:${ordererOps}`,
      'Admin.ListenAddress': `127.0.0.1:${adminPort}`,
      'Admin.TLS.Enabled': false,
      'ChannelParticipation.Enabled': true,
      'Metrics.Provider': 'disabled',
    });
    writeFileSync(join(ordererCfg, 'orderer.yaml'), stringify(oy));
    const ordererLog = join(dir, 'orderer.log');
    log(`starting orderer on 127.0.0.1:${ordererPort} (admin ${adminPort})`);
    const orderer = startDaemon('orderer', build.bin('orderer'), [], { env: { ...process.env, FABRIC_CFG_PATH: ordererCfg, FABRIC_LOGGING_SPEC: 'info' }, logFile: ordererLog });
    daemons.push(orderer);
    await waitFor('the orderer answers /healthz', 60_000, async () => {
      if (orderer.exited()) throw new Error(`the orderer exited:\n${logTail(ordererLog)}`);
      return (await healthz(ordererOps as number)) ? true : null;
    });
    // /healthz answers before the admin listener does
    await untilListening('osnadmin channel join', ordererLog, () => run(build.bin('osnadmin'), ['channel', 'join', '--channelID', CHANNEL, '--config-block', genesis, '-o', `127.0.0.1:${adminPort}`], { timeoutMs: 60_000 }));
    await waitFor('the orderer elects itself Raft leader', 60_000, () => {
      if (orderer.exited()) throw new Error(`the orderer exited:\n${logTail(ordererLog)}`);
      return /Raft leader changed: \d+ -> 1|became leader at term/.test(readFileSync(ordererLog, 'utf8')) ? true : null;
    });

    // the peer
    const peerCfg = join(dir, 'peer');
    mkdirSync(peerCfg);
    const cy = parse(readFileSync(join(build.sampleconfig, 'core.yaml'), 'utf8')) as Yaml;
    const builders = [
      { name: 'ccaas_builder', path: build.ccaasBuilder, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] },
      ...(o.extraBuilders ?? []).map((b) => ({ name: b.name, path: b.path, propagateEnvironment: [...(b.propagateEnvironment ?? [])] })),
    ];
    setAll(cy, {
      'peer.id': `peer0.${ORG1}`,
      'peer.listenAddress': `127.0.0.1:${peerPort}`,
      'peer.address': `127.0.0.1:${peerPort}`,
      'peer.chaincodeListenAddress': `127.0.0.1:${ccPort}`,
      'peer.chaincodeAddress': `127.0.0.1:${ccPort}`,
      'peer.gossip.bootstrap': `127.0.0.1:${peerPort}`,
      'peer.gossip.endpoint': `127.0.0.1:${peerPort}`,
      'peer.gossip.externalEndpoint': `127.0.0.1:${peerPort}`,
      'peer.gossip.useLeaderElection': false,
      'peer.gossip.orgLeader': true,
      'peer.tls.enabled': true,
      'peer.tls.cert.file': join(peerHome, 'tls', 'server.crt'),
      'peer.tls.key.file': join(peerHome, 'tls', 'server.key'),
      'peer.tls.rootcert.file': peerCa,
      'peer.fileSystemPath': join(dir, 'peer-data'),
      'peer.mspConfigPath': join(peerHome, 'msp'),
      'peer.localMspId': 'Org1MSP',
      'operations.listenAddress': `127.0.0.1:${peerOps}`,
      'metrics.provider': 'disabled',
      'vm.endpoint': '',
      'chaincode.externalBuilders': builders,
      'chaincode.startuptimeout': o.startupTimeout,
      'chaincode.executetimeout': o.executeTimeout,
      'ledger.snapshots.rootDir': join(dir, 'peer-data', 'snapshots'),
    });
    const coreYaml = join(peerCfg, 'core.yaml');
    writeFileSync(coreYaml, stringify(cy));
    const peerLog = join(dir, 'peer.log');
    // the peer's environment: nothing of ours that names its settings
    const baseEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(CORE_|FABRIC_|CHAINCODE_)/.test(k)) baseEnv[k] = v;
    log(`starting peer on 127.0.0.1:${peerPort}`);
    const hosts = await privateHosts(dir, o.hostNames ?? []);
    const peerCmd = 'wrap' in hosts ? [...hosts.wrap, build.bin('peer')] : [build.bin('peer')];
    const peer = startDaemon('peer', peerCmd[0] as string, [...peerCmd.slice(1), 'node', 'start'], { env: { ...baseEnv, ...o.peerEnv, FABRIC_CFG_PATH: peerCfg, FABRIC_LOGGING_SPEC: o.peerLogSpec ?? 'info' }, logFile: peerLog });
    daemons.push(peer);
    await waitFor('the peer answers /healthz', 60_000, async () => {
      if (peer.exited()) throw new Error(`the peer exited:\n${logTail(peerLog)}`);
      return (await healthz(peerOps as number)) ? true : null;
    });

    const cliEnv: NodeJS.ProcessEnv = {
      ...baseEnv,
      FABRIC_CFG_PATH: peerCfg,
      FABRIC_LOGGING_SPEC: 'grpc=error:info',
      CORE_PEER_ADDRESS: `127.0.0.1:${peerPort}`,
      CORE_PEER_LOCALMSPID: 'Org1MSP',
      CORE_PEER_MSPCONFIGPATH: join(crypto, 'peerOrganizations', ORG1, 'users', `Admin@${ORG1}`, 'msp'),
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: peerCa,
    };
    const peerCli = (args: readonly string[], timeoutMs: number): Promise<Ran> => run(build.bin('peer'), args, { env: cliEnv, timeoutMs, cwd: dir });
    // /healthz answers before the peer's gRPC listener does
    await untilListening('peer channel join', peerLog, () => peerCli(['channel', 'join', '-b', genesis], 60_000));
    await waitFor('the peer has the channel', 60_000, async () => {
      const info = await peerCli(['channel', 'getinfo', '-c', CHANNEL], 30_000);
      return info.code === 0 && /"height":\s*[1-9]/.test(info.stdout + info.stderr) ? true : null;
    }, 500);
    log(`network up in ${dir}`);
    const size = (): number => {
      try {
        return statSync(peerLog).size;
      } catch {
        return 0;
      }
    };
    return {
      build,
      dir,
      peerAddress: `127.0.0.1:${peerPort}`,
      ordererAddress: `127.0.0.1:${ordererPort}`,
      coreYaml,
      peerLog,
      ordererLog,
      peerCli,
      ordererFlags: ['-o', `127.0.0.1:${ordererPort}`, '--tls', '--cafile', ordererCa],
      peerFlags: ['--peerAddresses', `127.0.0.1:${peerPort}`, '--tlsRootCertFiles', peerCa],
      peerLogMark: size,
      peerLogSince: (mark) => {
        if (!existsSync(peerLog)) return '';
        return readFileSync(peerLog).subarray(mark).toString('utf8');
      },
      hosts,
      pids: daemons.map((d) => d.pid),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
