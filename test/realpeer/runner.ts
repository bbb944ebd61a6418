import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startImpostor as startEndpoint, type Impostor as Endpoint } from '../../mocks/impostors/index.js';
import { startImpostor as startScript, type Impostor as ScriptServer } from '../../mocks/chaincode/impostors/server.js';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { goServerCommand } from '../../mocks/chaincode/go/launch.js';
import { createCA, issue, type Credential } from '../../src/pki/index.js';
import { launchServer, type RunningServer } from '../../src/server/command.js';
import { freeLoopbackPort } from '../../src/server/port.js';
import { RULE_STAGE } from '../../src/session/session.js';
import { CLI, runCli, ROOT } from '../support/cli.js';
import { SERVICE_NAMES_IN_CERT, type Case, type CaseContext, type Tls } from './cases.js';
import { CHANNEL, type Network } from './network.js';
import { cliError, harnessOutcome, invokeStatus, invokeStep, judge, mattering, type Agreement, type HarnessOutcome, type HarnessRule, type PeerOutcome } from './outcome.js';
import { makePackage, packageIdOf, tarGz, type TarFile } from './packages.js';
import { run } from './proc.js';
import { scriptFor } from './scripts.js';

/**
 * Runs one case of the corpus: makes its package, starts its server, deploys it on the real peer
 * (install, approve, commit, invoke), runs the harness CLI on the same package against the same
 * server, and compares the two (outcome.ts).
 */

export const SAMPLE_BUILDER = resolve(ROOT, 'mocks', 'builders', 'sample-external');
/** CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG of the peer and the harness: the templates' values. */
export const BUILDER_CONFIG = JSON.stringify({ peername: 'peer0org1', loopback: '127.0.0.1' });

export interface TlsWorld {
  readonly tls: Tls;
  readonly ca: Credential;
  readonly dir: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly caFile: string;
}

export function makeWorld(dir: string): TlsWorld {
  const ca = createCA('Real Peer Corpus CA', { organization: 'ccaas-conformance' });
  const server = issue(ca, { commonName: 'localhost', sans: ['localhost', '127.0.0.1', ...SERVICE_NAMES_IN_CERT], extendedKeyUsage: ['serverAuth'] });
  const client = issue(ca, { commonName: 'peer0.org1.example.com', extendedKeyUsage: ['clientAuth'] });
  const other = createCA('Stranger CA');
  mkdirSync(dir, { recursive: true });
  const f = { serverCert: join(dir, 'server.pem'), serverKey: join(dir, 'server.key'), caFile: join(dir, 'ca.pem') };
  writeFileSync(f.serverCert, server.certPem);
  writeFileSync(f.serverKey, server.keyPem, { mode: 0o600 });
  writeFileSync(f.caFile, ca.certPem);
  return { ca, dir, ...f, tls: { caPem: ca.certPem, otherCaPem: other.certPem, clientCertPem: client.certPem, clientKeyPem: client.keyPem } };
}

export interface CaseRecord {
  readonly id: string;
  readonly title: string;
  readonly packageId: string;
  readonly peer: PeerOutcome;
  readonly harness: HarnessOutcome;
  readonly agreement: Agreement;
  /** For cases where the peer waits chaincode.startuptimeout: the wait the harness predicted, in seconds (from its text). */
  readonly harnessPredictedWaitS: number | null;
  readonly knownDisagreement: string | null;
  readonly harnessMs: number;
  readonly ms: number;
  readonly harnessStderr: string;
}

export interface RunnerOptions {
  readonly net: Network;
  readonly world: TlsWorld;
  readonly work: string;
  /** The peer's chaincode.startuptimeout and executetimeout, in ms (for the invoke's deadline). */
  readonly startupMs: number;
  readonly executeMs: number;
}

function labelOf(c: Case): string {
  return c.label ?? `rp_${c.id.replace(/-/g, '_')}`;
}

