import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createCA, issue } from '../../src/pki/index.js';
import { tempDir } from '../support/cli.js';
import { allText, hostilePackage, keyEncodings, leakedLines, reportProblems, watchCli, writeBuilder, type TarEntry, type WatchedRun } from '../support/hostile.js';

/**
 * The fault suite (issue 12): generated hostile inputs through the real CLI — archives (traversal,
 * links, devices, bombs, huge entry counts, garbage), builders (floods, hangs, SIGTERM-ignorers,
 * setsid daemons, key printers), chaincode servers (silence, floods, garbage, oversized frames,
 * trickles, mid-handshake drops, SETTINGS then close), signals at random moments, and concurrent
 * runs on one report directory. After each run: a whole report or a clean interruption, an exit code the README
 * documents (never 3, never a hang), no process and no temporary directory left, no planted key
 * in any encoding in any artifact or console line, no raw control character on the console, and
 * peak memory under a bound.
 *
 * FAULT_RUNS=N (default 300) hostile runs, FAULT_CONCURRENCY (default 4: runs spend much of their time waiting on deadlines) at a time,
 * FAULT_SEED=n replays a sequence. Prints the seed and the counts.
 */

const RUNS = Number(process.env.FAULT_RUNS ?? 300);
const CONCURRENCY = Math.max(1, Number(process.env.FAULT_CONCURRENCY ?? 4));
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Only catches hangs: a hostile run needs a few seconds (builder deadline 1.5 s, dial timeout 1 s). */
const HANG_MS = 120_000;
/** Peak resident memory of one CLI run; a normal run needs about 150 MiB. */
const PEAK_KB = 1024 * 1024;
/** Runs that write coverage under c8 (the first few of each kind); the rest run without it. */
const COVERED = 30;
const SIGNALS = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const;

/** mulberry32: small, seeded, replayable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'archive' | 'builder' | 'server' | 'signal' | 'concurrent';

interface Case {
  readonly kind: Kind;
  readonly name: string;
  /** CLI arguments without --report-dir. */
  readonly args: string[];
  /** Exit codes a finished run may end with. */
  readonly exits: readonly number[];
  /** Its files (package, builder), removed after the run. */
  readonly base: string;
}

interface World {
  root: string;
  plainConn: string;
  tlsConn: string;
  keys: string[];
  servers: Map<string, { server: Server; port: number; pkg: string }>;
}

/** Over a harness limit (--max-bytes, --max-entries) is PKG-16 `error`, exit 3, as the README documents. */
const OVER_LIMIT = [3];

const ARCHIVES: ReadonlyArray<(r: () => number, w: World) => { name: string; bytes: Buffer; extraArgs?: string[]; exits?: number[] }> = [
  (r, w) => ({ name: 'traversal', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: `${'../'.repeat(1 + Math.floor(r() * 4))}escape-${Math.floor(r() * 1e6)}`, body: Buffer.from('x') }] }) }),
  (_r, w) => ({ name: 'absolute path', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: '/tmp/ccaas-fault-absolute', body: Buffer.from('x') }] }) }),
  (r, w) => ({ name: 'symlink out', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: 'link', type: '2', linkname: r() < 0.5 ? '/etc/passwd' : '../../../etc' }, { name: 'link/x', body: Buffer.from('through the link') }] }) }),
  (_r, w) => ({ name: 'hard link', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: 'hard', type: '1', linkname: '../../etc/passwd' }] }) }),
  (r, w) => ({ name: 'device', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: r() < 0.5 ? 'dev-null' : 'fifo', type: r() < 0.5 ? '3' : '6' }] }) }),
  (r, w) => {
    const mb = 40 + Math.floor(r() * 200);
    return { name: `gzip bomb ${mb} MiB`, bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: 'zeros', body: Buffer.alloc(mb * 1024 * 1024) }] }), extraArgs: ['--max-bytes', '16M'], exits: OVER_LIMIT };
  },
  (r, w) => {
    const n = 3000 + Math.floor(r() * 20000);
    const extra: TarEntry[] = [];
    for (let i = 0; i < n; i++) extra.push({ name: `f/${i}` });
    return { name: `${n} entries`, bytes: hostilePackage({ connectionJson: w.plainConn, extra }), extraArgs: ['--max-entries', '2000'], exits: OVER_LIMIT };
  },
  (r) => ({ name: 'garbage', bytes: randomBytes(1 + Math.floor(r() * 20000)) }),
  (r, w) => {
    const whole = hostilePackage({ connectionJson: w.plainConn });
    return { name: 'truncated gzip', bytes: whole.subarray(0, Math.max(10, Math.floor(whole.length * r()))) };
  },
  () => ({ name: 'empty file', bytes: Buffer.alloc(0) }),
  (_r, w) => ({ name: 'code.tar.gz not gzip', bytes: hostilePackage({ connectionJson: w.plainConn, codeBytes: randomBytes(4000) }) }),
  (r, w) => ({ name: 'escape codes in label and type', bytes: hostilePackage({ label: `l\x1b]0;t\x07${r() < 0.5 ? '\x1b[2J' : '\x9b31m'}`, type: 'ccaas\x1b[5m\r', connectionJson: w.plainConn }) }),
  (_r, w) => ({ name: 'nested bomb', bytes: hostilePackage({ connectionJson: w.plainConn, extra: [{ name: 'inner.tar.gz', body: gzipSync(Buffer.alloc(64 * 1024 * 1024)) }] }), extraArgs: ['--max-bytes', '8M'] }),
  (_r, w) => ({ name: 'duplicate metadata', bytes: hostilePackage({ connectionJson: w.plainConn, outer: [{ name: 'metadata.json', body: Buffer.from('{"type":"external","label":"second"}') }] }) }),
];

