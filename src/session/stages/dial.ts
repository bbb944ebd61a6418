import { open, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { certLint, type ServerTlsFiles } from '../../connection/certlint.js';
import { decodeUserData, type ChaincodeServerInfo } from '../../connection/index.js';
import { domainUsed } from '../../connection/serverInfo.js';
import { sourceConnection } from '../../connection/source.js';
import { authorityHost, dial, type DialTarget, type Dialed } from '../../dial/connect.js';
import { peerTlsConfig } from '../../dial/gotls.js';
import { DEADLINE, type PeerView } from '../../dial/grpcgo.js';
import { probe, summaryJson, type ProbeClass, type ProbeReport } from '../../dial/probe.js';
import { failed, passed, type Finding, type Json, type PeerFailure } from '../../findings.js';
import { PEER } from '../../config/defaults.js';
import { DEFAULT_FABRIC_RELEASE, type FabricRelease } from '../../catalogue/releases.js';
import { chains, goStatusError, streamEndError } from '../../peer/chains.js';
import type { DialStage, SessionContext } from '../types.js';

/**
 * Launch, continued: the peer's dial (DIAL-03..06) of the chaincode server, explained by the staged
 * probe when it fails, with the TLS configuration the peer builds first (CONN-08) and the
 * certificate lint (DIAL-09..11, CONN-09, DRIFT-04, DRIFT-07). The lint needs no network and also
 * runs with --offline. The grpc-js dial and the probe run side by side, both bounded by
 * dial_timeout: the probe's verdict is final as soon as it is known (a listener that never answers
 * is reported at dial_timeout, as the peer would fail it, not after a second wait).
 */

const LINT_RULES = ['DIAL-09', 'DIAL-10', 'DIAL-11', 'CONN-09', 'DRIFT-07'] as const;

/** How long to wait for the server's first answer on Connect before calling the stream open. */
const FIRST_ANSWER_MS = 1_000;

/** The rule a probe classification breaks. */
export function ruleFor(c: ProbeClass): string {
  switch (c) {
    case 'tls-config':
      return 'CONN-08';
    case 'bad-address':
    case 'unresolvable':
      return 'DIAL-04';
    case 'refused':
    case 'unreachable':
    case 'timeout':
    case 'dropped':
    case 'http1':
    case 'not-http2':
      return 'DIAL-03';
    case 'not-grpc':
    case 'no-chaincode-service':
    case 'connect-refused':
      return 'DIAL-06';
    default:
      return 'DIAL-05';
  }
}

/** The peer's full launch error for a probe's view of the failure. */
export function peerChain(ccid: string, address: string, v: PeerView, release: FabricRelease = DEFAULT_FABRIC_RELEASE): string {
  if (v.streamError !== null) {
    // runtime_launcher.go Launch → extcc_handler.go Stream → handler.go ProcessStream (errors.Wrap); 2.5's Stream drops the error.
    return chains.launch(ccid, chains.streamEnded(ccid, release, streamEndError(v.streamError)));
  }
  return chains.launch(ccid, chains.connection(ccid, address, v.dialError ?? DEADLINE));
}

/**
 * Whether the peer reports its startup timeout instead of the dial's failure: Launch arms the
 * chaincode.startuptimeout timer before it builds and dials (runtime_launcher.go), and the two
 * waits run concurrently, so a dial that fails only at dial_timeout loses to a startup timeout no
 * longer than dial_timeout. Failures known at once (refused, unresolvable, a stream error) win.
 */
export function startupTimeoutWins(v: PeerView, dialTimeoutMs: number, startupTimeoutMs: number): boolean {
  return v.when === 'after dial_timeout' && dialTimeoutMs >= startupTimeoutMs;
}

function probeEvidence(p: ProbeReport, extra: { [k: string]: Json } = {}): { [k: string]: Json } {
  return {
    classification: p.classification,
    stages: p.stages.map((st) => ({ name: st.name, ok: st.ok, ms: st.ms, detail: st.detail })),
    verifiedName: p.verifiedName,
    serverCertificates: p.serverCertificates.map(summaryJson),
    peerFails: p.peer?.when ?? null,
    peerLog: p.peer?.log ?? null,
    peerLogger: p.peer?.logger ?? null,
    grpcGoTextCertainty: p.peer?.certainty ?? null,
    ...extra,
  };
}

async function releaseFiles(releaseDir: string | null): Promise<Array<{ path: string; head: string }>> {
  if (!releaseDir) return [];
  const base = join(releaseDir, 'chaincode', 'server');
  const out: Array<{ path: string; head: string }> = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 4 || out.length >= 50) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile() && relative(base, p) !== 'connection.json') {
        const fh = await open(p, 'r').catch(() => null);
        let head = '';
        if (fh) {
          const buf = Buffer.alloc(256);
          const { bytesRead } = await fh.read(buf, 0, 256, 0).catch(() => ({ bytesRead: 0 }));
          await fh.close();
          head = buf.subarray(0, bytesRead).toString('latin1');
        }
        out.push({ path: relative(releaseDir, p), head });
      }
    }
  };
  await walk(base, 0);
  return out;
}

