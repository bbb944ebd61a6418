import { runExternalBuild, type BuildOutcome } from '../../builder/runner.js';
import { failed, passed, type Finding } from '../../findings.js';
import type { BuildStage, SessionContext } from '../types.js';

/** Install, continued: the external build (CODE-01..03 extraction, BLD-*). */
export const BUILD_RULES = ['CODE-01', 'CODE-02', 'CODE-03', 'BLD-06', 'BLD-07', 'BLD-09', 'BLD-12'] as const;

export async function buildStage(s: SessionContext): Promise<BuildStage> {
  const pkg = await s.package();
  const input = pkg.inspected.builderInput;
  if (pkg.failure || !input || !pkg.inspected.packageId) {
    return { findings: [], failure: pkg.failure ?? { rule: 'PKG-04', peerError: null, message: 'no package to build' }, outcome: null };
  }
  const outcome = await runExternalBuild(
    { packageId: pkg.inspected.packageId, metadataJson: input.metadataJson, codeArchivePath: input.codeArchivePath },
    { builders: s.builders(), workDir: s.config.workDir, peerEnv: s.config.peerEnv, timeoutMs: s.config.builderTimeoutMs, peerCwd: process.cwd() },
  );
  return { findings: buildFindings(outcome), failure: outcome.failure, outcome };
}

function buildFindings(o: BuildOutcome): Finding[] {
  const out: Finding[] = [...o.findings];
  const f = o.failure;
  const untarFailed = f && f.rule.startsWith('CODE-');
  for (const rule of ['CODE-01', 'CODE-02', 'CODE-03']) {
    if (untarFailed) {
      if (f.rule === rule) out.push(failed(f));
    } else if (o.phases.length > 0) {
      out.push(passed(rule, 'code.tar.gz extracts for the builders as the peer extracts it'));
    }
  }
  if (untarFailed) return out;
  const detected = o.phases.find((p) => p.program === 'detect' && p.run?.goError === null);
  if (f?.rule === 'BLD-06') out.push(failed(f));
  else if (detected) out.push(passed('BLD-06', `builder '${detected.builder}' detected the package`));
  if (f?.rule === 'BLD-07') out.push(failed({ ...f, remedy: 'Make the builder programs finish; the peer never kills them.' }));
  else if (o.phases.length > 0) out.push(passed('BLD-07', `every builder program finished (longest ${Math.max(...o.phases.map((p) => p.run?.durationMs ?? 0))} ms)`));
  if (f?.rule === 'BLD-12') {
    const stderr = o.phases.at(-1)?.run?.stderrLines.filter((l) => l.trim()).slice(-3).join(' | ');
    out.push(failed({ ...f, message: `${f.message}${stderr ? `; stderr: ${stderr}` : ''}` }));
  } else if (detected && !f) out.push(passed('BLD-12', `build${o.phases.some((p) => p.program === 'release' && p.run) ? ' and release' : ''} succeeded`));
  if (f?.rule === 'BLD-09') out.push(failed(f));
  else if (!f) out.push(passed('BLD-09', 'release and bld output copied to durable storage'));
  return out;
}
