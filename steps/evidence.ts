import type { Json } from '../src/findings.js';
import { certificateDetails } from '../src/report/certificates.js';
import type { TranscriptEntry } from '../src/peer/stream.js';
import { ANSWER_MEDIA_TYPE } from '../src/peer/answers.js';
import { EVIDENCE_MEDIA_TYPE, FACTS_MEDIA_TYPE, SCENARIO_EVIDENCE_STAGE, type Evidence, type PackageFacts } from '../src/report/model.js';
import { HARNESS_NOTE_TITLE } from '../src/report/notes.js';
import { redact, redactJson } from '../src/report/redact.js';
import type { PeerSession, StageName } from '../src/session/session.js';
import { buildEvidence } from '../src/session/stages/build.js';

/**
 * What each stage leaves as evidence in the message stream (once per run): the reports render
 * their drawers from these attachments only.
 */

export interface Attachment {
  readonly body: string;
  readonly mediaType: string;
}

/** A transcript's entries as evidence data. */
export function transcriptData(entries: readonly TranscriptEntry[]): Json {
  return entries.map((e) => ({ at: e.at, dir: e.dir, type: e.type, txid: e.txid, channelId: e.channelId, payloadBytes: e.payloadBytes, note: e.note ?? null }));
}

/** The messages of one of the user's scenarios, attached to that scenario (stage `scenario`). */
export function scenarioTranscript(name: string, entries: readonly TranscriptEntry[]): Attachment {
  return ev(SCENARIO_EVIDENCE_STAGE, name, transcriptData(entries));
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
      // The build stage's own evidence (src/session/stages/build.ts): configuration, lint, every program, trees, peers.
      return buildEvidence(await session.build()).map((e) => ev('build', e.title, e.data));
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
      const redirect = (await session.server()).redirect;
      const notes = redirect ? [ev('dial', HARNESS_NOTE_TITLE, redirect.note)] : [];
      const serverLines = session.serverOutput();
      if (!d.target) return [...notes, ...(serverLines.length > 0 ? [ev('server', 'chaincode server output (last lines)', serverLines.slice(-40))] : [])];
      const data: Json = {
        address: d.target.address,
        connectTo: d.target.connectTo ?? null,
        dialTimeoutMs: d.target.dialTimeoutMs,
        tls: d.target.tls ? (d.target.tls.client ? 'mutual TLS' : 'TLS') : 'plaintext',
        connectMs: d.dialed?.connectMs ?? null,
        probe: d.probe ? { classification: d.probe.classification, explanation: d.probe.explanation, stages: d.probe.stages.map((s) => ({ name: s.name, ok: s.ok, ms: s.ms, detail: s.detail })) } : null,
      };
      const out = [...notes, ev('dial', 'dial', data)];
      const serverOut = session.serverOutput();
      if (serverOut.length > 0) out.push(ev('server', 'chaincode server output (last lines)', serverOut.slice(-40)));
      return out;
    }
    case 'register':
    case 'transaction': {
      const r = await session.register();
      if (!r.handler) return [];
      const out = [ev('protocol', 'ChaincodeMessage transcript', transcriptData(r.handler.transcript.entries))];
      // The chaincode's own answers (not the peer's verdict), in their own category.
      const answers = stage === 'transaction' ? ((await session.transaction()).answers ?? []) : [];
      if (answers.length > 0) out.push({ body: redact(JSON.stringify(answers)), mediaType: ANSWER_MEDIA_TYPE });
      return out;
    }
    default:
      return [];
  }
}