/** A hostile builder body, and whether it prints the planted key. */
const BUILDERS: ReadonlyArray<(r: () => number) => { name: string; programs: { detect?: string; build?: string; release?: string }; tls?: boolean }> = [
  (r) => ({ name: 'stderr flood', programs: { build: `head -c ${2 + Math.floor(r() * 6)}000000 /dev/zero | tr '\\0' 'x' >&2; cp "$1/connection.json" "$3/"` } }),
  (r) => ({ name: 'stderr line flood', programs: { build: `i=0; while [ $i -lt ${2000 + Math.floor(r() * 20000)} ]; do echo "line $i"; i=$((i+1)); done >&2; cp "$1/connection.json" "$3/"` } }),
  (r) => ({ name: 'stdout flood', programs: { build: `head -c ${2 + Math.floor(r() * 6)}000000 /dev/zero; cp "$1/connection.json" "$3/"` } }),
  (r) => ({ name: 'hang', programs: { [(['detect', 'build', 'release'] as const)[Math.floor(r() * 3)] as string]: 'sleep 300' } }),
  (r) => ({ name: 'SIGTERM ignorer', programs: { [(['detect', 'build'] as const)[Math.floor(r() * 2)] as string]: "trap '' TERM; while :; do sleep 1; done" } }),
  () => ({ name: 'setsid daemon', programs: { detect: "setsid sh -c 'sleep 300' </dev/null >/dev/null 2>&1 &\nsleep 0.1; exit 0" } }),
  () => ({ name: 'double fork', programs: { build: "( sh -c 'sleep 300' </dev/null >/dev/null 2>&1 & )\ncp \"$1/connection.json\" \"$3/\"" } }),
  () => ({ name: 'background holding stderr', programs: { build: "( while :; do sleep 1; done ) &\ncp \"$1/connection.json\" \"$3/\"" } }),
  (r) => ({
    name: 'key printer',
    tls: true,
    programs: {
      build: [
        'cp "$1/connection.json" "$3/connection.json"',
        `"${process.execPath}" -e 'const c=require("crypto");const fs=require("fs");const k=c.createPrivateKey(JSON.parse(fs.readFileSync(process.argv[1]+"/connection.json","utf8")).client_key);const der=k.export({format:"der",type:"pkcs8"});const j=k.export({format:"jwk"});const h=der.toString("hex");const f=${Math.floor(r() * 6)};const out=[k.export({format:"pem",type:"pkcs1"}),h.match(/.{1,60}/g).join("\\n"),der.toString("base64").match(/.{1,32}/g).join("\\n"),h.toUpperCase().match(/../g).join(":"),["d","p","q"].map(n=>n+": "+BigInt("0x"+Buffer.from(j[n],"base64url").toString("hex")).toString(10)).join("\\n"),["p","q","d"].map(n=>"    "+Buffer.from(j[n],"base64url").toString("hex").match(/../g).join(":")).join("\\n")][f];(f%2?console.error:console.log)(out)' "$1"`,
        r() < 0.5 ? 'exit 1' : 'exit 0',
      ].join('\n'),
    },
  }),
  (r) => ({ name: 'escape codes on stderr', programs: { build: `printf 'x\\033]0;pwned\\007\\033[2J\\033[${Math.floor(r() * 50)}m\\r\\n' >&2; exit ${1 + Math.floor(r() * 5)}` } }),
  (r) => ({ name: `exit ${Math.floor(r() * 256)}`, programs: { [(['detect', 'build', 'release'] as const)[Math.floor(r() * 3)] as string]: `exit ${Math.floor(r() * 256)}` } }),
];

