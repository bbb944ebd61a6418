import { releasedWithoutDialTimeout } from '../connection/ccaasRewrite.js';
import { failed, passed, type Finding, type Json, type PeerFailure } from '../findings.js';
import { chains, peerConnectionJsonPath } from '../peer/chains.js';
import { TWIN_CANNOT_REPRODUCE } from './ccaas/programs.js';
import type { LintNote } from './lint.js';
import type { PeerBuilderSetup } from './peerConfig.js';
import { buildChains, type BuildOutcome, type BuilderSpec, type PhaseRecord } from './runner.js';

/**
 * Judging the external build: configuration (BLD-01), lint (BLD-03, BLD-16..21, DRIFT-19/22),
 * the runner's outcome (BLD-02..14), the built-in ccaas builder (BLD-15), one package on many
 * peers (BLD-22), and the documentation drifts the build shows (DRIFT-13, 17..28). Pure: every
 * input was gathered by the build stage.
 */

export interface RestartView {
  /** CachedBuild with the same configuration. */
  readonly same: { readonly restored: string | null; readonly error: string | null };
  /** CachedBuild after renaming the builder that built the package. */
  readonly renamed: { readonly restored: string | null; readonly error: string | null };
}

export interface PeerBuild {
  readonly name: string;
  readonly builderConfig: string;
  readonly outcome: BuildOutcome;
}

export interface BuildJudgeInput {
  readonly setup: Pick<PeerBuilderSetup, 'source' | 'startError' | 'startErrorInexact' | 'notes' | 'vmEndpoint' | 'settings'>;
  readonly specs: readonly BuilderSpec[];
  readonly lint: readonly LintNote[];
  /** null when the peer would not start (BLD-01). */
  readonly outcome: BuildOutcome | null;
  readonly packageId: string;
  /** `type` of the FIRST metadata.json as the builders decode it, or null when it does not decode. */
  readonly metadataType: string | null;
  /** max(chaincode.installTimeout, chaincode.executetimeout): how long the install client waits. */
  readonly installWaitMs: number;
  readonly timeoutMs: number;
  readonly restart: RestartView | null;
  /** DRIFT-18: index files in the release that CouchDB would get although they are not .json / not JSON. */
  readonly releaseIndexIssues: readonly string[];
  readonly peers: readonly PeerBuild[];
  /** Text of chaincode.json the peer would write for bin/run (BLD-13), when that is where the launch goes. */
  readonly runConfigJson: string | null;
}

export interface BuildJudgement {
  readonly findings: Finding[];
  /** The stage's failure: what stops the peer's flow here (null: the flow goes on to connection.json). */
  readonly failure: PeerFailure | null;
}

/** Rules of the build stage in catalogue order (every one gets a finding). */
export const BUILD_JUDGED = [
  'BLD-01', 'BLD-02', 'BLD-03', 'BLD-04', 'BLD-05', 'BLD-06', 'BLD-07', 'BLD-08', 'BLD-09', 'BLD-10', 'BLD-11', 'BLD-12', 'BLD-13', 'BLD-14', 'BLD-15',
  'BLD-16', 'BLD-17', 'BLD-18', 'BLD-19', 'BLD-20', 'BLD-21', 'BLD-22', 'BLD-23', 'CONN-10',
  'DRIFT-13', 'DRIFT-17', 'DRIFT-18', 'DRIFT-19', 'DRIFT-20', 'DRIFT-21', 'DRIFT-22', 'DRIFT-23', 'DRIFT-25', 'DRIFT-26', 'DRIFT-27', 'DRIFT-28',
] as const;

const notApplicable = (rule: string, why: string): Finding => ({ rule, status: 'disabled', message: `not applicable: ${why}`, peerError: null });
const skippedBy = (rule: string, by: PeerFailure): Finding => ({ rule, status: 'skipped', message: `not judged: blocked by ${by.rule} (${by.message})`, peerError: null });
const should = (rule: string, message: string, evidence?: Finding['evidence']): Finding => ({ rule, status: 'failed', message, peerError: null, ...(evidence ? { evidence } : {}) });

function ran(o: BuildOutcome): PhaseRecord[] {
  return o.phases.filter((p) => p.run !== null);
}

function stderrTail(p: PhaseRecord | undefined): string {
  const lines = p?.run?.stderrLines.filter((l) => l.trim() !== '').slice(-3) ?? [];
  return lines.length > 0 ? `; its stderr ends: ${lines.join(' | ')}` : p?.run && p.run.stdout.trim() !== '' ? `; it printed nothing on stderr, only on stdout (which the peer discards): ${p.run.stdout.trim().split('\n').slice(-2).join(' | ')}` : '';
}