async function serverFiles(s: SessionContext): Promise<ServerTlsFiles | null> {
  const f = s.config.serverTls;
  if (!f || (!f.cert && !f.key && !f.clientCa)) return null;
  const read = async (p: string | null): Promise<string | null> => (p ? readFile(p, 'latin1').catch(() => null) : null);
  return { certPath: f.cert, cert: await read(f.cert), keyPath: f.key, key: await read(f.key), clientCaPath: f.clientCa, clientCa: await read(f.clientCa) };
}

/** The peer's target (connection.json's address), with the harness's redirect when there is one. */
function targetOf(info: ChaincodeServerInfo, connectTo: string | null): DialTarget {
  return { address: info.address, connectTo, dialTimeoutMs: info.dialTimeoutMs, tls: info.tls };
}

export async function dialStage(s: SessionContext): Promise<DialStage> {
  const c = await s.connection();
  const ccid = await s.packageId();
  const none = { dialed: null, probe: null, target: null };
  if (c.failure || !c.info || !ccid || c.connectionJson === null) return { findings: [], failure: c.failure, ...none };
  const info = c.info;
  const decoded = decodeUserData(Buffer.from(c.connectionJson, 'utf8'));
  if (decoded.kind !== 'ok') return { findings: [], failure: c.failure, ...none };
  const userData = decoded.userData;
  const release = s.config.peer?.fabricRelease ?? DEFAULT_FABRIC_RELEASE;
  const launcher = { release, startupTimeoutMs: s.config.peer?.startupTimeoutMs ?? PEER.startupTimeoutMs };
  const findings: Finding[] = [];
  const now = new Date();

  // CONN-08: the TLS configuration, built before any network I/O.
  let configFailure: PeerFailure | null = null;
  if (info.tls) {
    const cfg = peerTlsConfig(info.tls);
    if (cfg.ok) {
      findings.push(passed('CONN-08', `root_cert gives ${cfg.config.roots.length} trusted certificate(s)${cfg.config.client ? `; the client key pair loads (${cfg.config.client.keyType})` : ''}`));
    } else {
      configFailure = {
        rule: 'CONN-08',
        peerError: chains.launch(ccid, chains.connection(ccid, info.address, cfg.error)),
        message: `the peer cannot build its TLS configuration from connection.json: ${cfg.error}; it fails every launch before dialling.`,
        remedy: cfg.error.startsWith('error adding root certificate')
          ? 'Put the PEM text of the CA that issued the chaincode server certificate in root_cert (line breaks as \\n in the JSON string).'
          : 'Put the PEM client certificate and its own PEM private key in client_cert and client_key.',
        evidence: { skippedBlocks: cfg.skipped.map((b) => ({ type: b.type, reason: b.reason })) },
      };
      findings.push(failed(configFailure));
    }
  } else {
    findings.push({ rule: 'CONN-08', status: 'disabled', message: 'not applicable: tls_required is false, so the peer parses no TLS material', peerError: null });
  }

  const b = await s.build();
  const pkg = await s.package();
  const lintBase = {
    userData,
    dialHost: authorityHost(info.address),
    droppedDomain: userData.domain === '' ? (await sourceConnection(pkg.inspected.builderInput?.codeArchivePath ?? null))?.domain || null : null,
    releaseFiles: await releaseFiles(b.outcome?.releaseDir ?? null),
    server: await serverFiles(s),
    now,
    domainUsed: domainUsed(release),
  };
  const lint = (presented: ProbeReport['chain'] | null): Finding[] => {
    const out = certLint({ ...lintBase, presented });
    for (const rule of LINT_RULES) if (!out.some((f) => f.rule === rule)) out.push(lintPass(rule, info));
    return out;
  };

  const srv = await s.server();
  if (srv.disabled) return { findings: [...findings, ...lint(null), drift04(info, null)], failure: configFailure, disabled: srv.disabled, ...none };
  if (srv.failure || !srv.address) return { findings: [...findings, ...lint(null)], failure: configFailure ?? srv.failure, ...none };
  const target = targetOf(info, srv.redirect?.connectTo ?? null);
  if (configFailure) return { findings: [...findings, ...lint(null)], failure: configFailure, dialed: null, probe: null, target };

  // A dial context that is already expired (negative or sub-millisecond dial_timeout) fails before connecting.
  if (!(info.dialTimeoutMs >= 1)) {
    const f: PeerFailure = {
      rule: 'DIAL-03',
      peerError: chains.launch(ccid, chains.connection(ccid, info.address, DEADLINE)),
      message: `dial_timeout is ${info.dialTimeoutNanos} ns: the peer's dial context expires before any connection can be made, so every launch fails at once, whatever the server does.`,
      remedy: 'Write dial_timeout as a Go duration string, e.g. "dial_timeout": "10s" (a JSON number is nanoseconds).',
      evidence: { dialTimeoutNanos: info.dialTimeoutNanos.toString() },
    };
    return { findings: [...findings, ...lint(null), failed(f), drift04(info, null)], failure: f, dialed: null, probe: null, target };
  }

  const ac = new AbortController();
  const dialing = dial(target, ac.signal);
  const report = await probe(target, info.dialTimeoutMs, { connect: false, now });
  if (report.classification !== 'ok') {
    ac.abort();
    const r = await dialing;
    if (r.ok) r.dialed.close();
    return failure(launcher, ccid, info, target, report, r.ok ? null : r.grpcError, [...findings, ...lint(report.chain), drift04(info, report)]);
  }
  const r = await dialing;
  if (!r.ok) {
    // The probe got through but grpc-js did not within dial_timeout (a server at the edge of the timeout).
    const full = await probe(target, Math.max(info.dialTimeoutMs, 1_000), { now });
    return failure(launcher, ccid, info, target, full.classification === 'ok' ? { ...full, classification: 'timeout', explanation: `grpc-js did not get a ready connection within dial_timeout ${info.dialTimeoutMs} ms (${r.grpcError}), although a second probe connected: the server is at the edge of dial_timeout`, remedy: 'Raise dial_timeout, or make the server accept connections faster.', peer: { dialError: DEADLINE, streamError: null, log: null, logger: null, when: 'after dial_timeout', certainty: 'settled' } } : full, r.grpcError, [...findings, ...lint(report.chain), drift04(info, report)]);
  }
  s.adoptDialed(r.dialed);
  const answer = await r.dialed.firstAnswer(Math.min(FIRST_ANSWER_MS, s.config.registerTimeoutMs));
  if (answer.kind === 'error' && answer.code !== 1) {
    const full = await probe(target, Math.max(1_000, Math.min(info.dialTimeoutMs, 3_000)), { now });
    const rep: ProbeReport = full.classification === 'ok'
      ? { ...full, classification: 'connect-refused', explanation: `the server answered /protos.Chaincode/Connect with an error: ${answer.code} ${answer.details}`, remedy: 'Check the chaincode server\'s logs.', peer: { dialError: null, streamError: goStatusError(answer.code, answer.details), log: null, logger: null, when: 'on the stream', certainty: 'inferred' } }
      : full;
    const out = await failure(launcher, ccid, info, target, rep, `${answer.code}: ${answer.details}`, [...findings, ...lint(report.chain), drift04(info, report)]);
    return { ...out, dialed: r.dialed };
  }
  const mode = target.tls ? (target.tls.client ? 'mutual TLS' : 'TLS') : 'plaintext';
  const timings = report.stages.map((st) => `${st.name} ${st.ms} ms`).join(', ');
  findings.push(
    passed('DIAL-03', `connected to ${target.address}${target.connectTo ? ` (at ${target.connectTo}, ${srv.redirect?.via ?? ''})` : ''} (${mode}) in ${r.dialed.connectMs} ms, within dial_timeout ${info.dialTimeoutMs} ms (probe: ${timings})`, probeEvidence(report, { connectMs: r.dialed.connectMs })),
    passed('DIAL-04', `address ${info.address} is a target grpc-go dials as given${srv.redirect ? `. ${srv.redirect.note}` : ''}`),
    target.tls
      ? passed('DIAL-05', `the ${mode} handshake succeeds with the peer's client configuration: ${report.stages.find((st) => st.name === 'tls')?.detail ?? ''}; the certificate names ${report.verifiedName ?? '?'}`)
      : { rule: 'DIAL-05', status: 'disabled', message: 'not applicable: connection.json has tls_required false, so the peer dials in plaintext (and the server answered plaintext HTTP/2)', peerError: null },
    passed('DIAL-06', answer.kind === 'headers' ? 'opened /protos.Chaincode/Connect; the server answered with gRPC headers' : 'opened /protos.Chaincode/Connect (the server has not answered yet; the chaincode speaks first)'),
  );
  return { findings: [...findings, ...lint(report.chain), drift04(info, report)], failure: null, dialed: r.dialed as Dialed, probe: report, target };
}

