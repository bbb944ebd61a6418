/**
 * What the real peer did with a case, and what the harness said it would do, each reduced to the
 * step of a deployment where it stopped, and the two compared. Pure functions.
 *
 * Steps: `install` (parse, save, detect, build, release: `peer lifecycle chaincode install`),
 * `launch` (the first invoke: connection.json, dial, REGISTER), `transaction` (the stream broke
 * or the transaction did not complete), `ok` (the peer ran the transaction: whatever status the
 * chaincode answered is the chaincode's business, not the peer's rejection).
 */

export type Step = 'install' | 'launch' | 'transaction' | 'ok';

export interface PeerOutcome {
  readonly step: Step;
  /** approve/commit/invoke ran? (install failures stop there) */
  readonly install: 'ok' | 'failed';
  readonly approveCommit: 'ok' | 'failed' | 'not-run';
  readonly invoke: 'ok' | 'failed' | 'not-run';
  /** The status the invoke returned (the chaincode's answer, or the peer's 500). */
  readonly status: number | null;
  /** The CLI's error text (the last Error: line), or null. */
  readonly error: string | null;
  /** Peer log lines that matter (errors and warnings about this chaincode). */
  readonly logLines: readonly string[];
  /** How long the failing (or last) peer command took, ms. */
  readonly waitedMs: number;
}

export interface HarnessRule {
  readonly id: string;
  readonly level: string;
  readonly status: string;
  readonly stage: string;
  readonly peerError: string | null;
  readonly message: string;
}

export interface HarnessOutcome {
  readonly step: Step;
  readonly exitCode: number | null;
  readonly verdict: string;
  /** The first failed MUST rule (the one that decides the step). */
  readonly decisive: HarnessRule | null;
  readonly failedMust: readonly HarnessRule[];
}

/** The harness stage that judges a rule, as the deployment step where the peer would stop. */
export function stepOfStage(stage: string): Step {
  switch (stage) {
    case 'package':
    case 'build':
      return 'install';
    case 'connection':
    case 'dial':
    case 'register':
      return 'launch';
    case 'transaction':
      return 'transaction';
    default:
      return 'ok';
  }
}

const STAGE_ORDER = ['package', 'build', 'connection', 'dial', 'register', 'transaction'];

/**
 * The step a failed rule says the peer stops at: its quoted text names the launch or the
 * transaction when the peer fails there (a rule judged while building, like CONN-10, may fail
 * only at launch); otherwise the stage that judges it.
 */
export function stepOfRule(r: HarnessRule): Step {
  const t = r.peerError ?? '';
  if (/could not launch chaincode|malformed chaincode info|timeout expired while starting chaincode/.test(t)) return 'launch';
  if (TRANSACTION.test(t)) return 'transaction';
  return stepOfStage(r.stage);
}

/** The harness's outcome from result.json's rules (with the stage that judges each) and its exit code. */
export function harnessOutcome(exitCode: number | null, verdict: string, rules: readonly HarnessRule[]): HarnessOutcome {
  const failedMust = rules.filter((r) => r.level === 'MUST' && r.status === 'failed');
  const sorted = [...failedMust].sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage));
  const decisive = sorted[0] ?? null;
  return { step: decisive ? stepOfRule(decisive) : 'ok', exitCode, verdict, decisive, failedMust };
}

/** The last `Error: ...` of a peer CLI's stderr (the CLI prints its failure that way). */
export function cliError(stderr: string): string | null {
  const lines = stderr.split('\n').filter((l) => /Error: /.test(l));
  const last = lines[lines.length - 1];
  return last ? last.slice(last.indexOf('Error: ') + 'Error: '.length).trim() : null;
}

/** The status of `peer chaincode invoke`'s answer: "status:200" on success, "status:500" in an endorsement failure. */
export function invokeStatus(output: string): number | null {
  const m = /status:(\d+)/.exec(output);
  return m ? Number(m[1]) : null;
}

/** Launch failures, as the peer words them in the endorsement error. */
const LAUNCH = /could not launch chaincode|error starting container|chaincode registration failed|timeout expired while starting chaincode|connection to .* failed|failed to create connection|could not get chaincode server info|malformed chaincode info|error unmarshaling connection|chaincode server connection/;
const TRANSACTION = /timeout expired while executing transaction|chaincode stream terminated|error sending|transaction returned with failure|failed to execute transaction/;