/** The program that would hang the peer: harness deadline, stderr held open, or a blocked stderr pipe. */
function hangOf(o: BuildOutcome): { phase: PhaseRecord; why: string } | null {
  if (o.hang) return { phase: o.hang, why: o.failure?.message ?? 'did not finish' };
  for (const p of ran(o)) {
    if (p.run?.peerLog.wouldBlock) {
      return {
        phase: p,
        why: `bin/${p.program} of builder '${p.builder}' wrote a ${p.run.peerLog.cutLineBytes}-byte stderr line and then ${p.run.peerLog.bytesAfterCut} more bytes, more than a pipe holds: the peer stops reading stderr at a 64 KiB line and the program would block writing forever, so this would hang the install`,
      };
    }
  }
  return null;
}

/**
 * The fix when the ccaas builder's template names a key CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
 * does not have (`map has no entry for key "peername"`, missingkey=error): the peer's environment,
 * not connection.json, is what is missing. null for any other error.
 */
export function missingTemplateKeyRemedy(errText: string): string | null {
  const m = /map has no entry for key "((?:[^"\\]|\\.)*)"/.exec(errText);
  if (!m) return null;
  const key = m[1] as string;
  return `connection.json's template reads .${key} from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, which has no "${key}" key on this peer (or is not set): set CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG in the peer's environment to a JSON object with it, e.g. {"${key}":"peer0org1"}, and keep the variable in the ccaas_builder's propagateEnvironment in core.yaml (the stock core.yaml has it). Here, judge each peer's rendering with --peer NAME --builder-config '{"${key}":"..."}'.`;
}

function lintFinding(rule: string, notes: readonly LintNote[], okMessage: string): Finding {
  const bad = notes.filter((n) => n.rule === rule && n.severity === 'failed');
  const info = notes.filter((n) => n.rule === rule && n.severity === 'info');
  if (bad.length > 0) return should(rule, bad.map((n) => n.message).join(' '), { notes: bad.map((n) => n.message) });
  return passed(rule, [okMessage, ...info.map((n) => n.message)].join('; '));
}

function listBuilders(specs: readonly BuilderSpec[]): string {
  return specs.map((b) => `'${b.name}' (${b.path}${b.standInFor ? ', run by the bundled ccaas twin' : ''})`).join(', ');
}

