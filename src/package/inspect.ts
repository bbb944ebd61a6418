import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rule as catalogueRule } from '../catalogue/index.js';
import { blocked, failed, passed, type Finding, type Json, type PeerFailure, type Status } from '../findings.js';
import { FileAccess } from '../archive/source.js';
import { scanDbArtifacts, type DbScanResult } from './dbscan.js';
import type { InspectedPackage } from './index.js';
import { classifyIndexPath, collectFiles, couchdbIndexProblem, validateMetadataFile, type IndexFile } from './indexes.js';
import { packageIdOf, storedFileName } from './label.js';
import type { PackageLimits } from './limits.js';
import { hashFile } from './packageid.js';
import { parsePackage, type ParseResult } from './parse.js';
import { gzipVariations, tarVariations } from './reproducible.js';
import { PARSE_PREFIX, text } from './texts.js';
import { untarCodeArchive, type UntarFacts } from './untar.js';

/**
 * The install verdict and the builders' extraction, judged into findings (PKG-*, CODE-*). Never
 * rejects: a fault of the harness itself (a bug, a full disk) becomes a PKG-16 `error` finding
 * that names it, so a caller always gets a verdict object.
 */
export async function inspect(file: string, workDir: string, limits: PackageLimits): Promise<InspectedPackage> {
  try {
    return await inspectOrThrow(file, workDir, limits);
  } catch (e) {
    const failure: PeerFailure = {
      rule: 'PKG-16', peerError: null,
      message: `the harness could not finish judging ${file}: ${e instanceof Error ? e.message : String(e)}`,
      evidence: { harnessError: e instanceof Error ? (e.stack ?? e.message) : String(e) },
    };
    return { path: file, size: 0, sha256: '', label: null, type: null, packageId: null, failure, findings: [{ rule: 'PKG-16', status: 'error', message: failure.message, peerError: null }], builderInput: null };
  }
}