/** The chaincode name on the channel: the case id (a valid name), unique per case. */
function nameOf(c: Case): string {
  return c.id;
}

interface Started {
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Called once the package ID is known (servers that need it start then). */
  start(packageId: string): Promise<void>;
  output(): string[];
}

async function serverFor(c: Case, world: TlsWorld): Promise<Started> {
  const s = c.server;
  switch (s.kind) {
    case 'none': {
      const port = await freeLoopbackPort();
      return { address: `127.0.0.1:${port}`, port, stop: async () => undefined, start: async () => undefined, output: () => [] };
    }
    case 'endpoint': {
      const e: Endpoint = await startEndpoint(s.endpoint, { ca: world.ca });
      return { address: e.address, port: e.port, stop: () => e.close(), start: async () => undefined, output: () => [] };
    }
    case 'script': {
      let id = '';
      const srv: ScriptServer = await startScript(scriptFor(s.script, () => id));
      const port = Number(srv.address.split(':')[1]);
      return { address: srv.address, port, stop: () => srv.stop(), start: async (pid) => void (id = pid), output: () => [] };
    }
    case 'node':
    case 'go': {
      const port = await freeLoopbackPort();
      const address = `127.0.0.1:${port}`;
      let running: RunningServer | null = null;
      const tls = s.tls ? { certFile: world.serverCert, keyFile: world.serverKey, ...(s.tls === 'mtls' ? { clientCaFile: world.caFile } : {}) } : undefined;
      const command = s.kind === 'node' ? nodeServerCommand(tls) : goServerCommand(tls);
      return {
        address,
        port,
        start: async (packageId) => {
          const registersAs = s.registersAs === 'wrong-package-id' ? `${packageId.split(':')[0]}:${'0'.repeat(64)}` : packageId;
          running = await launchServer({ command, packageId: registersAs, address, cwd: ROOT, baseEnv: process.env, startTimeoutMs: 90_000 });
          if (running.problem) throw new Error(`the ${s.kind} server of ${c.id} did not start: ${running.problem}\n${running.output().slice(-20).join('\n')}`);
        },
        stop: async () => {
          await running?.stop();
        },
        output: () => running?.output() ?? [],
      };
    }
  }
}

function connectionBytes(c: Case, ctx: CaseContext): Buffer | null {
  const conn = (c.connection ?? ((x: CaseContext) => ({ address: x.address, dial_timeout: '3s', tls_required: false })))(ctx);
  if (conn === null) return null;
  return Buffer.from(typeof conn === 'string' ? conn : JSON.stringify(conn, null, 2));
}

async function packageOf(c: Case, ctx: CaseContext): Promise<Buffer> {
  const label = ctx.label;
  const metadata = c.metadata ? c.metadata(label) : Buffer.from(JSON.stringify({ type: c.type ?? 'ccaas', label }));
  const prefix = (files: readonly TarFile[] | undefined): TarFile[] => (files ?? []).map((f) => ({ ...f, name: c.dotSlash ? `./${f.name}` : f.name }));
  if (c.dotSlash) {
    // as `tar czf`: a ./ directory entry first, every name under it
    const conn = connectionBytes(c, ctx);
    const code = await tarGz([{ name: './', data: Buffer.alloc(0), type: 'directory' }, ...(conn ? [{ name: './connection.json', data: conn }] : [])]);
    return tarGz([{ name: './', data: Buffer.alloc(0), type: 'directory' }, ...(metadata ? [{ name: './metadata.json', data: metadata }] : []), { name: './code.tar.gz', data: code }, ...prefix(c.outerFiles)]);
  }
  return makePackage({ metadata, connection: connectionBytes(c, ctx), codeFiles: c.codeFiles ?? [], noCode: c.noCode ?? false, outerFiles: c.outerFiles ?? [] });
}

const INVOKE_DEFAULT: Record<string, readonly string[]> = { node: ['org.hyperledger.fabric:GetMetadata'], go: ['Ping'] };