/** Chaincode servers that misbehave at the socket: one of each, shared by every run of its class. */
const SERVER_CLASSES: Readonly<Record<string, (s: Socket) => void>> = {
  silence: () => undefined,
  garbage: (s) => {
    s.end(randomBytes(4096));
  },
  flood: (s) => {
    const chunk = randomBytes(64 * 1024);
    let sent = 0;
    const pump = (): void => {
      while (sent < 16 * 1024 * 1024 && !s.destroyed && s.write(chunk)) sent += chunk.length;
      if (sent >= 16 * 1024 * 1024) s.end();
    };
    s.on('drain', pump);
    pump();
  },
  oversized: (s) => {
    // an HTTP/2 SETTINGS frame header claiming 16 MiB, then nothing of it
    s.write(Buffer.from([0xff, 0xff, 0xff, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]));
  },
  trickle: (s) => {
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(Buffer.from([0x00]))), 100);
    s.on('close', () => clearInterval(t));
  },
  'mid-handshake drop': (s) => {
    s.once('data', () => s.destroy());
  },
  'settings then close': (s) => {
    // an empty HTTP/2 SETTINGS frame and the end of the connection in one write: the client's
    // session can close between its SETTINGS and the first stream (node:http2 then throws)
    s.once('data', () => s.end(Buffer.from([0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00])));
  },
};

async function exists(p: string): Promise<boolean> {
  return (await readdir(p).catch(() => null)) !== null;
}

