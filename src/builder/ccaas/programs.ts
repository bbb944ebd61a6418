import { open, stat, writeFile } from 'node:fs/promises';
import { unmarshal, unmarshalStringMap, type GoStructType } from '../../gojson/index.js';
import { GoError, errnoCode, pathError } from '../goerr.js';
import { goClean, goJoin } from '../../gopath/filepath.js';
import { mkdirAll, treeCopy } from './treeCopy.js';

/**
 * The bundled TypeScript twin of Fabric's built-in ccaas builder
 * (`ccaas_builder/cmd/{detect,build,release}`), written from its behaviour: the same checks in the
 * same order, the same copies, the connection.json rewrite (src/connection/ccaasRewrite.ts), and
 * the same output: `::Detect` / `::Build` / `::Release` then `::Error: <err>` on stderr with exit
 * status 1, or the success line with exit status 0; the one line the real build prints to stdout
 * (a template parse error) is printed there too. Proven against a Go oracle of the same
 * behaviour (test/oracle/ccaasprog.go) by test/property/builder-ccaas-twin.test.ts.
 */

export interface ProgramResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The builders' metadata struct (package main of each program). */
const METADATA: GoStructType = { name: 'chaincodeMetadata', pkg: 'main', fields: [{ json: 'type', kind: { kind: 'string' } }] };

/** Marks an error of the twin itself: a template construct the TS template engine does not reproduce. */
export const TWIN_CANNOT_REPRODUCE = 'ccaas twin cannot reproduce';

/** The connection.json rewrite and its template engine: only `build` uses them, so only it loads them. */
function rewriting(): typeof import('../../connection/ccaasRewrite.js') & Pick<typeof import('../../gotemplate/index.js'), 'execTemplate'> {
  return { ...(require('../../connection/ccaasRewrite.js') as typeof import('../../connection/ccaasRewrite.js')), execTemplate: (require('../../gotemplate/index.js') as typeof import('../../gotemplate/index.js')).execTemplate };
}

function fsErr(op: string, path: string, e: unknown): GoError {
  return new GoError(pathError(op, path, e));
}

async function goStat(path: string): Promise<{ mode: number }> {
  try {
    const st = await stat(path);
    return { mode: st.mode };
  } catch (e) {
    throw fsErr('stat', path, e);
  }
}

/** os.Stat then !os.IsNotExist(err): true unless the path does not exist. */
async function existsOrOtherError(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    return errnoCode(e) !== 'ENOENT';
  }
}

/** os.ReadFile's errors: `open <p>: ...` or `read <p>: is a directory`. */
async function goReadFile(path: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fsErr('open', path, e);
  }
  try {
    return await fh.readFile();
  } catch (e) {
    throw fsErr('read', path, e);
  } finally {
    await fh.close();
  }
}

function wrap(msg: string, e: unknown): never {
  throw new GoError(`${msg}: ${e instanceof Error ? e.message : String(e)}`);
}

async function readType(metadataFile: string, notReadable: string, parseError: string): Promise<string> {
  try {
    await goStat(metadataFile);
  } catch (e) {
    wrap(`${metadataFile} not found `, e);
  }
  let bytes: Buffer;
  try {
    bytes = await goReadFile(metadataFile);
  } catch (e) {
    wrap(`${metadataFile} ${notReadable}`, e);
  }
  const r = unmarshal(bytes, METADATA);
  if (r.error !== null) throw new GoError(`${parseError}: ${r.error}`);
  const t = r.values.get('type');
  return typeof t === 'string' ? t : '';
}

/** strings.ToLower for the comparison with "ccaas" (only ASCII letters can lower-case into it). */
function isCcaas(type: string): boolean {
  return type.toLowerCase() === 'ccaas';
}

async function runPhase(header: string, done: string, body: (out: { stdout: string }) => Promise<void>): Promise<ProgramResult> {
  const out = { stdout: '' };
  try {
    await body(out);
    return { code: 0, stdout: out.stdout, stderr: `${header}\n${done}\n` };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { code: 1, stdout: out.stdout, stderr: `${header}\n::Error: ${msg}\n` };
  }
}

export function detect(args: readonly string[]): Promise<ProgramResult> {
  return runPhase('::Detect', '::Type detected as ccaas', async () => {
    if (args.length < 2) throw new GoError('too few arguments');
    const metadataFile = goJoin(args[1] as string, 'metadata.json');
    const type = await readType(metadataFile, 'not readable', 'Unable to parse the metadata.json file');
    if (!isCcaas(type)) throw new GoError(`chaincode type not supported: ${type}`);
  });
}

/** The field whose template failed, from the builder's message. */
const FIELD_KEYS: Readonly<Record<string, string>> = { Address: 'address', DialTimeout: 'dial_timeout', RootCert: 'root_cert', ClientKey: 'client_key', ClientCert: 'client_cert' };