/** Runs the case on the real peer. */
async function onPeer(c: Case, o: RunnerOptions, pkgFile: string, packageId: string, label: string): Promise<{ outcome: PeerOutcome; text: string }> {
  const { net } = o;
  const mark = net.peerLogMark();
  const name = nameOf(c);
  const texts: string[] = [];
  const finish = (p: Omit<PeerOutcome, 'logLines'>): { outcome: PeerOutcome; text: string } => {
    const log = net.peerLogSince(mark);
    return { outcome: { ...p, logLines: mattering(log, name, label) }, text: `${texts.join('\n')}\n${log}` };
  };
  const install = await net.peerCli(['lifecycle', 'chaincode', 'install', pkgFile], 300_000);
  texts.push(install.stderr, install.stdout);
  if (install.code !== 0) return finish({ step: 'install', install: 'failed', approveCommit: 'not-run', invoke: 'not-run', status: null, error: cliError(install.stderr) ?? install.stderr.trim(), waitedMs: install.ms });
  for (const args of [
    ['lifecycle', 'chaincode', 'approveformyorg', ...net.ordererFlags, '--channelID', CHANNEL, '--name', name, '--version', '1', '--package-id', packageId, '--sequence', '1'],
    ['lifecycle', 'chaincode', 'commit', ...net.ordererFlags, ...net.peerFlags, '--channelID', CHANNEL, '--name', name, '--version', '1', '--sequence', '1'],
  ]) {
    const r = await net.peerCli(args, 120_000);
    if (r.code !== 0) throw new Error(`the network failed ${args[2]} of ${name} (not a case outcome): ${r.stderr}`);
  }
  const s = c.server;
  const fn = c.invoke ?? INVOKE_DEFAULT[s.kind] ?? ['Ping'];
  const inv = await net.peerCli(['chaincode', 'invoke', ...net.ordererFlags, '-C', CHANNEL, '-n', name, ...net.peerFlags, '-c', JSON.stringify({ Args: fn }), '--waitForEvent'], o.startupMs + o.executeMs + 120_000);
  texts.push(inv.stderr, inv.stdout);
  const out = `${inv.stderr}\n${inv.stdout}`;
  if (inv.code === 0) return finish({ step: 'ok', install: 'ok', approveCommit: 'ok', invoke: 'ok', status: invokeStatus(out), error: null, waitedMs: inv.ms });
  const error = cliError(inv.stderr) ?? inv.stderr.trim();
  return finish({ step: invokeStep(error), install: 'ok', approveCommit: 'ok', invoke: 'failed', status: invokeStatus(out), error, waitedMs: inv.ms });
}

/**
 * Runs the harness CLI on the package (its server, if any, is already listening); for a case that
 * resolves service names, with the peer's own /etc/hosts (the same mount-namespace wrapper).
 */
async function onHarness(c: Case, pkgFile: string, reportDir: string, net: Network): Promise<{ outcome: HarnessOutcome; ms: number; stderr: string; text: string }> {
  // The harness models the release of the peer it is compared with.
  const args = [pkgFile, '--quiet', '--fabric-release', net.build.pin.release, ...(c.harness ?? []).map((a) => a.replace('{sampleBuilder}', SAMPLE_BUILDER).replace('{coreYaml}', net.coreYaml))];
  const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: BUILDER_CONFIG };
  let r: { code: number | null; ms: number; stderr: string };
  if (c.resolves && 'wrap' in net.hosts) {
    const w = net.hosts.wrap;
    r = await run(w[0] as string, [...w.slice(1), process.execPath, CLI, ...args, '--report-dir', reportDir], { cwd: ROOT, env: { ...process.env, ...env }, timeoutMs: 240_000 });
  } else r = await runCli(args, { reportDir, timeoutMs: 240_000, env });
  let rules: HarnessRule[] = [];
  let verdict = 'none';
  try {
    const res = JSON.parse(readFileSync(join(reportDir, 'result.json'), 'utf8')) as { verdict: string; rules: unknown };
    verdict = res.verdict;
    rules = (res.rules as readonly HarnessRule[]).map((x) => ({ id: x.id, level: x.level, status: x.status, stage: RULE_STAGE[x.id] ?? x.stage, peerError: x.peerError, message: x.message }));
  } catch (e) {
    verdict = `no result.json (${e instanceof Error ? e.message : String(e)})`;
  }
  const outcome = harnessOutcome(r.code, verdict, rules);
  return { outcome, ms: r.ms, stderr: r.stderr, text: rules.map((x) => `${x.message} ${x.peerError ?? ''}`).join('\n') };
}

