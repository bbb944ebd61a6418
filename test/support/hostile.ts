import { spawn } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MARKER_VAR } from '../../src/session/children.js';
import { CLI, ROOT } from './cli.js';

/**
 * Helpers for the hostile-input tests (issue 12): raw tar archives with whatever entries an
 * attacker writes, builders made of shell scripts, every printed encoding of a private key, and
 * the checks made after each run: what the CLI left behind (processes, temp dirs, staging dirs,
 * torn reports) and whether a key reached any artifact or console line.
 */

export interface TarEntry {
  readonly name: string;
  /** ustar typeflag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' dir, '6' fifo */
  readonly type?: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  readonly body?: Buffer;
  readonly linkname?: string;
  readonly mode?: number;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar archive, written byte by byte (no library's safety in the way). */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = e.body ?? Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(e.name.slice(0, 100), 0, 'latin1');
    h.write(octal(e.mode ?? (e.type === '5' ? 0o755 : 0o644), 8), 100, 'latin1');
    h.write(octal(0, 8), 108, 'latin1');
    h.write(octal(0, 8), 116, 'latin1');
    h.write(octal((e.type ?? '0') === '0' ? body.length : 0, 12), 124, 'latin1');
    h.write(octal(0, 12), 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write(e.type ?? '0', 156, 'latin1');
    if (e.linkname) h.write(e.linkname.slice(0, 100), 157, 'latin1');
    h.write('ustar\x0000', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    parts.push(h);
    if ((e.type ?? '0') === '0' && body.length > 0) {
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A chaincode package: metadata.json and code.tar.gz (holding connection.json and `extra`), plus `outer` entries. */
export function hostilePackage(o: { label?: string; type?: string; connectionJson: string; extra?: readonly TarEntry[]; outer?: readonly TarEntry[]; codeBytes?: Buffer }): Buffer {
  const code = o.codeBytes ?? gzipSync(tar([{ name: 'connection.json', body: Buffer.from(o.connectionJson) }, ...(o.extra ?? [])]));
  const md = Buffer.from(JSON.stringify({ type: o.type ?? 'ccaas', label: o.label ?? 'hostile' }));
  return gzipSync(tar([{ name: 'metadata.json', body: md }, { name: 'code.tar.gz', body: code }, ...(o.outer ?? [])]));
}

/** A builder directory whose programs are the given shell scripts (detect/build/release default to a working ccaas builder). */
export async function writeBuilder(dir: string, programs: { detect?: string; build?: string; release?: string }): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  const all = {
    detect: programs.detect ?? 'exit 0',
    build: programs.build ?? 'cp "$1/connection.json" "$3/connection.json"',
    release: programs.release ?? 'mkdir -p "$2/chaincode/server" && cp "$1/connection.json" "$2/chaincode/server/connection.json"',
  };
  for (const [name, body] of Object.entries(all)) {
    const file = join(dir, 'bin', name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

function hexOf(b: Buffer): string {
  return b.toString('hex');
}
function wrap(s: string, width: number): string {
  return (s.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n');
}
function opensslHex(b: Buffer): string {
  const bytes = [...(b[0] !== undefined && b[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b)].map((x) => x.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 15) lines.push(`    ${bytes.slice(i, i + 15).join(':')}${i + 15 < bytes.length ? ':' : ''}`);
  return lines.join('\n');
}

/** The printed forms of a private key a leak check looks for: PEM, DER hex and base64 in several shapes, the secret numbers. */
export function keyEncodings(k: KeyObject): string[] {
  const pkcs8 = k.export({ format: 'der', type: 'pkcs8' });
  const out = [k.export({ format: 'pem', type: 'pkcs8' }).toString(), hexOf(pkcs8), hexOf(pkcs8).toUpperCase(), wrap(hexOf(pkcs8), 60), opensslHex(pkcs8), wrap(pkcs8.toString('base64'), 32), pkcs8.toString('base64')];
  if (k.asymmetricKeyType === 'rsa') out.push(k.export({ format: 'pem', type: 'pkcs1' }).toString());
  if (k.asymmetricKeyType === 'ec') out.push(k.export({ format: 'pem', type: 'sec1' }).toString());
  const jwk = k.export({ format: 'jwk' });
  for (const n of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const v = jwk[n];
    if (typeof v !== 'string') continue;
    const b = Buffer.from(v, 'base64url');
    out.push(opensslHex(b), hexOf(b), BigInt(`0x${hexOf(b)}`).toString(10));
  }
  return out;
}

/** Lines (20 characters or more) of any encoding that occur in `text`: each is a leak. */
export function leakedLines(text: string, encodings: readonly string[]): string[] {
  const found = new Set<string>();
  for (const e of encodings) {
    for (const raw of e.split('\n')) {
      const line = raw.trim().replace(/-----(BEGIN|END) [A-Z ]+-----/, '');
      if (line.length >= 20 && text.includes(line)) found.add(line);
    }
  }
  return [...found];
}

/** Processes still carrying the marker of the CLI process `pid` (what the harness started and did not stop). */
export async function markedBy(pid: number): Promise<number[]> {
  const want = Buffer.from(`${MARKER_VAR}=${pid}-`);
  const out: number[] = [];
  for (const n of (await readdir('/proc').catch(() => [])).filter((x) => /^[0-9]+$/.test(x))) {
    const env = await readFile(`/proc/${n}/environ`).catch(() => null);
    if (!env || env.indexOf(want) < 0) continue;
    const stat = await readFile(`/proc/${n}/stat`, 'latin1').catch(() => '');
    if (stat && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(n));
  }
  return out;
}

/** Processes whose command line holds `token`. */
export async function processesWith(token: string): Promise<number[]> {
  const out: number[] = [];
  for (const n of (await readdir('/proc').catch(() => [])).filter((x) => /^[0-9]+$/.test(x))) {
    if (Number(n) === process.pid) continue;
    const cmd = await readFile(`/proc/${n}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${n}/stat`, 'latin1').catch(() => '');
    if (cmd.includes(token) && stat && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(n));
  }
  return out;
}

export interface WatchedRun {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Peak resident memory of the CLI process (VmHWM), in KiB; 0 when not seen. */
  readonly peakKb: number;
  /** The test killed it: it did not end within the deadline. */
  readonly hung: boolean;
  /** For a hung run, what it was doing when killed (see describeHang); null otherwise. */
  readonly hang: string | null;
  /** Processes that carried its marker when it ended (after a short grace). */
  readonly leftOver: readonly number[];
}

/** How a run is watched: its environment, its deadline, signals sent once it runs, whether it writes coverage. */
export interface WatchOptions {
  readonly env?: Record<string, string>;
  readonly deadlineMs: number;
  readonly onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void;
  readonly cwd?: string;
  readonly coverage?: boolean;
}

/**
 * Runs the CLI and watches it: peak memory, a deadline (a hang is described, then SIGKILLed and
 * reported as such), and `onStart(pid, child)` to send signals; when it ends, which of its marked
 * processes are still alive.
 */
export function watchCli(args: readonly string[], opts: WatchOptions): Promise<WatchedRun> {
  return watchNode([CLI, ...args], opts);
}

/** `node <argv>` watched as watchCli watches the CLI. */
export function watchNode(argv: readonly string[], opts: WatchOptions): Promise<WatchedRun> {
  const started = performance.now();
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  // c8 sets NODE_V8_COVERAGE; hundreds of hostile runs need not each write a coverage file
  if (opts.coverage === false) delete env.NODE_V8_COVERAGE;
  // Where Node writes its diagnostic report when a hung run is sent SIGUSR2 (outside the run's TMPDIR, which must stay empty).
  const reportDir = mkdtempSync(join(tmpdir(), 'ccaas-hang-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reportDir}`, ...argv], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid ?? -1;
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    let hung = false;
    let hang: string | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout.length < 4_000_000 ? (stdout += d.toString()) : undefined));
    child.stderr.on('data', (d: Buffer) => (stderr.length < 4_000_000 ? (stderr += d.toString()) : undefined));
    const poll = setInterval(() => {
      void readFile(`/proc/${pid}/status`, 'latin1').then(
        (s) => {
          const m = /VmHWM:\s+(\d+) kB/.exec(s);
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        },
        () => undefined,
      );
    }, 50);
    const deadline = setTimeout(() => {
      hung = true;
      void describeHang(pid, reportDir, (sig) => child.kill(sig)).then((h) => {
        hang = h;
        child.kill('SIGKILL');
        // A process left holding its stdout or stderr would keep 'close' from ever coming.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 5_000).unref();
      });
    }, opts.deadlineMs);
    opts.onSpawn?.((sig) => {
      try {
        child.kill(sig);
      } catch {
        // gone
      }
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(deadline);
      const ms = Math.round(performance.now() - started);
      // A SIGKILLed group dies asynchronously: give the kernel a moment before counting.
      const check = async (): Promise<number[]> => {
        let left = await markedBy(pid);
        for (let i = 0; i < 20 && left.length > 0; i++) {
          await new Promise((r) => setTimeout(r, 50));
          left = await markedBy(pid);
        }
        return left;
      };
      void check().then(async (leftOver) => {
        await rm(reportDir, { recursive: true, force: true });
        resolve({ pid, code, signal, stdout, stderr, ms, peakKb, hung, hang, leftOver });
      });
    });
  });
}

/** One line per process: pid and command line. */
async function processLines(pids: readonly number[]): Promise<string> {
  const lines = await Promise.all(pids.map(async (p) => `${p} ${(await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim().slice(0, 200)}`));
  return lines.join('; ');
}

/**
 * What a run that outlived its deadline was doing, for the failure message. If the process still
 * runs: Node's diagnostic report (asked for with SIGUSR2, waited for up to 5 s): the handles that
 * keep its event loop alive and its JavaScript stack; and the processes it started that still
 * run. If it has ended: who holds its stdout or stderr open.
 */
export async function describeHang(pid: number, reportDir: string, signal: (sig: NodeJS.Signals) => void): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
  const state = stat ? stat.slice(stat.lastIndexOf(')') + 2)[0] : null;
  const children = await markedBy(pid);
  const running = children.length > 0 ? `; its processes still running: ${await processLines(children)}` : '; none of its processes still runs';
  if (state === null || state === 'Z') return `the process had ended, but its stdout or stderr was still open${running}`;
  signal('SIGUSR2');
  let text: string | null = null;
  for (let i = 0; i < 100 && text === null; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const name = (await readdir(reportDir).catch(() => [] as string[])).find((n) => n.endsWith('.json'));
    // the report is written in one piece, but may be caught half-written: parse it once it parses
    const t = name ? await readFile(join(reportDir, name), 'utf8').catch(() => null) : null;
    if (t !== null && parses(t)) text = t;
  }
  if (text === null) return `the process still ran (state ${state}) and wrote no diagnostic report within 5 s${running}`;
  return `the process still ran (state ${state}); ${summarizeReport(text)}${running}`;
}

function parses(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

interface NodeReport {
  readonly javascriptStack?: { readonly message?: string; readonly stack?: readonly string[] };
  readonly libuv?: ReadonlyArray<{ readonly type?: string; readonly is_active?: boolean; readonly is_referenced?: boolean; readonly [k: string]: unknown }>;
}

/** The handles that keep a Node process alive and its JavaScript stack, from its diagnostic report. */
export function summarizeReport(text: string): string {
  const r = JSON.parse(text) as NodeReport;
  const handles = (r.libuv ?? [])
    .filter((h) => h.is_active === true && h.is_referenced === true)
    .map((h) => {
      const extra = ['localEndpoint', 'remoteEndpoint', 'filename', 'pid', 'repeat', 'firesInMsFromNow', 'signal']
        .filter((k) => h[k] !== undefined)
        .map((k) => `${k}=${JSON.stringify(h[k])}`)
        .join(' ');
      return `${h.type ?? '?'}${extra ? ` (${extra})` : ''}`;
    });
  const stack = (r.javascriptStack?.stack ?? []).slice(0, 6).map((l) => l.trim()).join(' | ');
  return `active handles: ${handles.length > 0 ? handles.join(', ') : 'none'}; JavaScript stack: ${r.javascriptStack?.message ?? ''}${stack ? ` | ${stack}` : ''}`;
}

/** The report files a finished run leaves, and what is wrong with them (empty: a whole report). */
export async function reportProblems(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const names = await readdir(dir).catch(() => null);
  if (!names) return [`${dir} does not exist`];
  for (const n of names) if (n.startsWith('.ccaas-')) problems.push(`left behind: ${n}`);
  for (const f of ['result.json', 'index.html', 'junit.xml', 'messages.ndjson', 'cucumber.html']) if (!names.includes(f)) problems.push(`missing ${f}`);
  if (problems.length > 0) return problems;
  try {
    JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
  } catch (e) {
    problems.push(`result.json does not parse: ${String(e)}`);
  }
  const nd = await readFile(join(dir, 'messages.ndjson'), 'utf8');
  const lines = nd.split('\n').filter((l) => l !== '');
  for (const [i, l] of lines.entries()) {
    try {
      JSON.parse(l);
    } catch {
      problems.push(`messages.ndjson line ${i + 1} does not parse`);
      break;
    }
  }
  if (!lines.some((l) => l.includes('"testRunFinished"'))) problems.push('messages.ndjson has no testRunFinished');
  if (!(await readFile(join(dir, 'index.html'), 'utf8')).includes('</html>')) problems.push('index.html is cut short');
  return problems;
}

/** Every file under `dir` as text (for leak checks). */
export async function allText(dir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const n of await readdir(dir, { recursive: true }).catch(() => [] as string[])) {
    const text = await readFile(join(dir, n), 'utf8').catch(() => null);
    if (text !== null) out.push([n, text]);
  }
  return out;
}
