import { AfterAll, Before, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from './cucumber.js';
import { FINDING_MEDIA_TYPE, type Finding, type Json } from '../src/findings.js';
import { RUN_MEDIA_TYPE, type RunInfo } from '../src/report/model.js';
import { redact, redactJson } from '../src/report/redact.js';
import type { RunConfig } from '../src/session/config.js';
import { closeSessions, sessionFor } from '../src/session/registry.js';
import type { PeerSession } from '../src/session/session.js';

/**
 * The World holds one mock peer session per run (shared by every scenario of the run, so each
 * stage runs once), and turns findings into Cucumber attachments: every report is rendered from
 * that one message stream.
 */

export interface WorldParameters {
  readonly config: RunConfig;
  /** The run's own options (baseline, selection, gate level), attached once to the stream. */
  readonly run?: RunInfo;
  /**
   * `caller`: whoever started Cucumber closes the sessions once it is done (the check, while it
   * writes the reports), so the run's AfterAll leaves them open. Unset (Cucumber's own CLI, the
   * users' CI): AfterAll closes them, and no chaincode server outlives the run.
   */
  readonly sessionsClosedBy?: 'caller';
}

const evidenceDone = new Map<string, Set<string>>();

export class PeerWorld extends World<WorldParameters> {
  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
  }

  get session(): PeerSession {
    return sessionFor(this.parameters.config);
  }

  /** True the first time a stage's evidence is asked for in this run (evidence is attached once). */
  firstTime(stage: string): boolean {
    const key = this.parameters.config.workDir;
    const done = evidenceDone.get(key) ?? new Set<string>();
    evidenceDone.set(key, done);
    if (done.has(stage)) return false;
    done.add(stage);
    return true;
  }

  /** Attaches the finding and returns what the step should do with it. */
  report(finding: Finding): 'skipped' | undefined {
    this.attach(redact(JSON.stringify(redactJson(finding as unknown as Json))), FINDING_MEDIA_TYPE);
    switch (finding.status) {
      case 'passed':
        return undefined;
      case 'skipped':
      case 'disabled':
        return 'skipped';
      case 'error':
        throw new Error(redact(`harness error on ${finding.rule}: ${finding.message}`));
      default:
        throw new Error(redact(`${finding.rule} ${finding.status}: ${finding.message}${finding.peerError ? `\npeer: ${finding.peerError}` : ''}`));
    }
  }
}

setWorldConstructor(PeerWorld);

// The run's options travel in the message stream with the findings, so every report can be
// rendered from messages.ndjson alone.
Before(function (this: PeerWorld) {
  const run = this.parameters.run;
  if (run && this.firstTime('run')) this.attach(redact(JSON.stringify(run)), RUN_MEDIA_TYPE);
});
// Stages have their own deadlines (dial_timeout, register, execute, builder timeouts); this only
// catches a harness bug.
setDefaultTimeout(10 * 60 * 1000);

AfterAll(async function () {
  evidenceDone.clear();
  if (this.parameters['sessionsClosedBy'] !== 'caller') await closeSessions();
});
