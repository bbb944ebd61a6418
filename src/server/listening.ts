import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Which TCP ports a process group listens on, from Linux's /proc (elsewhere: unknown), so a
 * --command server that listens on another port than it was told is named at once (DIAL-12)
 * instead of being waited for until the start timeout. Parsing is pure; reading is best effort.
 */

export interface Listener {
  readonly ip: string;
  readonly port: number;
  readonly inode: string;
}

function ipv4(hex: string): string {
  // /proc prints the address as the host-order 32-bit word: bytes reversed on little-endian machines.
  const b = Buffer.from(hex, 'hex');
  return [b[3], b[2], b[1], b[0]].join('.');
}

function ipv6(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  const out: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = [b[w * 4 + 3], b[w * 4 + 2], b[w * 4 + 1], b[w * 4]] as number[];
    out.push(((word[0] as number) * 256 + (word[1] as number)).toString(16), ((word[2] as number) * 256 + (word[3] as number)).toString(16));
  }
  return new URL(`http://[${out.join(':')}]`).hostname.replace(/^\[|\]$/g, '');
}

/** The LISTEN sockets of a /proc/net/tcp or /proc/net/tcp6 table. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const [addr, port] = (f[1] ?? '').split(':');
    if (!addr || !port) continue;
    out.push({ ip: addr.length === 8 ? ipv4(addr) : ipv6(addr), port: parseInt(port, 16), inode: f[9] as string });
  }
  return out;
}

/** The process group of a /proc/<pid>/stat line (the comm may hold spaces and parentheses). */
export function pgrpOfStat(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const g = Number(rest[2]);
  return Number.isInteger(g) ? g : null;
}

/** The TCP ports the processes of group `pgid` listen on; null where /proc cannot tell. */
export async function groupListeners(pgid: number): Promise<Listener[] | null> {
  // Synchronous reads: /proc answers from memory, and this runs every 250 ms while a server starts.
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return null;
  }
  const inodes = new Set<string>();
  const tryRead = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      return fallback;
    }
  };
  for (const pid of pids.filter((p) => /^\d+$/.test(p))) {
    const stat = tryRead(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), null);
    if (!stat || pgrpOfStat(stat) !== pgid) continue;
    for (const fd of tryRead(() => readdirSync(`/proc/${pid}/fd`), [] as string[])) {
      const m = /^socket:\[(\d+)\]$/.exec(tryRead(() => readlinkSync(`/proc/${pid}/fd/${fd}`), ''));
      if (m) inodes.add(m[1] as string);
    }
  }
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].map((f) => tryRead(() => readFileSync(f, 'utf8'), ''));
  return tables.flatMap(parseProcNetTcp).filter((l) => inodes.has(l.inode));
}