export async function runCase(c: Case, o: RunnerOptions): Promise<CaseRecord> {
  const started = performance.now();
  const dir = join(o.work, c.id);
  mkdirSync(dir, { recursive: true });
  const server = await serverFor(c, o.world);
  try {
    const label = labelOf(c);
    const ctx: CaseContext = { address: server.address, port: server.port, label, tls: o.world.tls };
    const bytes = await packageOf(c, ctx);
    const pkgFile = join(dir, `${c.id}.tgz`);
    writeFileSync(pkgFile, bytes);
    const packageId = packageIdOf(label, bytes);
    await server.start(packageId);
    const peer = await onPeer(c, o, pkgFile, packageId, label);
    const harness = await onHarness(c, pkgFile, join(dir, 'report'), o.net);
    const agreement = judge(peer.outcome, harness.outcome, peer.text, c.peerRace ?? null);
    const wait = /startuptimeout \((\d+) ?s\)|(\d+) ?s\b[^.]*startuptimeout|startuptimeout[^.]*?(\d+) ?s/.exec(harness.text);
    return {
      id: c.id,
      title: c.title,
      packageId,
      peer: peer.outcome,
      harness: harness.outcome,
      agreement,
      harnessPredictedWaitS: c.waitsStartup && wait ? Number(wait[1] ?? wait[2] ?? wait[3]) : null,
      knownDisagreement: c.knownDisagreement ?? c.knownDisagreementOn?.[o.net.build.pin.release] ?? null,
      harnessMs: harness.ms,
      ms: Math.round(performance.now() - started),
      harnessStderr: harness.stderr.slice(-2000),
    };
  } finally {
    await server.stop();
    rmSync(join(dir, 'report'), { recursive: true, force: true });
  }
}

/** Runs the cases `concurrency` at a time, in order of the list; `onDone` sees each record as it ends. */
export async function runCorpus(cases: readonly Case[], o: RunnerOptions, concurrency: number, onDone: (r: CaseRecord) => void): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const c = cases[i];
      if (!c || failure !== null) return;
      try {
        const r = await runCase(c, o);
        out[i] = r;
        onDone(r);
      } catch (e) {
        // the network failed (not a case outcome): let the cases in flight finish, start no more
        failure ??= new Error(`case ${c.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, () => worker()));
  if (failure !== null) throw failure;
  return out.filter((r) => r !== undefined);
}

/** One line per case: the real peer's outcome beside the harness's verdict. */
export function tableOf(records: readonly CaseRecord[]): string {
  const rows = records.map((r) => {
    const peer = `${r.peer.step}${r.peer.status !== null ? ` ${r.peer.status}` : ''} (${(r.peer.waitedMs / 1000).toFixed(1)} s)`;
    const harness = `${r.harness.step}${r.harness.decisive ? ` ${r.harness.decisive.id}` : ''} exit ${r.harness.exitCode}`;
    const mark = r.agreement.agrees ? 'agree' : r.knownDisagreement ? 'KNOWN' : 'DISAGREE';
    return [r.id, peer, harness, mark];
  });
  const head = ['case', 'real peer', 'harness', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: readonly string[]): string => r.map((x, i) => x.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}
