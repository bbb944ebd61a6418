import { chmod, copyFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rewriteConnection } from '../../connection/ccaasRewrite.js';
import { unmarshal, type GoStructType } from '../../gojson/index.js';

/**
 * The bundled default builder: a TypeScript twin of Fabric's built-in ccaas builder
 * (`ccaas_builder/cmd/{detect,build,release}`), reproducing its checks, copies, connection.json
 * rewrite and `::Error: ...` messages. It runs as a separate process, like the real one.
 */

export interface ProgramResult {
  readonly code: number;
  readonly stderr: readonly string[];
}

const METADATA: GoStructType = { name: 'chaincodeMetadata', pkg: 'main', fields: [{ json: 'type', kind: { kind: 'string' } }] };

/** Go's *PathError text for an fs error: `stat <path>: no such file or directory`. */
function goPathError(op: string, path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message);
  return `${op} ${path}: ${text}`;
}

async function statOr(path: string): Promise<{ ok: true; mode: number } | { ok: false; error: unknown }> {
  try {
    const s = await stat(path);
    return { ok: true, mode: s.mode };
  } catch (error) {
    return { ok: false, error };
  }
}

async function readType(metadataFile: string, notFound: (e: string) => string, parseError: string): Promise<{ ok: true; type: string } | { ok: false; error: string }> {
  const st = await statOr(metadataFile);
  if (!st.ok) return { ok: false, error: notFound(goPathError('stat', metadataFile, st.error)) };
  let bytes: Buffer;
  try {
    bytes = await readFile(metadataFile);
  } catch (e) {
    return { ok: false, error: `${metadataFile} not readable: ${goPathError('read', metadataFile, e)}` };
  }
  const r = unmarshal(bytes, METADATA);
  if (r.error) return { ok: false, error: `${parseError}: ${r.error}` };
  const t = r.values.get('type');
  return { ok: true, type: typeof t === 'string' ? t : '' };
}

function result(phase: string, error: string | null, done: string): ProgramResult {
  return error ? { code: 1, stderr: [`::${phase}`, `::Error: ${error}`] } : { code: 0, stderr: [`::${phase}`, done] };
}

export async function detect(args: readonly string[]): Promise<ProgramResult> {
  if (args.length < 2) return result('Detect', 'too few arguments', '');
  const metadataFile = join(args[1] as string, 'metadata.json');
  const t = await readType(metadataFile, (e) => `${metadataFile} not found : ${e}`, 'Unable to parse the metadata.json file');
  if (!t.ok) return result('Detect', t.error, '');
  if (t.type.toLowerCase() !== 'ccaas') return result('Detect', `chaincode type not supported: ${t.type}`, '');
  return result('Detect', null, '::Type detected as ccaas');
}

export async function build(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<ProgramResult> {
  if (args.length < 3) return result('Build', 'incorrect number of arguments', '');
  const [sourceDir, metadataDir, outputDir] = args as [string, string, string];
  const metadataFile = join(metadataDir, 'metadata.json');
  const t = await readType(metadataFile, (e) => `${metadataFile} not found : ${e}`, 'Unable to parse JSON');
  if (!t.ok) return result('Build', t.error, '');
  if (t.type.toLowerCase() !== 'ccaas') return result('Build', `chaincode type should be ccaas, it is ${t.type}`, '');
  try {
    await cp(metadataDir, outputDir, { recursive: true, verbatimSymlinks: true });
  } catch (e) {
    return result('Build', `failed to copy build metadata folder: ${(e as Error).message}`, '');
  }
  const metaInf = join(sourceDir, 'META-INF');
  if ((await statOr(metaInf)).ok) {
    try {
      await cp(metaInf, join(outputDir, 'META-INF'), { recursive: true, verbatimSymlinks: true });
    } catch (e) {
      return result('Build', `failed to copy build META-INF folder: ${(e as Error).message}`, '');
    }
  }
  const connectionSrc = join(sourceDir, 'connection.json');
  const st = await statOr(connectionSrc);
  if (!st.ok) return result('Build', `${connectionSrc} not found : ${goPathError('stat', connectionSrc, st.error)}`, '');
  const rewritten = rewriteConnection(await readFile(connectionSrc), env['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG']);
  if (!rewritten.ok) return result('Build', rewritten.stderrError, '');
  const dest = join(outputDir, 'connection.json');
  await writeFile(dest, rewritten.output, { mode: st.mode & 0o777 });
  return result('Build', null, '::Build phase completed');
}

export async function release(args: readonly string[]): Promise<ProgramResult> {
  if (args.length < 2) return result('Release', 'incorrect number of arguments', '');
  const [bldDir, releaseDir] = args as [string, string];
  const statedb = join(bldDir, 'META-INF', 'statedb');
  if ((await statOr(statedb)).ok) {
    try {
      await cp(statedb, join(releaseDir, 'statedb'), { recursive: true, verbatimSymlinks: true });
    } catch (e) {
      return result('Release', `failed to copy metadataDir directory folder: ${(e as Error).message}`, '');
    }
  }
  const src = join(bldDir, 'connection.json');
  const st = await statOr(src);
  if (!st.ok) return result('Release', `connection.json not found in source folder: ${goPathError('stat', src, st.error)}`, '');
  const serverDir = join(releaseDir, 'chaincode', 'server');
  await mkdir(serverDir, { recursive: true, mode: 0o750 });
  const dest = join(serverDir, 'connection.json');
  await copyFile(src, dest);
  await chmod(dest, 0o644);
  return result('Release', null, '::Release phase completed');
}