/** The step an endorsement failure of `peer chaincode invoke` stopped at. */
export function invokeStep(error: string): Step {
  if (LAUNCH.test(error)) return 'launch';
  if (TRANSACTION.test(error)) return 'transaction';
  return 'ok';
}

/** Peer log lines that matter for a case: errors and warnings, and chaincode lifecycle lines naming it. */
export function mattering(log: string, name: string, label: string): string[] {
  const out: string[] = [];
  for (const raw of log.split('\n')) {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trim();
    if (!line) continue;
    if (/ (ERRO|WARN|PANI) /.test(line) || ((line.includes(label) || line.includes(` ${name} `)) && / (INFO) /.test(line) && /launch|build|install|connection|regist|exit|error|fail|timeout/i.test(line))) out.push(line.length > 600 ? `${line.slice(0, 600)}...` : line);
  }
  return out.slice(0, 12);
}

/**
 * The literal pieces of a harness's quoted error: the parts between what differs from run to run
 * (paths, temporary directory names, durations, ports, addresses' numbers, hex digests).
 */
export function literalPieces(quoted: string): string[] {
  const variable = /(?:<[^>]*>|\/[^\s:'"`]*|\b[0-9a-f]{16,}\b|\b\d+(?:\.\d+)?(?:ns|µs|ms|s|m)?\b|fabric-[^\s:'"]+|\[[^\]]*\])/;
  return quoted
    .split(variable)
    .map((p) => p.trim())
    .filter((p) => p.length >= 8);
}

/** The peer CLI prints the endorsement's message with Go's %q-style escapes: undo them. */
export function unescapeCli(text: string): string {
  return text.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

/** Whether the peer's text carries every literal piece of the harness's quoted error. */
export function quotedErrorAgrees(quoted: string, peerTextRaw: string): { readonly agrees: boolean; readonly missing: readonly string[] } {
  const peerText = unescapeCli(peerTextRaw);
  const pieces = literalPieces(quoted);
  const missing = pieces.filter((p) => !peerText.includes(p));
  return { agrees: pieces.length > 0 && missing.length === 0, missing };
}

export interface Agreement {
  readonly agrees: boolean;
  readonly why: string;
}

/**
 * Do the real peer and the harness agree? The step must be the same, and the quoted text found in
 * the peer's; or, for a case with a race in the peer (`race`), the peer printed one of the race's
 * texts and the harness's decisive finding names that one (in its quote or its message).
 */
export function judge(peer: PeerOutcome, harness: HarnessOutcome, peerText: string, race: { readonly texts: readonly string[]; readonly source: string } | null = null): Agreement {
  if (peer.step !== harness.step) return { agrees: false, why: `the peer stopped at ${peer.step}, the harness predicted ${harness.step}${harness.decisive ? ` (${harness.decisive.id})` : ''}` };
  if (peer.step === 'ok') return { agrees: true, why: 'both ran the transaction' };
  const d = harness.decisive;
  if (!d) return { agrees: false, why: `the peer stopped at ${peer.step} but the harness failed no MUST rule` };
  if (!d.peerError) return { agrees: false, why: `${d.id} quotes no peer error text` };
  const q = quotedErrorAgrees(d.peerError, peerText);
  const side = !q.agrees && race ? race.texts.find((t) => unescapeCli(peerText).includes(t)) : undefined;
  if (race && side !== undefined) {
    return d.peerError.includes(side) || d.message.includes(side)
      ? { agrees: true, why: `both stop at ${peer.step}; the peer printed one side of a race ${d.id} names (${race.source}): "${side}"` }
      : { agrees: false, why: `the peer printed "${side}" (one side of a race, ${race.source}), which ${d.id} does not name` };
  }
  if (!q.agrees) return { agrees: false, why: `${d.id} quotes text the peer did not print: ${q.missing.map((m) => JSON.stringify(m)).join(', ') || '(nothing literal to compare)'}` };
  return { agrees: true, why: `both stop at ${peer.step}; ${d.id}'s quoted text is in the peer's output` };
}