function lintPass(rule: string, info: ChaincodeServerInfo): Finding {
  if (rule === 'DIAL-11' && !info.tls?.client) return { rule, status: 'disabled', message: 'not applicable: client_auth_required is false, so the peer presents no client certificate', peerError: null };
  if ((rule === 'DIAL-09' || rule === 'DIAL-10') && !info.tls) return { rule, status: 'disabled', message: 'not applicable: tls_required is false, so the peer uses no certificates', peerError: null };
  return passed(rule, rule === 'CONN-09' || rule === 'DRIFT-07' ? 'no TLS files in release/chaincode/server; TLS material is inline, as the peer reads it' : 'no issue found in the TLS material');
}

/** DRIFT-04: root_cert is the chaincode server's CA, not the peer's own (as the documentation's wording suggests). */
function drift04(info: ChaincodeServerInfo, report: ProbeReport | null): Finding {
  if (!info.tls) return { rule: 'DRIFT-04', status: 'disabled', message: 'not applicable: tls_required is false', peerError: null };
  if (report?.classification === 'tls-wrong-ca' && /CA of the peer's own client certificate/.test(report.explanation)) {
    return failed({ rule: 'DRIFT-04', peerError: null, message: 'root_cert holds the CA of the peer\'s own client certificate (the documentation calls it "the server (peer) root certificate"), but the peer uses it to verify the chaincode server\'s certificate.', remedy: 'Put the CA that issued the chaincode server\'s certificate in root_cert.' });
  }
  return passed('DRIFT-04', report?.classification === 'ok' ? 'root_cert verifies the chaincode server\'s certificate' : 'root_cert is used as the CA of the chaincode server\'s certificate');
}