/** Judges the build stage; every rule of BUILD_JUDGED gets one finding. */
export function judgeBuild(input: BuildJudgeInput): BuildJudgement {
  const out: Finding[] = [];
  const { setup, specs, lint, outcome: o } = input;

  // BLD-01: the configuration, before anything else.
  if (setup.startError !== null) {
    const f: PeerFailure = {
      rule: 'BLD-01',
      peerError: setup.startErrorInexact ? null : setup.startError,
      message: `the peer refuses to start with this builder configuration (from ${setup.source}): ${setup.startError}${setup.startErrorInexact ? ' (a YAML syntax error: the harness\'s parser words it differently from Go\'s)' : ''}`,
    };
    out.push(failed(f));
    for (const r of BUILD_JUDGED) if (r !== 'BLD-01') out.push(skippedBy(r, f));
    return { findings: out, failure: f };
  }
  out.push(
    passed('BLD-01', `the peer accepts the builder configuration (from ${setup.source}): ${specs.length === 0 ? `no external builder, vm.endpoint ${setup.vmEndpoint}` : listBuilders(specs)}${setup.notes.length > 0 ? `; note: ${setup.notes.join('; ')}` : ''}`, {
      source: setup.source,
      builders: specs.map((b) => ({ name: b.name, path: b.path, propagateEnvironment: [...b.propagateEnvironment], standInFor: b.standInFor ?? null })),
      notes: [...setup.notes],
    }),
  );

  // Lint rules: judged before anything runs, whatever happens next.
  out.push(lintFinding('BLD-16', lint, 'bin/detect and bin/build exist and are executable'));
  out.push(lintFinding('BLD-17', lint, 'scripts use LF line endings'));
  out.push(lintFinding('BLD-18', lint, 'every script starts with a #! line naming an interpreter that exists'));
  out.push(lintFinding('BLD-19', lint, 'scripts call nothing the stock peer image lacks'));
  out.push(lintFinding('BLD-20', lint, 'scripts use only variables they set or the peer passes'));
  out.push(lintFinding('BLD-21', lint, 'every builder that reads CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG has it in propagateEnvironment'));
  out.push(lintFinding('DRIFT-22', lint, 'no script uses the unset $ARTIFACTS of the docs\' sample run script'));

  // DRIFT-25, DRIFT-26: configuration drifts.
  const misnamed = specs.filter((b) => /ccaasbuilder\/?$/.test(b.path));
  out.push(misnamed.length > 0 ? should('DRIFT-25', `builder path ${misnamed.map((b) => b.path).join(', ')} follows the docs' name "ccaasbuilder"; the peer image installs the builder at /opt/hyperledger/ccaas_builder`) : passed('DRIFT-25', 'no builder path uses the docs\' "ccaasbuilder" spelling'));
  const relative = specs.filter((b) => !b.path.startsWith('/'));
  out.push(relative.length > 0 ? should('DRIFT-26', `builder path ${relative.map((b) => `'${b.path}'`).join(', ')} is relative: the peer accepts it and resolves it against its own working directory, which differs between images and service managers`) : passed('DRIFT-26', 'every builder path is absolute'));
  const keepalive = setup.settings['chaincode.keepalive'] ?? null;
  if (keepalive === null) out.push(passed('DRIFT-27', 'chaincode.keepalive is not set: no keepalive messages (the sample value 0)'));
  else if (!/^[+-]?[0-9]+$/.test(keepalive)) out.push(should('DRIFT-27', `chaincode.keepalive is '${keepalive}': the peer reads whole seconds with strconv.Atoi, so this silently turns keepalive off`));
  else if (Number(keepalive) < 0) out.push(should('DRIFT-27', `chaincode.keepalive is ${keepalive}: a negative interval reaches time.NewTicker, which panics`));
  else out.push(passed('DRIFT-27', `chaincode.keepalive is ${keepalive} whole seconds`));
  const names = specs.map((b) => b.name);
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  out.push(
    dup.length > 0
      ? should('DRIFT-21', `builder name${dup.length > 1 ? 's' : ''} ${[...new Set(dup)].map((n) => `'${n}'`).join(', ')} appear${dup.length > 1 ? '' : 's'} more than once: build-info.json stores only the name, so after a restart the peer restores the build with the FIRST builder of that name, whatever builder built it`)
      : passed('DRIFT-21', `builder names are unique; the name of the builder that builds is stored in build-info.json and must stay the same for restarts (BLD-10)`),
  );

  if (!o) {
    const f: PeerFailure = { rule: 'BLD-06', peerError: null, message: 'no build was attempted' };
    for (const r of BUILD_JUDGED) if (!out.some((x) => x.rule === r)) out.push(skippedBy(r, f));
    return { findings: out, failure: f };
  }

  const f = o.failure;
  const phases = ran(o);
  const hang = hangOf(o);
  const stageFailure: PeerFailure | null = hang ? { rule: 'BLD-07', peerError: null, message: hang.why } : f;

  // BLD-02: programs start.
  // A detect that cannot start is "not detected" to the peer: harmless when a later builder
  // detects the package (then it is only noted), the cause of BLD-06 when none does.
  const excused = phases.filter((p) => p.run?.startFailed && p.program === 'detect' && o.builder);
  const startFailures = phases.filter((p) => p.run?.startFailed && !excused.includes(p));
  const excusedNote = excused.length > 0 ? `; ${excused.map((p) => `bin/detect of builder '${p.builder}' cannot be started (${p.run?.goError ?? ''})`).join(', ')}, which the peer treats as "not detected" before builder '${o.builder ?? ''}' detects the package` : '';
  if (startFailures.length > 0) {
    out.push(failed({ rule: 'BLD-02', peerError: null, message: startFailures.map((p) => `bin/${p.program} of builder '${p.builder}' cannot be started: ${p.run?.goError ?? ''}${p.program === 'detect' ? ' (the peer treats this as "not detected")' : ''}`).join('; ') }));
  } else if (phases.length > 0) out.push(passed('BLD-02', `${phases.length - excused.length} program(s) started with execve, as the peer starts them${excusedNote}`));
  else if (f) out.push(skippedBy('BLD-02', f));

  // BLD-03: arguments.
  const argNotes = lint.filter((n) => n.rule === 'BLD-03');
  const argv: Json = o.phases.map((p) => ({ builder: p.builder, program: p.program, argv: [p.programPath, ...p.peerArgs] }));
  if (argNotes.length > 0) out.push(failed({ rule: 'BLD-03', peerError: null, message: argNotes.map((n) => n.message).join(' '), evidence: { argv } }));
  else out.push(passed('BLD-03', 'programs ran with the peer\'s arguments (detect SRC META, build SRC META BLD, release BLD RELEASE), nothing on stdin, in the peer\'s working directory', { argv }));

  // BLD-04: stderr lines, stdout discarded.
  const cut = phases.filter((p) => p.run?.peerLog.cutAtLine !== null);
  const stdoutOnly = phases.filter((p) => p.run?.goError && p.run.stderrBytes === 0 && p.run.stdoutBytes > 0);
  if (cut.length > 0 || stdoutOnly.length > 0) {
    out.push(
      should('BLD-04', [
        ...cut.map((p) => `bin/${p.program} of builder '${p.builder}' wrote a ${p.run?.peerLog.cutLineBytes ?? 0}-byte line to stderr (line ${(p.run?.peerLog.cutAtLine ?? 0) + 1}): the peer's log copy stops there ("command output scanning failed: bufio.Scanner: token too long") and nothing after it reaches the peer's log${(p.run?.peerLog.bytesAfterCut ?? 0) > 0 ? `; ${p.run?.peerLog.bytesAfterCut ?? 0} more bytes followed, which only fit if the stderr pipe (64 KiB, less when written in small pieces) absorbs them, or the program blocks and the install hangs` : ''}`),
        ...stdoutOnly.map((p) => `bin/${p.program} of builder '${p.builder}' failed and explained why only on stdout, which the peer discards: the peer's log shows nothing`),
      ].join('; ')),
    );
  } else if (phases.length > 0) out.push(passed('BLD-04', `stderr lines under 64 KiB (longest ${Math.max(...phases.map((p) => p.run?.longestStderrLine ?? 0))} bytes); the peer discards stdout`));
  else if (f) out.push(skippedBy('BLD-04', f));

  // BLD-05 and DRIFT-23: the environment.
  if (o.environment.wholeEnvironment) {
    const msg = `none of ${[...(specs[0]?.propagateEnvironment ?? []), 'LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR'].join(', ')} is set in the peer's environment, so cmd.Env stays nil and Go passes the peer's WHOLE environment (${o.environment.keys.length} variables) to the builders`;
    out.push(should('BLD-05', msg));
    out.push(should('DRIFT-23', msg));
  } else {
    out.push(passed('BLD-05', `builders get only ${o.environment.keys.join(', ')}`, { environment: [...o.environment.keys] }));
    out.push(passed('DRIFT-23', 'at least one propagated name is set, so the environment is pruned as the docs say'));
  }

  // BLD-06, DRIFT-20: detection and the Docker fallback.
  const mdType = input.metadataType;
  if (f?.rule === 'BLD-06') {
    out.push(failed(f));
    out.push(should('DRIFT-20', `the docs say the peer falls back to the Docker build; ${setup.vmEndpoint === '' ? 'with vm.endpoint unset that fallback fails "docker build is disabled"' : `here (vm.endpoint ${setup.vmEndpoint}) it tries a Docker build, which fails without a reachable Docker socket and has no platform for type '${mdType ?? ''}' when Docker answers: never chaincode-as-a-service`}`));
  } else if (o.builder) {
    out.push(passed('BLD-06', `builder '${o.builder}' detected the package${specs.length > 1 ? ` (builders are tried in order; ${o.phases.filter((p) => p.program === 'detect').length} detect(s) ran)` : ''}`));
    out.push(passed('DRIFT-20', 'a builder detected the package: no Docker fallback'));
  } else if (stageFailure) {
    out.push(skippedBy('BLD-06', stageFailure));
    out.push(skippedBy('DRIFT-20', stageFailure));
  }

  // DRIFT-13: the stock builder claims only type ccaas.
  const stock = specs.filter((b) => b.standInFor || lint.some((n) => n.rule === 'BLD-15' && n.builder === b.name));
  if (stock.length > 0 && specs.length === stock.length && mdType !== null && mdType.toLowerCase() !== 'ccaas') {
    out.push(should('DRIFT-13', `metadata.json type is '${mdType}': the docs' sample builder claims "external", but the only builder here is the stock ccaas_builder, which claims only "ccaas" (any case); ${setup.vmEndpoint === '' ? 'with vm.endpoint unset, install fails "docker build is disabled"' : `the peer then falls back to a Docker build through vm.endpoint ${setup.vmEndpoint}, which fails (no Docker socket in the peer container, or "Unknown chaincodeType: ${mdType.toUpperCase()}" where Docker answers)`} unless you configure your own builder`));
  } else out.push(passed('DRIFT-13', mdType === null ? 'metadata.json type not decoded; nothing to compare' : `metadata.json type '${mdType}' and the configured builders agree`));

  // BLD-07, DRIFT-28, BLD-11: time.
  if (hang) {
    out.push(failed({ rule: 'BLD-07', peerError: null, message: hang.why, remedy: 'Make every builder program finish promptly and close stderr; the peer never kills them.' }));
    out.push(should('DRIFT-28', `chaincode.installTimeout would not stop this: it bounds only how long the install client waits (${input.installWaitMs} ms), the builder keeps running in the peer`));
    out.push(failed({ rule: 'BLD-11', peerError: 'timeout expired while executing transaction', message: `the install is synchronous: the client gives up after max(installTimeout, executetimeout) = ${input.installWaitMs} ms with "timeout expired while executing transaction" while the build goes on` }));
  } else if (phases.length > 0) {
    const longest = Math.max(...phases.map((p) => p.run?.durationMs ?? 0));
    const left = phases.filter((p) => (p.run?.leftovers ?? 0) > 0);
    out.push(passed('BLD-07', `every builder program finished within the harness's ${input.timeoutMs} ms deadline (longest ${longest} ms)${left.length > 0 ? `; note: ${left.map((p) => `bin/${p.program} left ${p.run?.leftovers} process(es) running, which the peer would never stop`).join('; ')}` : ''}`));
    out.push(passed('DRIFT-28', 'no builder program ran long enough for installTimeout to matter'));
    const total = phases.reduce((s, p) => s + (p.run?.durationMs ?? 0), 0);
    if (total > input.installWaitMs) out.push(failed({ rule: 'BLD-11', peerError: 'timeout expired while executing transaction', message: `the builder programs took ${total} ms, more than the ${input.installWaitMs} ms the install client waits (max(installTimeout, executetimeout)): the client gets "timeout expired while executing transaction" although the build goes on and may still succeed` }));
    else out.push(passed('BLD-11', `the install is synchronous: the builder programs took ${total} ms of the ${input.installWaitMs} ms the client waits; at a restart the peer rebuilds every installed package from the durable cache without running builders`));
  } else if (f) {
    for (const r of ['BLD-07', 'DRIFT-28', 'BLD-11']) out.push(skippedBy(r, f));
  }

  // BLD-23: nothing left running, in the program's group or out of it (setsid, double fork).
  if (phases.length > 0) {
    const left = phases.filter((p) => (p.run?.escaped ?? 0) > 0 || (!p.run?.timedOut && (p.run?.leftovers ?? 0) > 0));
    const untracked = phases.some((p) => p.run?.escaped === null);
    const untrackedNote = untracked ? '; this system has no /proc, so a descendant that left its process group (setsid, a double fork) cannot be found and may have outlived the run' : '';
    if (left.length > 0) {
      out.push(
        should(
          'BLD-23',
          `${left
            .map((p) => {
              const escaped = p.run?.escaped ?? 0;
              const inGroup = p.run?.timedOut ? 0 : (p.run?.leftovers ?? 0);
              return `bin/${p.program} of builder '${p.builder}' left ${[inGroup > 0 ? `${inGroup} process(es) in its process group` : '', escaped > 0 ? `${escaped} process(es) that escaped its process group (setsid or a double fork)` : ''].filter((x) => x !== '').join(' and ')} running`;
            })
            .join('; ')}: the peer never stops them, so they outlive the install on the peer's host (orphans the peer, PID 1 in its image, never reaps); the harness found them by the marker in their environment and killed them${untrackedNote}`,
          { processes: left.map((p) => ({ builder: p.builder, program: p.program, inGroup: p.run?.leftovers ?? 0, escaped: p.run?.escaped ?? 0 })) },
        ),
      );
    } else out.push(passed('BLD-23', `no builder program left a process running${untracked ? untrackedNote : ' (descendants tracked by a marker in their environment, also outside the process group)'}`));
  } else if (stageFailure) out.push(skippedBy('BLD-23', stageFailure));
  else if (f) out.push(skippedBy('BLD-23', f));

  // BLD-12: the error chain of build and release.
  if (f?.rule === 'BLD-12') {
    const last = o.phases[o.phases.length - 1];
    const missing = missingTemplateKeyRemedy(stderrTail(last));
    out.push(failed({ ...f, message: `${f.message}${stderrTail(last)}`, evidence: { stderr: last?.run?.stderrLines.slice(-20) ?? [], stdout: last?.run?.stdout.slice(0, 2048) ?? '' }, ...(missing ? { remedy: missing } : {}) }));
  } else if (o.builder && !hang && (!f || ['BLD-08', 'BLD-09'].includes(f.rule))) {
    const rel = o.phases.find((p) => p.program === 'release');
    out.push(passed('BLD-12', `bin/build${rel?.run ? ' and bin/release' : ''} of builder '${o.builder}' exited 0`));
  } else if (stageFailure) out.push(skippedBy('BLD-12', stageFailure));

  // DRIFT-19: release skipped because it is not executable.
  const skippedRelease = o.phases.find((p) => p.program === 'release' && p.skipped && !/no such file or directory/.test(p.skipped));
  const lintRelease = lint.filter((n) => n.rule === 'DRIFT-19');
  if (skippedRelease || lintRelease.length > 0) out.push(should('DRIFT-19', skippedRelease ? `bin/release exists but the peer skipped it silently (${skippedRelease.skipped ?? ''}): the docs say release is skipped only when it is not provided` : lintRelease.map((n) => n.message).join(' ')));
  else out.push(passed('DRIFT-19', o.phases.some((p) => p.program === 'release' && p.skipped) ? 'no bin/release: skipped, as documented' : 'bin/release is executable (or the build did not get that far)'));

  // DRIFT-17: copy happens only after release.
  if (f?.rule === 'BLD-09' || (f?.rule === 'BLD-12' && o.phases.some((p) => p.program === 'release' && p.run?.goError))) {
    out.push(should('DRIFT-17', `the docs say the build output is copied to persistent storage once build exits 0; the peer copies only after release succeeds and refuses some files: ${f.message}`));
  } else out.push(passed('DRIFT-17', o.buildInfo ? 'release and bld were copied after release, as the code does' : 'nothing to compare (the build did not reach the copy)'));

  // BLD-08, BLD-09: persisting.
  if (f?.rule === 'BLD-08') out.push(failed(f));
  else if (o.buildInfo) out.push(passed('BLD-08', `build-info.json ${o.buildInfo} (mode 0600) written to ${o.peerDurableDir}`, { durableDir: o.peerDurableDir, buildInfo: o.buildInfo }));
  else if (stageFailure) out.push(skippedBy('BLD-08', stageFailure));
  if (f?.rule === 'BLD-09') {
    const retry = input.restart?.same.restored
      ? ` Worse, the durable directory with build-info.json stays behind: a second install of this package would then "succeed" without running any builder (the cached build of '${input.restart.same.restored}' is restored, with ${/context release/.test(f.peerError ?? '') ? 'no release at all' : 'no bld'}); delete ${o.peerDurableDir} on the peer first.`
      : '';
    out.push(failed({ ...f, message: `${f.message}.${retry}` }));
  } else if (o.releaseTree) out.push(passed('BLD-09', `release (${o.releaseTree.length} entries) and bld (${o.bldTree?.length ?? 0} entries) copied: no absolute or escaping symlink, no special file`));
  else if (stageFailure) out.push(skippedBy('BLD-09', stageFailure));

  // BLD-10: what a restart or a renamed builder would do.
  if (input.restart && o.builder && o.buildInfo) {
    const same = input.restart.same;
    const renamed = input.restart.renamed;
    if (same.error || same.restored !== o.builder) {
      out.push(should('BLD-10', `after a restart the peer would not restore this build as built: ${same.error ?? `it restores it with the first builder named '${same.restored ?? ''}'`}`));
    } else {
      out.push(passed('BLD-10', `after a restart the peer restores this build from build-info.json without running any builder (script changes are ignored until ${o.peerDurableDir} is deleted); renaming builder '${o.builder}' would make it fail: ${renamed.error ? buildChains.restore(renamed.error) : 'restored anyway'}`, { restart: same.restored, afterRename: renamed.error }));
    }
  } else if (stageFailure) out.push(skippedBy('BLD-10', stageFailure));

  // BLD-13: chaincode-as-a-service or bin/run.
  let launchFailure: PeerFailure | null = null;
  if (o.launch?.kind === 'ccaas') out.push(passed('BLD-13', 'release/chaincode/server/connection.json exists: at launch the peer dials the chaincode server (chaincode-as-a-service) and never runs bin/run'));
  else if (o.launch?.kind === 'stat-error') {
    launchFailure = { rule: 'BLD-13', peerError: chains.launch(input.packageId, chains.building(o.launch.error)), message: `the peer cannot tell whether this is chaincode-as-a-service: ${o.launch.error}` };
    out.push(failed(launchFailure));
  } else if (o.launch?.kind === 'run') {
    const runner = specs.find((b) => b.name === o.builder);
    launchFailure = {
      rule: 'BLD-13',
      peerError: o.launch.startError ? buildChains.runStart(input.packageId, o.builder ?? '', o.launch.startError) : null,
      message: `this package is not chaincode-as-a-service: the release has no chaincode/server/connection.json, so at every launch the peer runs ${o.launch.runPath} <durable bld> <run dir with chaincode.json> and waits for the chaincode to dial back${o.launch.startError ? `, which fails: ${o.launch.startError}` : ''}${runner?.standInFor ? ' (the built-in ccaas builder has no bin/run)' : ''}`,
      evidence: { runPath: o.launch.runPath, chaincodeJson: input.runConfigJson },
    };
    out.push(failed(launchFailure));
  } else if (stageFailure) out.push(skippedBy('BLD-13', stageFailure));

  // BLD-14: what else is in the release.
  if (o.releaseTree) {
    const files = o.releaseTree.filter((e) => e.type !== 'dir');
    const ignored = files.filter((e) => e.path !== 'chaincode/server/connection.json' && !e.path.startsWith('statedb/'));
    const links = files.filter((e) => e.type === 'symlink');
    if (ignored.length > 0 || links.length > 0) {
      out.push(
        should('BLD-14', [
          ignored.length > 0 ? `the peer reads nothing of ${ignored.slice(0, 10).map((e) => e.path).join(', ')}${ignored.some((e) => e.path.startsWith('chaincode/server/')) ? ' (TLS files there are never read: certificates must be inline PEM in connection.json, DRIFT-07)' : ''}; the whole release tree is still sent as DB artifacts under META-INF/` : '',
          links.length > 0 ? `symlinks ${links.map((e) => `${e.path} -> ${e.target ?? ''}`).join(', ')} are kept by the copy but are not valid entries of the DB-artifact tarball` : '',
        ].filter((s) => s).join('; ')),
      );
    } else out.push(passed('BLD-14', 'the release holds only chaincode/server/connection.json and statedb indexes'));
  } else if (stageFailure) out.push(skippedBy('BLD-14', stageFailure));

  // DRIFT-18: index files the docs say must be .json.
  if (input.releaseIndexIssues.length > 0) out.push(should('DRIFT-18', `the docs say index files must have a .json extension; the peer checks neither names nor contents and sends every file under statedb/couchdb/indexes to CouchDB, only logging errors: ${input.releaseIndexIssues.slice(0, 5).join('; ')}`));
  else out.push(passed('DRIFT-18', o.releaseTree ? 'every released index file is JSON named *.json' : 'no released index files'));

  // BLD-15: the built-in ccaas builder.
  const twin = specs.find((b) => b.standInFor || lint.some((n) => n.rule === 'BLD-15' && n.builder === b.name));
  if (!twin) out.push(notApplicable('BLD-15', 'the built-in ccaas builder is not among the configured builders'));
  else {
    const twinPhases = o.phases.filter((p) => p.builder === twin.name && p.run);
    const cannot = twinPhases.find((p) => p.run?.stderrLines.some((l) => l.includes('ccaas twin cannot reproduce')));
    const errLine = (p: PhaseRecord | undefined): string => p?.run?.stderrLines.find((l) => l.startsWith('::Error: ')) ?? p?.run?.goError ?? '';
    const detectPhase = twinPhases.find((p) => p.program === 'detect');
    if (cannot) out.push({ rule: 'BLD-15', status: 'error', message: `the bundled ccaas twin cannot reproduce this connection.json template exactly: ${errLine(cannot)}`, peerError: null });
    else if (o.builder === twin.name) {
      const bad = twinPhases.find((p) => p.run?.goError);
      const missing = bad ? missingTemplateKeyRemedy(errLine(bad)) : null;
      if (bad) out.push(failed({ rule: 'BLD-15', peerError: null, message: `the built-in ccaas builder's ${bad.program} fails: ${errLine(bad)}`, ...(missing ? { remedy: missing } : {}) }));
      else if (twinPhases.some((p) => p.program === 'release')) out.push(passed('BLD-15', 'the built-in ccaas builder detects, builds and releases this package'));
      else if (stageFailure) out.push(skippedBy('BLD-15', stageFailure));
    } else if (detectPhase?.run?.goError) {
      if (o.builder) out.push(notApplicable('BLD-15', `the built-in ccaas builder does not claim this package (${errLine(detectPhase)}); builder '${o.builder}' builds it`));
      else out.push(failed({ rule: 'BLD-15', peerError: null, message: `the built-in ccaas builder does not claim this package: ${errLine(detectPhase)}`, remedy: 'Set metadata.json type to "ccaas" and put connection.json at the root of code.tar.gz.' }));
    } else if (stageFailure) out.push(skippedBy('BLD-15', stageFailure));
    else out.push(notApplicable('BLD-15', `builder '${o.builder ?? ''}' detected the package before the built-in ccaas builder was tried`));
  }

  // CONN-10: connection.json through the built-in ccaas builder's rewrite (its bin/build decodes
  // it into its own struct and renders the templated fields); BLD-15 judges the builder as a whole.
  if (!twin) out.push(notApplicable('CONN-10', 'the built-in ccaas builder is not among the configured builders: connection.json is released as the chosen builder writes it'));
  else if (o.builder !== twin.name) out.push(notApplicable('CONN-10', `builder '${o.builder ?? ''}' builds the package, not the built-in ccaas builder`));
  else {
    const build = o.phases.find((p) => p.builder === twin.name && p.program === 'build' && p.run);
    const errText = build?.run?.stderrLines.find((l) => l.startsWith('::Error: ')) ?? build?.run?.goError ?? '';
    const released = o.launch?.kind === 'ccaas' ? o.launch.connectionJson : null;
    if (build?.run?.stderrLines.some((l) => l.includes(TWIN_CANNOT_REPRODUCE))) {
      out.push({ rule: 'CONN-10', status: 'error', message: `the bundled ccaas twin cannot reproduce this connection.json template exactly: ${errText}`, peerError: null });
    } else if (build?.run?.goError) {
      const missing = missingTemplateKeyRemedy(errText);
      out.push(failed({ rule: 'CONN-10', peerError: o.failure?.peerError ?? null, message: `the built-in ccaas builder cannot rewrite connection.json: ${errText}`, evidence: { builder: twin.name }, ...(missing ? { remedy: missing } : {}) }));
    } else if (released !== null && releasedWithoutDialTimeout(released)) {
      out.push(failed({ rule: 'CONN-10', peerError: chains.launch(input.packageId, chains.building(`malformed chaincode info at '${peerConnectionJsonPath(input.packageId)}': time: invalid duration ""`)), message: 'connection.json has no dial_timeout (or an empty one): the built-in ccaas builder writes "dial_timeout":"" into the release, which every launch then refuses (`time: invalid duration ""`, CONN-06)', remedy: 'Set dial_timeout in the package\'s connection.json, e.g. "dial_timeout": "10s".', evidence: { released } }));
    } else if (build) out.push(passed('CONN-10', 'the built-in ccaas builder decoded connection.json, rendered its templated fields and wrote it to the release'));
    else if (stageFailure) out.push(skippedBy('CONN-10', stageFailure));
  }

  // BLD-22: one package, many peers.
  if (input.peers.length === 0) out.push(notApplicable('BLD-22', 'no --peer/--builder-config given: one peer'));
  else {
    const broken = input.peers.filter((p) => p.outcome.failure || p.outcome.launch?.kind !== 'ccaas');
    const conns = input.peers.map((p) => ({ peer: p.name, builderConfig: p.builderConfig, connectionJson: p.outcome.launch?.kind === 'ccaas' ? p.outcome.launch.connectionJson : null, error: p.outcome.failure?.peerError ?? p.outcome.failure?.message ?? null }));
    if (broken.length > 0) {
      out.push(failed({
        rule: 'BLD-22',
        peerError: broken[0]?.outcome.failure?.peerError ?? null,
        message: `this package cannot be installed as is on ${broken.map((p) => `'${p.name}'`).join(', ')}: ${broken.map((p) => `${p.name}: ${p.outcome.failure?.message ?? 'no connection.json released'}${stderrTail(p.outcome.phases[p.outcome.phases.length - 1])}`).join('; ')}. That setup needs one package per peer, hence several package IDs, and an organisation approves only one package ID for a chaincode`,
        evidence: { peers: conns },
      }));
    } else {
      const distinct = new Set(conns.map((c) => c.connectionJson)).size;
      out.push(passed('BLD-22', `one package builds on all ${input.peers.length} peers, each with its own builder config: ${distinct === 1 ? 'every peer gets the same connection.json (they all dial the same server)' : `${distinct} different connection.json files`}`, { peers: conns }));
    }
  }

  const failure = hang ? stageFailure : f ?? launchFailure;
  // What the bundled twin cannot reproduce (a template construct) is the harness's limit, not the
  // peer's verdict: every rule it touches is `error`, and the rules after it cannot be judged.
  const cannot = [o, ...input.peers.map((p) => p.outcome)].flatMap((x) => x.phases).flatMap((p) => p.run?.stderrLines ?? []).find((l) => l.includes(TWIN_CANNOT_REPRODUCE));
  if (cannot) {
    const why = `the bundled ccaas twin cannot reproduce this connection.json template exactly (${cannot.replace(/^::Error: /, '')}): no verdict; run the package through Fabric's own ccaas_builder to judge it`;
    const touched = (x: Finding): boolean => x.status !== 'passed' && x.status !== 'disabled' && (['BLD-12', 'BLD-15', 'BLD-22', 'CONN-10'].includes(x.rule) || (x.status === 'skipped' && /blocked by BLD-12\b/.test(x.message)));
    const findings = out.map((x) => (touched(x) ? { rule: x.rule, status: 'error' as const, message: why, peerError: null } : x));
    return { findings, failure: failure && failure.rule === 'BLD-12' ? { rule: 'HARNESS', peerError: null, message: why } : failure };
  }
  return { findings: out, failure };
}