async function inspectOrThrow(file: string, workDir: string, limits: PackageLimits): Promise<InspectedPackage> {
  await mkdir(workDir, { recursive: true });
  const work = await mkdtemp(join(workDir, 'ccaas-package-'));
  let keep: string | null = null;
  try {
    let hash: { sha256: string; size: number };
    let access: FileAccess;
    try {
      access = new FileAccess(file);
      hash = await hashFile(file);
    } catch (e) {
      const failure: PeerFailure = { rule: 'PKG-01', peerError: null, message: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
      return { path: file, size: 0, sha256: '', label: null, type: null, packageId: null, failure, findings: [failed(failure)], builderInput: null };
    }
    let parsed: ParseResult;
    try {
      parsed = await parsePackage(access, work, limits);
    } finally {
      access.close();
    }
    const packageId = parsed.labelChecked && parsed.failure === null ? packageIdOf(parsed.label as string, hash.sha256) : null;
    let db: DbScanResult | null = null;
    let untar: { facts: UntarFacts; failure: PeerFailure | null; indexes: IndexFile[]; metadataDir: IndexFile[] } | null = null;
    if (parsed.failure === null && parsed.lastCode && parsed.firstCode) {
      const first = parsed.firstCode;
      const last = parsed.lastCode;
      [db, untar] = await Promise.all([scanDbArtifacts(last.path, limits), extractAndCollect(first.path, work, limits)]);
    }
    const failure = installFailure(parsed, db);
    if (failure === null && parsed.firstCode && parsed.metadata.length > 0) keep = parsed.firstCode.path;
    const findings = judge({ parsed, db, untar, packageId, failure, sha256: hash.sha256, size: hash.size });
    const firstMeta = parsed.metadata[0];
    return {
      path: file,
      size: hash.size,
      sha256: hash.sha256,
      label: parsed.label,
      type: parsed.type,
      packageId,
      failure,
      findings,
      builderInput: keep && firstMeta ? { metadataJson: firstMeta.bytes, codeArchivePath: keep } : null,
    };
  } finally {
    await cleanup(work, keep);
  }
}

async function cleanup(work: string, keep: string | null): Promise<void> {
  if (keep === null) {
    await rm(work, { recursive: true, force: true });
    return;
  }
  for (const n of await readdir(work)) {
    const p = join(work, n);
    if (p !== keep) await rm(p, { recursive: true, force: true });
  }
}

async function extractAndCollect(codePath: string, work: string, limits: PackageLimits): Promise<{ facts: UntarFacts; failure: PeerFailure | null; indexes: IndexFile[]; metadataDir: IndexFile[] }> {
  const dest = join(work, 'src');
  await mkdir(dest, { mode: 0o700 });
  try {
    const r = await untarCodeArchive(codePath, dest, limits);
    if (!r.outcome.ok) return { facts: r.facts, failure: r.outcome.failure, indexes: [], metadataDir: [] };
    const indexes = await collectFiles(dest, 'META-INF');
    const metadataDir = await collectFiles(dest, 'metadata');
    const strip = (f: IndexFile): IndexFile => ({ ...f, path: f.path.replace(/^\//, '') });
    return { facts: r.facts, failure: null, indexes: indexes.map(strip), metadataDir: metadataDir.map(strip) };
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}

function installFailure(parsed: ParseResult, db: DbScanResult | null): PeerFailure | null {
  const f = parsed.failure;
  if (f) {
    return {
      rule: f.rule,
      peerError: f.peerError === null ? null : PARSE_PREFIX + f.peerError,
      message: f.detail,
      remedy: catalogueRule(f.rule).remedy,
    };
  }
  if (db?.err) {
    return { rule: 'PKG-08', peerError: PARSE_PREFIX + text.dbArtifacts(db.err), message: 'install reads code.tar.gz (the last one) for state-database artifacts and cannot', remedy: catalogueRule('PKG-08').remedy };
  }
  if (db?.limit) return { rule: 'PKG-16', peerError: null, message: db.limit };
  return null;
}

interface JudgeInput {
  readonly parsed: ParseResult;
  readonly db: DbScanResult | null;
  readonly untar: { facts: UntarFacts; failure: PeerFailure | null; indexes: IndexFile[]; metadataDir: IndexFile[] } | null;
  readonly packageId: string | null;
  readonly failure: PeerFailure | null;
  readonly sha256: string;
  readonly size: number;
}

/** peer.maxRecvMsgSize default, and room for the SignedProposal around the package bytes. */
const GRPC_MAX_RECV = 104_857_600;
const ENVELOPE_ROOM = 16 * 1024;

function finding(ruleId: string, status: Status, message: string, peerError: string | null = null, evidence?: { [k: string]: Json }, remedy?: string): Finding {
  return { rule: ruleId, status, message, peerError, ...(remedy ? { remedy } : {}), ...(evidence ? { evidence } : {}) };
}

function judge(j: JudgeInput): Finding[] {
  const { parsed, db, packageId, failure } = j;
  const out: Finding[] = [];
  const pf = parsed.failure;
  const loopDone = pf === null || pf.rule === 'PKG-04' || pf.rule === 'PKG-06';
  const stop: PeerFailure | null = pf ? { rule: pf.rule, peerError: pf.peerError, message: pf.detail } : null;
  const full = (inner: string | null): string | null => (inner === null ? null : PARSE_PREFIX + inner);
  const gz = parsed.gzipHeader;

  // PKG-01 gzip + tar
  if (pf?.rule === 'PKG-01') out.push(failed({ rule: 'PKG-01', peerError: full(pf.peerError), message: pf.detail, remedy: catalogueRule('PKG-01').remedy }));
  else if (loopDone) out.push(passed('PKG-01', `the package is a readable gzip (${parsed.gzipMembers} member${parsed.gzipMembers === 1 ? '' : 's'}) tar stream of ${parsed.entries.length} entries`, { gzipMembers: parsed.gzipMembers, entries: parsed.entries.length }));
  else out.push(blocked('PKG-01', stop as PeerFailure));

  // PKG-02 regular files only
  if (pf?.rule === 'PKG-02') out.push(failed({ rule: 'PKG-02', peerError: full(pf.peerError), message: pf.detail, remedy: catalogueRule('PKG-02').remedy }));
  else if (loopDone) out.push(passed('PKG-02', 'every top-level entry is a regular file'));
  else out.push(blocked('PKG-02', stop as PeerFailure));

  // PKG-03 unexpected names (SHOULD)
  if (parsed.unexpected.length > 0) {
    const prefixed = parsed.unexpected.filter((n) => n === './metadata.json' || n === './code.tar.gz');
    const warnings = parsed.unexpected.map((n) => text.unexpectedFile(n));
    out.push(finding('PKG-03', 'failed', prefixed.length > 0
      ? `top-level names ${prefixed.map((n) => `'${n}'`).join(', ')} carry a ./ prefix: the peer does not see them as metadata.json / code.tar.gz`
      : `the peer ignores ${parsed.unexpected.length} unexpected top-level file(s) with a warning, but their bytes still change the package ID`, warnings[0] ?? null, { warnings: warnings.slice(0, 50) }));
  } else if (loopDone) out.push(passed('PKG-03', 'only metadata.json and code.tar.gz at the top level'));
  else out.push(blocked('PKG-03', stop as PeerFailure));

  // PKG-04 both files present
  if (pf?.rule === 'PKG-04') out.push(failed({ rule: 'PKG-04', peerError: full(pf.peerError), message: pf.detail, remedy: catalogueRule('PKG-04').remedy }));
  else if (loopDone) out.push(passed('PKG-04', 'metadata.json and code.tar.gz are both present'));
  else out.push(blocked('PKG-04', stop as PeerFailure));

  // PKG-05 metadata.json decoding
  const last = parsed.metadata[parsed.metadata.length - 1];
  if (pf?.rule === 'PKG-05') out.push(failed({ rule: 'PKG-05', peerError: full(pf.peerError), message: pf.detail, remedy: catalogueRule('PKG-05').remedy }));
  else if (loopDone && last) {
    out.push(passed('PKG-05', `metadata.json decodes: type '${last.decoded.type}', label '${last.decoded.label}'`, { type: last.decoded.type, path: last.decoded.path, label: last.decoded.label, keys: [...last.keys] }));
  } else if (loopDone) out.push(blocked('PKG-05', stop ?? { rule: 'PKG-04', peerError: null, message: 'no metadata.json' }));
  else out.push(blocked('PKG-05', stop as PeerFailure));

  // PKG-06 label
  if (pf?.rule === 'PKG-06') out.push(failed({ rule: 'PKG-06', peerError: full(pf.peerError), message: pf.detail, remedy: catalogueRule('PKG-06').remedy }));
  else if (parsed.labelChecked) out.push(passed('PKG-06', `label '${parsed.label}' is valid`));
  else out.push(blocked('PKG-06', stop as PeerFailure));

  // PKG-07 package ID, PKG-09 stored name
  if (packageId) {
    out.push(passed('PKG-07', `package ID ${packageId} (label + SHA-256 of the whole file)`, { packageId, sha256: j.sha256 }));
    out.push(passed('PKG-09', `the peer stores it as lifecycle/chaincodes/${storedFileName(packageId)}`, { file: storedFileName(packageId) }));
  } else {
    const by = stop ?? { rule: 'PKG-06', peerError: null, message: 'no label' };
    out.push(blocked('PKG-07', by));
    out.push(blocked('PKG-09', by));
  }

  // PKG-08 DB artifact scan
  if (db) {
    if (db.err !== null) {
      out.push(failed({ rule: 'PKG-08', peerError: full(text.dbArtifacts(db.err)), message: 'install reads code.tar.gz (the last one) for state-database artifacts and cannot', remedy: catalogueRule('PKG-08').remedy }));
    } else if (db.limit !== null) {
      out.push(limitReached(db.limit));
      out.push(finding('PKG-08', 'skipped', 'not judged: the harness stopped reading code.tar.gz at a limit (PKG-16)'));
    } else {
      out.push(passed('PKG-08', `code.tar.gz reads as gzip+tar; ${db.artifacts.length} META-INF/statedb/ entr${db.artifacts.length === 1 ? 'y' : 'ies'} taken as DB artifacts`, { artifacts: db.artifacts.slice(0, 100) }));
    }
  } else out.push(blocked('PKG-08', stop as PeerFailure ?? { rule: 'PKG-04', peerError: null, message: 'no code.tar.gz' }));

  // PKG-10 the install verdict as a whole
  if (failure) {
    out.push(finding('PKG-10', failure.peerError === null ? 'error' : 'failed', `install fails at ${failure.rule}: ${failure.message}`, failure.peerError, { clientMessage: failure.peerError === null ? null : `failed to invoke backing implementation of 'InstallChaincode': ${failure.peerError}` }, failure.remedy));
  } else if (packageId) {
    out.push(passed('PKG-10', `install parses the package and goes on to build ${packageId}; a second install of the same bytes answers: ${text.alreadyInstalled(packageId)}`, { reinstall: text.alreadyInstalled(packageId) }));
  }

  // PKG-11 duplicates (SHOULD)
  if (parsed.metadata.length > 1 || parsed.codeCount > 1) {
    const parts: string[] = [];
    if (parsed.metadata.length > 1) {
      const first = parsed.metadata[0] as (typeof parsed.metadata)[number];
      parts.push(`${parsed.metadata.length} metadata.json entries: the package ID uses the label of the LAST ('${last?.decoded.label ?? ''}'), the builders get the FIRST (type '${first.decoded.type}', label '${first.decoded.label}')`);
    }
    if (parsed.codeCount > 1) parts.push(`${parsed.codeCount} code.tar.gz entries: install scans the LAST for DB artifacts, the builders get the FIRST`);
    out.push(finding('PKG-11', 'failed', parts.join('; ')));
  } else if (loopDone) out.push(passed('PKG-11', 'one metadata.json and one code.tar.gz'));
  else out.push(blocked('PKG-11', stop as PeerFailure));

  // PKG-12 reproducibility (SHOULD)
  const variations = [
    ...gzipVariations('package', gz, parsed.gzipMembers),
    ...tarVariations('package', parsed.entries),
    ...(db ? [...gzipVariations('code.tar.gz', db.gzipHeader, db.gzipMembers), ...tarVariations('code.tar.gz', db.entries)] : []),
  ];
  if (variations.length > 0) {
    out.push(finding('PKG-12', 'failed', `these bytes depend on who packaged it, where and when, so packaging the same connection.json again gives another package ID: ${variations.map((v) => `${v.level}: ${v.what}`).join('; ')}`, null, { variations: variations.map((v) => `${v.level}: ${v.what}`) }));
  } else if (gz) out.push(passed('PKG-12', 'no packager-, machine- or time-dependent bytes found'));

  // PKG-13 calculatepackageid vs install
  if (packageId && failure && failure.rule === 'PKG-08') {
    out.push(finding('PKG-13', 'failed', `\`peer lifecycle chaincode calculatepackageid\` prints ${packageId} for this package, but install rejects it (PKG-08): do not rely on the printed ID`, null, { calculatedId: packageId }));
  } else if (packageId && failure === null) {
    out.push(passed('PKG-13', `calculatepackageid and install agree on ${packageId}`));
  } else if (pf && pf.rule !== 'PKG-16') {
    out.push(passed('PKG-13', 'calculatepackageid fails with the same error as install'));
  }

  // PKG-15 one gRPC message
  if (j.size > GRPC_MAX_RECV - ENVELOPE_ROOM) {
    out.push(finding('PKG-15', 'failed', `the package is ${j.size} bytes: with the envelope around it, the InstallChaincode request exceeds the peer's default gRPC limit of ${GRPC_MAX_RECV} bytes (peer.maxRecvMsgSize), so the peer refuses it before parsing (\`grpc: received message larger than max (<request size> vs. ${GRPC_MAX_RECV})\`)`, null, { size: j.size }));
  } else {
    out.push(passed('PKG-15', `the package (${j.size} bytes) fits in one gRPC message of the default ${GRPC_MAX_RECV} bytes`));
  }

  if (pf?.rule === 'PKG-16') out.push(limitReached(pf.detail));

  // CODE: what the builders receive
  judgeCode(out, j);
  if (!out.some((f) => f.rule === 'PKG-16')) out.push(passed('PKG-16', 'the package stays within the harness limits (decompressed size, entries, compression ratio, metadata.json size)'));
  return out;
}

/**
 * PKG-16: the harness stopped at one of its own caps. The peer has none, so the package was not
 * judged past that point: an `error` (the run is no verdict), never a failure of the package.
 */
function limitReached(detail: string): Finding {
  return {
    rule: 'PKG-16',
    status: 'error',
    message: `the harness stopped at its own limit: ${detail}; the real peer has no such limit and would read on, so the rules after this point are not judged (raise the limit with --max-bytes, --max-entries, --max-ratio or --max-metadata, only for a package you trust)`,
    peerError: null,
  };
}

function judgeCode(out: Finding[], j: JudgeInput): void {
  const { untar, failure, parsed, db } = j;
  const by: PeerFailure = failure ?? { rule: 'PKG-10', peerError: null, message: 'install does not build' };
  if (!untar || failure) {
    for (const r of ['CODE-01', 'CODE-02', 'CODE-03', 'CODE-04', 'CODE-05', 'CODE-06', 'CODE-07']) out.push(blocked(r, by));
    return;
  }
  const uf = untar.failure;
  if (uf) {
    const fullChain = (uf.evidence?.['fullChain'] as string | undefined) ?? uf.peerError;
    const f = failed({ ...uf, peerError: fullChain, remedy: uf.remedy ?? (uf.rule.startsWith('CODE') ? catalogueRule(uf.rule).remedy : undefined) } as PeerFailure);
    if (uf.rule === 'PKG-16') {
      out.push(limitReached(uf.message));
      out.push(finding('CODE-01', 'skipped', 'not judged: the harness stopped extracting code.tar.gz at a limit (PKG-16)'));
    } else {
      out.push(uf.rule === 'CODE-01' ? f : finding('CODE-01', 'failed', `the build fails while extracting code.tar.gz (${uf.rule}): ${uf.message}`, fullChain));
    }
    for (const r of ['CODE-02', 'CODE-03']) {
      if (uf.rule === r) out.push(f);
      else out.push(blocked(r, uf));
    }
    for (const r of ['CODE-04', 'CODE-05', 'CODE-06', 'CODE-07']) out.push(blocked(r, uf));
    return;
  }
  const facts = untar.facts;
  const hasConnection = facts.entries.some((e) => e.nameBytes === 'connection.json' || e.nameBytes === './connection.json');
  out.push(passed('CODE-01', `code.tar.gz extracts for the builders: ${facts.files} file(s), ${facts.bytes} bytes${hasConnection ? '' : '; note: no connection.json at its root, which the built-in ccaas builder requires'}`, { files: facts.files, bytes: facts.bytes, connectionJsonAtRoot: hasConnection }));
  out.push(passed('CODE-02', facts.normalised.length > 0 ? `every path stays inside the build directory (normalised by the peer: ${facts.normalised.slice(0, 5).map((n) => `'${n}'`).join(', ')})` : 'every path stays inside the build directory'));
  out.push(passed('CODE-03', 'only directories and regular files'));
  const metas = parsed.metadata;
  const differ = metas.length > 1 && !(metas[0] as (typeof metas)[number]).bytes.equals((metas[metas.length - 1] as (typeof metas)[number]).bytes);
  out.push(passed('CODE-04', differ ? 'the builders receive the FIRST metadata.json verbatim, which differs from the one install decoded (PKG-11)' : 'the builders receive metadata.json verbatim'));

  // CODE-05 placement
  const notes: string[] = [];
  const indexes = untar.indexes.filter((f) => classifyIndexPath(f.path) === 'chaincode-index' || classifyIndexPath(f.path) === 'collection-index');
  const stray = untar.indexes.filter((f) => classifyIndexPath(f.path) === 'statedb-other');
  if (untar.metadataDir.length > 0) notes.push(`${untar.metadataDir.length} file(s) in a metadata/ folder (as the documentation's sample scripts do): the built-in ccaas builder ignores that folder, so these indexes are never created`);
  if (stray.length > 0) notes.push(`files under META-INF/statedb outside couchdb/indexes or couchdb/collections/<name>/indexes are never applied: ${stray.slice(0, 5).map((f) => f.path).join(', ')}`);
  const dotted = (db?.entries ?? []).filter((e) => e.nameBytes.startsWith('./META-INF/statedb/'));
  if (dotted.length > 0) notes.push(`${dotted.length} entr${dotted.length === 1 ? 'y' : 'ies'} named ./META-INF/statedb/...: the built-in ccaas builder releases them (extraction drops the ./), but the install-time DB-artifact scan ignores them, so a builder that does not release statedb loses them`);
  if (notes.length > 0) out.push(finding('CODE-05', 'failed', notes.join('; '), null, { indexes: indexes.map((f) => f.path).slice(0, 100) }));
  else out.push(passed('CODE-05', indexes.length > 0 ? `${indexes.length} index file(s) where the built-in ccaas builder releases them` : 'no index files', { indexes: indexes.map((f) => f.path).slice(0, 100) }));

  // CODE-06 CouchDB would accept them
  const rejected = indexes.map((f) => ({ f, why: couchdbIndexProblem(f.bytes) })).filter((x) => x.why !== null);
  if (rejected.length > 0) {
    out.push(finding('CODE-06', 'failed', `CouchDB would reject ${rejected.length} index file(s) at deploy and the peer only logs it, so the index silently does not exist: ${rejected.slice(0, 5).map((x) => `${x.f.path} (${x.why})`).join('; ')}`));
  } else out.push(passed('CODE-06', indexes.length > 0 ? 'every index file is a JSON object with index.fields' : 'no index files'));

  // CODE-07 the CLI packager's validator
  const problems: { path: string; texts: string[]; panic: boolean }[] = [];
  for (const f of untar.indexes) {
    const outcomes = validateMetadataFile(f.path, f.bytes);
    if (outcomes.length > 0) problems.push({ path: f.path, texts: outcomes.map((o) => (o.kind === 'panic' ? `panic: ${o.text}` : o.text)), panic: outcomes.some((o) => o.kind === 'panic') });
  }
  if (problems.length > 0) {
    const first = problems[0] as (typeof problems)[number];
    const msg = problems.slice(0, 5).map((p) => (p.panic ? `${p.path}: the CLI would crash on a null value (${p.texts.join(' | ')})` : p.texts.length > 1 ? `${p.path}: one of (Go map order decides) ${p.texts.join(' | ')}` : p.texts[0])).join('; ');
    out.push(finding('CODE-07', 'failed', `\`peer lifecycle chaincode package\` would reject these META-INF files (the peer itself does not check): ${msg}`, first.texts[0] ?? null, { files: problems.slice(0, 50).map((p) => ({ path: p.path, outcomes: p.texts })) }));
  } else out.push(passed('CODE-07', untar.indexes.length > 0 ? 'every META-INF file passes the CLI packager\'s validator' : 'no META-INF files'));
}
