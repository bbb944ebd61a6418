import type { GzipHeaderInfo } from '../archive/gzip.js';
import type { EntryFacts } from './parse.js';

/**
 * PKG-12: bytes of a package that depend on who made it, where and when, so that two people
 * packaging the same connection.json get two package IDs. Judged on both archive levels.
 */
export interface Variation {
  readonly level: 'package' | 'code.tar.gz';
  readonly what: string;
}

const OS_NAMES: Readonly<Record<number, string>> = { 0: 'FAT', 3: 'Unix', 7: 'Macintosh', 11: 'NTFS', 255: 'unknown' };

export function gzipVariations(level: Variation['level'], h: GzipHeaderInfo | null, members: number): Variation[] {
  const out: Variation[] = [];
  if (!h) return out;
  if (h.mtime !== 0) out.push({ level, what: `gzip header time is ${new Date(h.mtime * 1000).toISOString()} (changes every time it is packaged)` });
  if (h.name !== null) out.push({ level, what: `gzip header stores the file name '${h.name}'` });
  if (h.comment !== null) out.push({ level, what: 'gzip header stores a comment' });
  if (h.extraLength > 0) out.push({ level, what: 'gzip header has an extra field' });
  if (h.os !== 255) out.push({ level, what: `gzip header OS byte is ${h.os} (${OS_NAMES[h.os] ?? 'other'}); it depends on the tool and platform (the peer CLI writes 255)` });
  if (members > 1) out.push({ level, what: `${members} concatenated gzip members` });
  return out;
}

export function tarVariations(level: Variation['level'], entries: readonly EntryFacts[]): Variation[] {
  const out: Variation[] = [];
  const pick = (pred: (e: EntryFacts) => boolean): string[] => entries.filter(pred).slice(0, 5).map((e) => `'${e.name}'`);
  const say = (names: string[], what: string): void => {
    if (names.length > 0) out.push({ level, what: `${what}: ${names.join(', ')}${names.length === 5 ? ', ...' : ''}` });
  };
  say(pick((e) => e.mtime !== 0n), 'tar entries carry modification times (they change with every checkout or build)');
  say(pick((e) => e.uid !== 0n || e.gid !== 0n), 'tar entries carry the packager\'s uid/gid');
  say(pick((e) => e.uname !== '' || e.gname !== ''), 'tar entries carry the packager\'s user/group names');
  say(pick((e) => e.pax.some((k) => k === 'atime' || k === 'ctime' || k === 'mtime' || k.startsWith('SCHILY.') || k.startsWith('LIBARCHIVE.'))), 'tar entries carry PAX times or extended attributes');
  say(pick((e) => e.typeflag === 0x30 && (e.mode & 0o7777n) !== 0o644n && (e.mode & 0o7777n) !== 0o755n), 'tar entries have modes that depend on the umask or the file system (not 0644/0755)');
  say(pick((e) => e.name.startsWith('./')), 'tar entry names start with ./ (depends on how tar was invoked)');
  return out;
}
