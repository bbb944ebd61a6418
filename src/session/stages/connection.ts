import type { FabricRelease } from '../../catalogue/releases.js';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readConnection } from '../../connection/index.js';
import { learnPrivateKeys } from '../../report/knownKeys.js';
import { blocked, failed, passed, type Finding, type PeerFailure } from '../../findings.js';
import { chains, peerConnectionJsonPath } from '../../peer/chains.js';
import type { BuildOutcome } from '../../builder/runner.js';
import { foldPerPeer, type PeerFindings } from '../perPeer.js';
import type { ConnectionStage, SessionContext } from '../types.js';
import type { BuildStageWithDetail } from './build.js';
import { CONNECTION_LINT_RULES } from './rules.js';

/** Launch: connection.json from the durable release, as the peer reads it (CONN-*, doc drift). */
export async function connectionStage(s: SessionContext): Promise<ConnectionStage> {
  const b = await s.build();
  const ccid = await s.packageId();
  if (b.failure || !b.outcome?.releaseDir || !ccid) return { findings: [], failure: b.failure, info: null, connectionJson: null };
  const release = s.config.peer?.fabricRelease;
  const primary = await judgeRelease(b.outcome, ccid, release);
  // --peer/--builder-config: every peer's released connection.json is read as that peer reads it.
  const others = (b as Partial<BuildStageWithDetail>).peerOutcomes ?? [];
  if (others.length === 0) return primary;
  const perPeer: PeerFindings[] = [{ peer: (b as Partial<BuildStageWithDetail>).primaryPeer ?? '', findings: primary.findings }];
  for (const p of others) {
    if (!p.outcome.releaseDir) continue;
    perPeer.push({ peer: p.name, findings: (await judgeRelease(p.outcome, ccid, release)).findings });
  }
  return { ...primary, findings: foldPerPeer(perPeer) };
}

/** One peer's launch: connection.json from its durable release, as the peer reads it. */
async function judgeRelease(outcome: BuildOutcome, ccid: string, release: FabricRelease | undefined): Promise<ConnectionStage> {
  const b = { outcome };
  const file = join(outcome.releaseDir ?? '', 'chaincode', 'server', 'connection.json');
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const f: PeerFailure = {
      rule: 'CONN-01',
      peerError: null,
      message: `builder '${b.outcome.builder ?? ''}' released no chaincode/server/connection.json: the peer would run bin/run instead, so this package is not chaincode-as-a-service`,
    };
    return { findings: [failed(f)], failure: f, info: null, connectionJson: null };
  }
  const bytes = await readFile(file);
  learnPrivateKeys(bytes.toString('utf8'));
  const r = readConnection(bytes, peerConnectionJsonPath(ccid), release);
  const findings: Finding[] = [passed('CONN-01', `the release holds chaincode/server/connection.json (${bytes.length} bytes)`), ...r.findings];
  // Lint rules (SHOULD, doc drift) that found nothing pass.
  for (const rule of CONNECTION_LINT_RULES) if (!r.findings.some((f) => f.rule === rule)) findings.push(passed(rule, 'no issue found in connection.json'));
  if (r.failure) {
    const full: PeerFailure = { ...r.failure, peerError: chains.launch(ccid, chains.building(r.failure.peerError ?? r.failure.message)) };
    findings.push(failed(full));
    // Decoding comes before validation: a later failure means the earlier checks passed.
    if (r.failure.rule !== 'CONN-02') findings.push(passed('CONN-02', 'connection.json is one JSON object'));
    if (r.failure.rule === 'CONN-07') findings.push(passed('CONN-03', 'every field has the peer\'s Go type'), passed('CONN-06', 'dial_timeout decodes'));
    // A type error is reported only once the decoder reached the end of the document, so
    // dial_timeout decoded: its Duration decoder's error would have stopped it first.
    if (r.failure.rule === 'CONN-03') findings.push(passed('CONN-06', 'dial_timeout decodes (the decoder reached the end of the document before reporting the type error)'));
    // CONN-05: the Duration decoder's error aborts the decode, so type errors after it stay hidden
    // until dial_timeout is fixed; a syntax error (CONN-02) says nothing about dial_timeout.
    if (r.failure.rule === 'CONN-06') findings.push(blocked('CONN-05', full));
    else if (r.failure.rule === 'CONN-03') findings.push(passed('CONN-05', 'no dial_timeout error cut the decode short: the peer reports the first type error of the document'));
    else if (r.failure.rule === 'CONN-07') findings.push(passed('CONN-05', 'dial_timeout decodes, so no error of it hides a type error'));
    return { findings, failure: full, info: null, connectionJson: bytes.toString('utf8') };
  }
  const info = r.info;
  if (info) {
    const mode = info.tls ? (info.tls.client ? 'mutual TLS' : 'TLS') : 'plaintext';
    findings.push(
      passed('CONN-02', 'connection.json is one JSON object'),
      passed('CONN-03', 'every field has the peer\'s Go type'),
      passed('CONN-05', 'dial_timeout decodes, so no error of it hides a type error'),
      passed('CONN-06', `dial timeout ${info.dialTimeoutMs} ms${info.dialTimeoutNanos === 0n ? ' (the 3 s default)' : ''}`),
      passed('CONN-07', `address ${info.address}, ${mode}`),
    );
  }
  return { findings, failure: null, info, connectionJson: bytes.toString('utf8') };
}