describe('fault suite: hostile inputs through the real CLI', () => {
  let peak = 0;
  let dir: { path: string; remove(): Promise<void> };
  const w: World = { root: '', plainConn: '', tlsConn: '', keys: [], servers: new Map() };
  before(async () => {
    dir = await tempDir('faults-');
    w.root = dir.path;
    w.plainConn = JSON.stringify({ address: '127.0.0.1:1', dial_timeout: '1s' });
    const ca = createCA('Fault CA');
    const client = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'], keyType: 'rsa-2048' });
    w.tlsConn = JSON.stringify({ address: '127.0.0.1:1', dial_timeout: '1s', tls_required: true, client_auth_required: true, root_cert: ca.certPem, client_cert: client.certPem, client_key: client.keyPem });
    w.keys = keyEncodings(createPrivateKey(client.keyPem));
    for (const [cls, behave] of Object.entries(SERVER_CLASSES)) {
      const sockets = new Set<Socket>();
      const server = createServer((s) => {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
        behave(s);
      });
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      const port = (server.address() as { port: number }).port;
      const pkg = join(dir.path, `server-${cls.replace(/\W/g, '-')}.tgz`);
      await writeFile(pkg, hostilePackage({ label: 'server_fault', connectionJson: JSON.stringify({ address: `127.0.0.1:${port}`, dial_timeout: '1s' }) }));
      server.on('close', () => sockets.forEach((s) => s.destroy()));
      w.servers.set(cls, { server, port, pkg });
    }
  });
  after(async () => {
    for (const { server } of w.servers.values()) server.close();
    await dir.remove();
  });

  async function makeCase(r: () => number, kind: Exclude<Kind, 'signal' | 'concurrent'>, n: number): Promise<Case> {
    const base = join(w.root, `case-${n}`);
    await mkdir(base, { recursive: true });
    if (kind === 'archive') {
      // half of the archives carry the planted key in their connection.json
      const a = (ARCHIVES[Math.floor(r() * ARCHIVES.length)] as (typeof ARCHIVES)[number])(r, r() < 0.5 ? { ...w, plainConn: w.tlsConn } : w);
      const pkg = join(base, 'pkg.tgz');
      await writeFile(pkg, a.bytes);
      return { kind, name: `archive: ${a.name}`, args: [pkg, '--offline', '--run', 'PKG-*,CODE-*,BLD-0*', ...(a.extraArgs ?? [])], exits: a.exits ?? [0, 1, 2], base };
    }
    if (kind === 'builder') {
      const b = (BUILDERS[Math.floor(r() * BUILDERS.length)] as (typeof BUILDERS)[number])(r);
      const pkg = join(base, 'pkg.tgz');
      await writeFile(pkg, hostilePackage({ label: 'builder_fault', connectionJson: b.tls ? w.tlsConn : w.plainConn }));
      const bdir = await writeBuilder(join(base, 'builder'), b.programs);
      return { kind, name: `builder: ${b.name}`, args: [pkg, '--offline', '--run', 'BLD-*,CONN-*', '--builder', bdir, '--builder-timeout', '1500'], exits: [0, 1], base };
    }
    const classes = [...w.servers.keys()];
    const cls = classes[Math.floor(r() * classes.length)] as string;
    const s = w.servers.get(cls) as { port: number; pkg: string };
    return { kind, name: `server: ${cls}`, args: [s.pkg, '--address', `127.0.0.1:${s.port}`, '--run', 'DIAL-*,PROTO-0*', '--register-timeout', '1500', '--execute-timeout', '1500'], exits: [0, 1], base };
  }

  /** Everything asserted after a run; returns the problems (empty: the fault was survived). */
  async function judge(c: Case, run: WatchedRun, reportDir: string, tmp: string, interrupted: { sig: string; code: number } | null, shared = false): Promise<string[]> {
    const p: string[] = [];
    if (run.hung) p.push(`hung (killed after ${HANG_MS} ms): ${run.hang ?? 'no description'}`);
    const byShell = run.signal ? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[run.signal]! : run.code;
    const finished = byShell !== null && c.exits.includes(byShell);
    const cleanStop = interrupted !== null && byShell === interrupted.code;
    if (!finished && !cleanStop) p.push(`exit ${String(run.code)} signal ${String(run.signal)} (expected ${c.exits.join('/')}${interrupted ? ` or ${interrupted.code}` : ''}): ${run.stderr.slice(0, 600)}`);
    if (run.leftOver.length > 0) p.push(`processes left: ${run.leftOver.join(', ')}`);
    const tmpLeft = await readdir(tmp).catch(() => []);
    if (tmpLeft.length > 0) p.push(`temp left: ${tmpLeft.join(', ')}`);
    if (run.peakKb > PEAK_KB) p.push(`peak memory ${run.peakKb} KiB`);
    peak = Math.max(peak, run.peakKb);
    if (finished && byShell !== 2) p.push(...(await reportProblems(reportDir)).map((x) => `report: ${x}`));
    if (finished && byShell === 3 && !shared) {
      // only a harness limit may end a hostile run with 3: PKG-16 says which, with the flag that moves it
      const result = JSON.parse(await readFile(join(reportDir, 'result.json'), 'utf8').catch(() => '{}')) as { rules?: Array<{ id: string; status: string }> };
      if (result.rules?.find((x) => x.id === 'PKG-16')?.status !== 'error') p.push('exit 3 without a PKG-16 harness limit');
    }
    if (cleanStop && run.signal === null) {
      // a clean interruption: one line, and no staging or torn report
      const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
      if (lines.length !== 1 || !lines[0]?.includes(`interrupted by ${interrupted?.sig}`)) p.push(`interruption said: ${run.stderr.slice(0, 400)}`);
      if (await exists(reportDir)) {
        const names = await readdir(reportDir);
        if (names.some((x) => x.startsWith('.ccaas-'))) p.push(`staging left after interruption: ${names.join(', ')}`);
        if (names.length > 0) p.push(...(await reportProblems(reportDir)).map((x) => `report after interruption: ${x}`));
      }
    }
    for (const [name, text] of [...(await allText(reportDir)), ['console', run.stdout + run.stderr] as [string, string]]) {
      const leaks = leakedLines(text, w.keys);
      if (leaks.length > 0) p.push(`key leaked into ${name}: ${leaks[0]}`);
    }
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test((run.stdout + run.stderr).replace(/\r?\n|\t/g, ''))) p.push('a raw control character reached the console');
    return p;
  }

  it(`survives ${RUNS} hostile runs (seed ${SEED}) with no leak, crash, hang or torn report`, { timeout: 3_600_000 }, async () => {
    const r = prng(SEED);
    const counts = new Map<string, { tried: number; survived: number }>();
    const failures: string[] = [];
    let n = 0;
    let done = 0;
    const order: Kind[] = ['archive', 'builder', 'server', 'archive', 'builder', 'signal', 'archive', 'builder', 'server', 'concurrent'];
    const t0 = performance.now();

    const one = async (i: number): Promise<void> => {
      const kind = order[i % order.length] as Kind;
      const tmp = join(w.root, `tmp-${i}`);
      await mkdir(tmp);
      const note = (name: string, problems: string[], runs = 1): void => {
        const cur = counts.get(kind) ?? { tried: 0, survived: 0 };
        counts.set(kind, { tried: cur.tried + runs, survived: cur.survived + (problems.length === 0 ? runs : 0) });
        if (problems.length > 0) failures.push(`#${i} ${name}: ${problems.join('; ')}`);
        done += runs;
      };
      if (kind === 'concurrent') {
        const reportDir = join(w.root, `report-${i}`);
        const a = await makeCase(r, r() < 0.5 ? 'archive' : 'builder', n++);
        const b = await makeCase(r, r() < 0.5 ? 'server' : 'builder', n++);
        const tmpB = join(w.root, `tmp-${i}-b`);
        await mkdir(tmpB);
        const [ra, rb] = await Promise.all([
          watchCli([...a.args, '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: tmp }, coverage: i < COVERED }),
          watchCli([...b.args, '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: tmpB }, coverage: i < COVERED }),
        ]);
        const pa = await judge({ ...a, exits: a.exits.filter((x) => x !== 2) }, ra, reportDir, tmp, null, true);
        // (both runs' reports go to one directory: the later one is what is checked)
        const pb = await judge({ ...b, exits: b.exits.filter((x) => x !== 2) }, rb, reportDir, tmpB, null, true);
        // an archive that cannot even be read stops before the report directory: only the other report counts
        note(`concurrent: ${a.name} + ${b.name}`, ra.code === 2 || rb.code === 2 ? [...(ra.code === 2 ? [] : pa), ...(rb.code === 2 ? [] : pb)] : [...pa, ...pb], 2);
        await rm(reportDir, { recursive: true, force: true });
        await Promise.all([a.base, b.base].map((d) => rm(d, { recursive: true, force: true })));
        return;
      }
      const base = kind === 'signal' ? (['archive', 'builder', 'server'] as const)[Math.floor(r() * 3)] as 'archive' | 'builder' | 'server' : kind;
      const c = await makeCase(r, base, n++);
      const reportDir = join(w.root, `report-${i}`);
      let interrupted: { sig: string; code: number } | null = null;
      let onSpawn: ((kill: (sig: NodeJS.Signals) => void) => void) | undefined;
      if (kind === 'signal') {
        const [sig, code] = SIGNALS[Math.floor(r() * SIGNALS.length)] as (typeof SIGNALS)[number];
        const delay = Math.floor(r() * 3000);
        interrupted = { sig, code };
        onSpawn = (kill) => setTimeout(() => kill(sig), delay).unref();
      }
      const run = await watchCli([...c.args, '--report-dir', reportDir], { deadlineMs: HANG_MS, env: { TMPDIR: tmp }, coverage: i < COVERED, ...(onSpawn ? { onSpawn } : {}) });
      note(`${kind === 'signal' ? `${interrupted?.sig} during ` : ''}${c.name}`, await judge(c, run, reportDir, tmp, interrupted));
      await rm(reportDir, { recursive: true, force: true });
      await rm(c.base, { recursive: true, force: true });
    };

    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await one(next++);
    });
    await Promise.all(workers);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const tried = [...counts.values()].reduce((s, x) => s + x.tried, 0);
    const survived = [...counts.values()].reduce((s, x) => s + x.survived, 0);
    process.stdout.write(`# fault suite: seed ${SEED} (FAULT_SEED=${SEED} replays), ${tried} hostile runs tried, ${survived} faults survived, ${failures.length} failures, ${secs} s at concurrency ${CONCURRENCY}, peak memory of a run ${Math.round(peak / 1024)} MiB\n`);
    for (const [k, v] of counts) process.stdout.write(`#   ${k}: ${v.survived}/${v.tried}\n`);
    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} hostile run(s) not survived`);
    assert.ok(tried >= RUNS, `only ${tried} of ${RUNS} runs were made`);
  });
});