async function failure(release: { readonly release: FabricRelease; readonly startupTimeoutMs: number }, ccid: string, info: ChaincodeServerInfo, target: DialTarget, report: ProbeReport, grpcJs: string | null, findings: Finding[]): Promise<DialStage> {
  const rule = ruleFor(report.classification);
  const v: PeerView = report.peer ?? { dialError: DEADLINE, streamError: null, log: null, logger: null, when: 'after dial_timeout', certainty: 'inferred' };
  const startupMs = release.startupTimeoutMs;
  const timedOut = startupTimeoutWins(v, info.dialTimeoutMs, startupMs);
  const when = timedOut ? `after chaincode.startuptimeout (${startupMs / 1000} s)` : v.when === 'immediately' ? 'at once' : v.when === 'after dial_timeout' ? `after dial_timeout (${info.dialTimeoutMs} ms)` : 'as soon as the stream opens';
  const f: PeerFailure = {
    rule,
    peerError: timedOut ? chains.launch(ccid, chains.startupTimeout(ccid)) : peerChain(ccid, info.address, v, release.release),
    message: `the peer cannot connect (${report.classification}): ${report.explanation}. The peer fails the launch ${when}${v.log ? `; its log says: ${v.log}` : ''}.${timedOut ? ` dial_timeout (${info.dialTimeoutMs / 1000} s) is not shorter than chaincode.startuptimeout (${startupMs / 1000} s), and the peer runs both waits at once: it reports \`${chains.startupTimeout(ccid)}\` after ${startupMs / 1000} s, not the dial error (${v.dialError ?? DEADLINE}).` : ''}${v.streamError !== null && release.release === '2.5' ? ` (Fabric 2.5's peer drops the stream's error, ${v.streamError}, and reports only that the connection terminated; the cause is in its debug log.)` : ''}${target.connectTo ? ` (The harness connected to ${target.connectTo} in place of ${info.address}; the quoted peer error is the peer's view of ${info.address}.)` : ''}`,
    remedy: report.remedy,
    evidence: probeEvidence(report, { grpcJs: grpcJs ?? null, dialTimeoutMs: info.dialTimeoutMs, startupTimeoutMs: startupMs, startupTimeoutWins: timedOut }),
  };
  const out: Finding[] = [...findings, failed(f)];
  const reached = new Set(report.stages.filter((st) => st.ok).map((st) => st.name));
  const via = target.connectTo ? ` (through the harness's redirect to ${target.connectTo}; the peer must resolve ${authorityHost(info.address)} itself)` : '';
  if (rule !== 'DIAL-04' && reached.has('resolve')) out.push(passed('DIAL-04', reached.has('tcp') ? `address ${info.address} resolves and accepts TCP connections${via}` : `address ${info.address} is a usable target: it resolves${via} (nothing accepted the connection: ${rule})`));
  if (rule === 'DIAL-06') out.push(passed('DIAL-03', `the connection is ready (TCP${target.tls ? ', TLS' : ''}, HTTP/2) within dial_timeout`));
  if (rule === 'DIAL-06' && target.tls) out.push(passed('DIAL-05', 'the TLS handshake succeeds with the peer\'s client configuration'));
  if ((rule === 'DIAL-03' || rule === 'DIAL-04') && !target.tls) out.push({ rule: 'DIAL-05', status: 'disabled', message: 'not applicable: tls_required is false', peerError: null });
  return { findings: out, failure: f, dialed: null, probe: report, target };
}
