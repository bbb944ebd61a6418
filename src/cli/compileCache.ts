import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * V8's code cache for the CLI's own JavaScript and its dependencies, so that a run does not
 * compile the same ~600 modules again (a third of a run's CPU was parsing and compiling them).
 *
 * On Node >= 22.1 this is Node's own `module.enableCompileCache`. On Node 20 the CommonJS loader's
 * compile step is taken over for `.js` files: each module is compiled as a `vm.Script` of Node's
 * own wrapper with the bytecode V8 produced for it last time, and new bytecode is written at exit
 * (after the run, so that it includes the functions the run compiled lazily). V8 checks that a
 * cache entry fits the source and the engine and falls back to compiling when it does not; the
 * entry's name is a hash of the file's path and content, so an edited file never meets its old
 * entry. A module that uses `import()` compiles as Node compiles it (a script's dynamic import
 * needs Node's own loader hook, which only an experimental option gives).
 *
 * The cache lives in the user's own cache directory ($XDG_CACHE_HOME or ~/.cache, then
 * ccaas-conformance/compile-cache/<node version>), created 0700: bytecode is code, so it is never
 * read from a directory others can write (one that is not this user's, or is group- or
 * world-writable, turns the cache off). NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for Node's
 * own cache, and so does coverage (NODE_V8_COVERAGE). Any failure (a read-only home, a full disk)
 * leaves the run exactly as without it.
 */

interface CjsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  require(id: string): unknown;
}

interface CjsInternals {
  prototype: { _compile(this: CjsModule, content: string, filename: string): unknown };
  wrap(script: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  enableCompileCache?: (dir?: string) => unknown;
}

/** Where the cache lives for this Node (its bytecode is only good for the same V8). */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env['XDG_CACHE_HOME'];
  const root = xdg && xdg.startsWith('/') ? xdg : join(home, '.cache');
  return join(root, 'ccaas-conformance', 'compile-cache', process.version);
}

let enabled = false;

/** Turns the cache on for every module loaded from now on (once per process). Returns whether it is on. */
export function enableCompileCache(dir: string = compileCacheDir(), env: NodeJS.ProcessEnv = process.env): boolean {
  if (enabled) return true;
  if (env['NODE_DISABLE_COMPILE_CACHE'] === '1') return false;
  // Coverage (c8, NODE_V8_COVERAGE) counts in code compiled for it: cached bytecode would not count.
  if (env['NODE_V8_COVERAGE']) return false;
  const M = Module as unknown as CjsInternals;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Bytecode is code: only from a directory of this user's that nobody else can write to.
    const st = lstatSync(dir);
    if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return false;
  } catch {
    return false;
  }
  if (typeof M.enableCompileCache === 'function') {
    M.enableCompileCache(dir);
    enabled = true;
    return true;
  }
  const produced: Array<{ readonly script: Script; readonly file: string }> = [];
  const compile = M.prototype._compile;
  M.prototype._compile = function (this: CjsModule, content: string, filename: string): unknown {
    if (content.includes('import(')) return compile.call(this, content, filename);
    const file = join(dir, createHash('sha256').update(filename).update('\0').update(content).digest('hex').slice(0, 40));
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    // Node strips a leading #! line; inside the wrapper it must become a comment (same line count).
    const source = content.startsWith('#!') ? `//${content}` : content;
    const script = new Script(M.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
    if (cachedData === undefined || script.cachedDataRejected === true) produced.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, M), this, filename, dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, file } of produced) {
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // a cache that cannot be written is only slower
      }
    }
  });
  enabled = true;
  return true;
}

/** The `require` a CommonJS module sees, as Node's loader makes it. */
function requireFor(mod: CjsModule, M: CjsInternals): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => M._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = require.main;
  req.extensions = M._extensions as NodeJS.RequireExtensions;
  req.cache = M._cache as NodeJS.Dict<NodeJS.Module>;
  return req;
}