/** execTempl prints `Failed to parse the template: <err>` to stdout when Parse (not Execute) fails. */
function templateParseStdout(connection: Buffer, config: string | undefined, stderrError: string): string {
  const m = /^Failed to parse the (Address|DialTimeout|RootCert|ClientKey|ClientCert) field template: /.exec(stderrError);
  if (!m) return '';
  const key = FIELD_KEYS[m[1] as string] as string;
  const { CCAAS_CONNECTION, execTemplate } = rewriting();
  const d = unmarshal(connection, CCAAS_CONNECTION, 'value');
  const text = (d.values.get(key) as string | undefined) ?? '';
  const cfg = config === undefined || config === '' ? null : unmarshalStringMap(Buffer.from(config, 'utf8'));
  const r = execTemplate(text, cfg && cfg.ok ? cfg.value : null);
  return !r.ok && r.phase === 'parse' ? `Failed to parse the template: ${r.error}` : '';
}

export function build(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<ProgramResult> {
  return runPhase('::Build', '::Build phase completed', async (out) => {
    if (args.length < 3) throw new GoError('incorrect number of arguments');
    const [sourceDir, metadataDir, outputDir] = args as [string, string, string];
    const connectionSrcFile = goJoin(sourceDir, '/connection.json');
    const metadataFile = goClean(goJoin(metadataDir, 'metadata.json'));
    const connectionDestFile = goJoin(outputDir, '/connection.json');
    const metainfoSrcDir = goJoin(sourceDir, 'META-INF');
    const metainfoDestDir = goJoin(outputDir, 'META-INF');

    const type = await readType(metadataFile, 'file not readable', 'Unable to parse JSON');
    if (!isCcaas(type)) throw new GoError(`chaincode type should be ccaas, it is ${type}`);
    try {
      await treeCopy(metadataDir, outputDir);
    } catch (e) {
      wrap('failed to copy build metadata folder', e);
    }
    if (await existsOrOtherError(metainfoSrcDir)) {
      try {
        await treeCopy(metainfoSrcDir, metainfoDestDir);
      } catch (e) {
        wrap('failed to copy build META-INF folder', e);
      }
    }
    let mode: number;
    try {
      mode = (await goStat(connectionSrcFile)).mode;
    } catch (e) {
      wrap(`${connectionSrcFile} not found `, e);
    }
    const contents = await goReadFile(connectionSrcFile);
    const config = env['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'];
    const rewritten = rewriting().rewriteConnection(contents, config);
    if (!rewritten.ok) {
      if (rewritten.unsupported) throw new GoError(`${TWIN_CANNOT_REPRODUCE}: ${rewritten.stderrError}`);
      out.stdout = templateParseStdout(contents, config, rewritten.stderrError);
      throw new GoError(rewritten.stderrError);
    }
    try {
      await writeFile(connectionDestFile, rewritten.output, { mode: mode & 0o7777 });
    } catch (e) {
      throw fsErr('open', connectionDestFile, e);
    }
  });
}

export function release(args: readonly string[]): Promise<ProgramResult> {
  return runPhase('::Release', '::Release phase completed', async () => {
    if (args.length < 2) throw new GoError('incorrect number of arguments');
    const [builderOutputDir, releaseDir] = args as [string, string];
    const connectionSrcFile = goJoin(builderOutputDir, '/connection.json');
    const connectionDir = goJoin(releaseDir, 'chaincode/server/');
    const connectionDestFile = goJoin(releaseDir, 'chaincode/server/connection.json');
    const metadataDir = goJoin(builderOutputDir, 'META-INF/statedb');
    const metadataDestDir = goJoin(releaseDir, 'statedb');
    if (await existsOrOtherError(metadataDir)) {
      try {
        await treeCopy(metadataDir, metadataDestDir);
      } catch (e) {
        wrap('failed to copy metadataDir directory folder', e);
      }
    }
    try {
      await goStat(connectionSrcFile);
    } catch (e) {
      wrap('connection.json not found in source folder', e);
    }
    try {
      await mkdirAll(Buffer.from(connectionDir, 'utf8').toString('latin1'), 0o750);
    } catch (e) {
      wrap('failed to create target folder for connection.json', e);
    }
    // Copy: os.Open(src), os.Create(dst), io.Copy (copy_file_range on Linux), Close.
    let input;
    try {
      input = await open(connectionSrcFile, 'r');
    } catch (e) {
      throw fsErr('open', connectionSrcFile, e);
    }
    try {
      let output;
      try {
        output = await open(connectionDestFile, 'w+', 0o666);
      } catch (e) {
        throw fsErr('open', connectionDestFile, e);
      }
      try {
        if ((await input.stat()).isDirectory()) throw new GoError(`write ${connectionDestFile}: copy_file_range: is a directory`);
        await output.writeFile(await input.readFile());
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
  });
}
