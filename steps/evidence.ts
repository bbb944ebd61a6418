import type { Json } from '../src/findings.js';
import { certificateDetails } from '../src/report/certificates.js';
import { EVIDENCE_MEDIA_TYPE, FACTS_MEDIA_TYPE, type Evidence, type PackageFacts } from '../src/report/model.js';
import { redact, redactJson } from '../src/report/redact.js';
import type { PeerSession, StageName } from '../src/session/session.js';

/**
 * What each stage leaves as evidence in the message stream (once per run): the reports render
 * their drawers from these attachments only.
 */

export interface Attachment {
  readonly body: string;
  readonly mediaType: string;
}

function ev(stage: string, title: string, data: Json): Attachment {
  const e: Evidence = { stage, title, data: redactJson(data) };
  return { body: redact(JSON.stringify(e)), mediaType: EVIDENCE_MEDIA_TYPE };
}

export async function stageEvidence(session: PeerSession, stage: StageName): Promise<Attachment[]> {
  switch (stage) {
    case 'package': {
      const p = (await session.package()).inspected;
      const facts: PackageFacts = { path: p.path, label: p.label, type: p.type, packageId: p.packageId, sha256: p.sha256, size: p.size };
      return [{ body: JSON.stringify(facts), mediaType: FACTS_MEDIA_TYPE }];
    }
    case 'build': {
      const b = await session.build();
      if (!b.outcome) return [];
      const builders = ev('build', 'builders', {
        configured: session.builders().map((x) => ({ name: x.name, path: x.path, propagateEnvironment: [...x.propagateEnvironment] })),
        detected: b.outcome.builder,
      });
      return [builders, ...b.outcome.phases.map((ph) =>
        ev('build', `${ph.builder} ${ph.program}`, {
          builder: ph.builder,
          program: ph.program,
          argv: [ph.program, ...ph.peerArgs],
          skipped: ph.skipped ?? null,
          envKeys: ph.run ? [...ph.run.envKeys] : [],
          exit: ph.run ? (ph.run.goError ?? 'exit status 0') : null,
          durationMs: ph.run?.durationMs ?? null,
          timedOut: ph.run?.timedOut ?? false,
          stderr: ph.run ? ph.run.stderrLines.slice(-50) : [],
          stdout: ph.run ? ph.run.stdout.slice(0, 2048) : '',
        }),
      )];
    }
    case 'connection': {
      const c = await session.connection();
      if (c.connectionJson === null) return [];
      const out = [ev('connection', 'released connection.json', c.connectionJson)];
      const tls = c.info?.tls;
      if (tls) {
        const certs = [
          ...certificateDetails('root_cert', tls.rootCert, new Date()),
          ...(tls.client ? certificateDetails('client_cert', tls.client.cert, new Date()) : []),
        ];
        out.push(ev('connection', 'certificates', certs));
      }
      return out;
    }
    case 'dial': {
      const d = await session.dial();
      if (!d.target) return [];
      const data: Json = {
        address: d.target.address,
        dialTimeoutMs: d.target.dialTimeoutMs,
        tls: d.target.tls ? (d.target.tls.client ? 'mutual TLS' : 'TLS') : 'plaintext',
        connectMs: d.dialed?.connectMs ?? null,
        probe: d.probe ? { classification: d.probe.classification, explanation: d.probe.explanation, stages: d.probe.stages.map((s) => ({ name: s.name, ok: s.ok, ms: s.ms, detail: s.detail })) } : null,
      };
      const out = [ev('dial', 'dial', data)];
      const serverOut = session.serverOutput();
      if (serverOut.length > 0) out.push(ev('server', 'chaincode server output (last lines)', serverOut.slice(-40)));
      return out;
    }
    case 'register':
    case 'transaction': {
      const r = await session.register();
      if (!r.handler) return [];
      const entries: Json = r.handler.transcript.entries.map((e) => ({ at: e.at, dir: e.dir, type: e.type, txid: e.txid, channelId: e.channelId, payloadBytes: e.payloadBytes, note: e.note ?? null }));
      return [ev('protocol', 'ChaincodeMessage transcript', entries)];
    }
    default:
      return [];
  }
}
