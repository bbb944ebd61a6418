/**
 * fast-check arbitraries for the differential tests of the package and archive judges: tar
 * entries of every type flag and header style, names that Go cleans or rejects, PAX and GNU long
 * names, sparse maps, duplicates, odd modes; gzip framing with members, flushes, trailer faults,
 * garbage and truncation; metadata.json documents. Composed, so shrinking stays meaningful.
 */
import fc from 'fast-check';
import { gzipBytes, paxRecords, tarBytes, type GzipOptions, type RawEntry, type TarEnd } from '../unit/package-fixtures.js';

export const nameArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('connection.json', 'a', 'a/b', 'dir/', 'META-INF/statedb/couchdb/indexes/i.json', 'META-INF/statedb/x/', 'src/main.go') },
  { weight: 3, arbitrary: fc.constantFrom('', '.', './', './x', '..', '../x', '/etc/x', 'a/../../x', 'a/../b', '..foo', '...', 'a//b', 'a/./b', './META-INF/statedb/couchdb/indexes/j.json', 'é/ü.json', 'a\nb') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('d/', 'a/b/', ''), fc.stringMatching(/^[a-z]{1,8}$/)).map(([d, n]) => d + n) },
  { weight: 1, arbitrary: fc.integer({ min: 101, max: 300 }).map((n) => 'L'.repeat(n - 4) + '.txt') },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 6 }).map((n) => Array.from({ length: n }, (_, i) => 'seg' + String(i).repeat(30)).join('/')) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0x41 : b)))) },
);

export const typeArb: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 30, arbitrary: fc.constant('0') },
  { weight: 6, arbitrary: fc.constantFrom('5', '\0') },
  { weight: 2, arbitrary: fc.constantFrom('1', '2', '3', '4', '6', '7', 'g', 'S', 'A', 'V') },
  { weight: 1, arbitrary: fc.constantFrom('K', 'L', 'x') },
);

const modeArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(0o644, 0o755, 0o600) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0o4777, 0o7777, 0o100644, 0o40755, 0o1000644, 0o4000644, 0o777) },
);

const validPaxRecord = fc.oneof(
  fc.tuple(fc.constant('path'), fc.constantFrom('p/x', 'P'.repeat(150), 'é', '', '../up', 'META-INF/statedb/p.json', 'metadata.json', 'code.tar.gz')),
  fc.tuple(fc.constant('mtime'), fc.constantFrom('1.5', '0', '-1.25', '12345678901', '1700000000.123456789123')),
  fc.tuple(fc.constantFrom('uid', 'gid'), fc.constantFrom('0', '1000', '-5', '9007199254740993')),
  fc.tuple(fc.constant('size'), fc.constantFrom('0', '3', '5')),
  fc.tuple(fc.constantFrom('comment', 'SCHILY.xattr.user.a', 'uname', 'gname', 'atime', 'ctime', 'linkpath'), fc.constantFrom('v', '', 'Ω', 'U'.repeat(40), '7', '1.5')),
);
const oddPaxRecord = fc.oneof(
  fc.tuple(fc.constantFrom('mtime', 'atime'), fc.constantFrom('x', '1e3', '1.x', '')),
  fc.tuple(fc.constantFrom('uid', 'gid', 'size'), fc.constantFrom('-1', '9223372036854775808', 'abc', '+7')),
  fc.tuple(fc.constantFrom('GNU.sparse.map', 'GNU.sparse.numblocks', 'GNU.sparse.size', 'GNU.sparse.name', 'GNU.sparse.major', 'GNU.sparse.minor', 'GNU.sparse.offset'), fc.constantFrom('0,2', '1', '2', '0', '4', 'sp', '0,1,3,1')),
);
const paxArb: fc.Arbitrary<ReadonlyArray<[string, string]> | Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.array(validPaxRecord, { minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(validPaxRecord, oddPaxRecord), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from('5 a=\n'), Buffer.from('10 a=b\n'), Buffer.from('x'), Buffer.from('6 =b\n'), Buffer.from('9 path=\0\n'), Buffer.from('+8 a=bc\n'), Buffer.from('')) },
);

const bodyArb = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 1100 }).map((n) => Buffer.alloc(n, 0x62)) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from('{"index":{"fields":["a"]},"ddoc":"d","name":"n","type":"json"}'), Buffer.from('null'), Buffer.from('{"index":null}')) },
);

/** Mostly one value, sometimes something odd. */
const usually = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, oddWeight = 1, commonWeight = 12): fc.Arbitrary<T> =>
  fc.oneof({ weight: commonWeight, arbitrary: common }, { weight: oddWeight, arbitrary: odd });

export const entryArb: fc.Arbitrary<RawEntry> = fc.record(
  {
    name: nameArb,
    type: typeArb,
    body: bodyArb,
    mode: modeArb,
    uid: usually(fc.constant(0), fc.constantFrom(1000, 2097151)),
    mtime: usually(fc.constant(0), fc.constant(1_700_000_000), 2, 6),
    format: usually(fc.constant<RawEntry['format']>('ustar'), fc.constantFrom<RawEntry['format']>('gnu', 'v7', 'star', 'ustar-bad-version'), 4, 8),
    numbers: usually(fc.constant<RawEntry['numbers']>('octal'), fc.constantFrom<RawEntry['numbers']>('octal-space', 'base256'), 2, 8),
    checksum: usually(fc.constant<RawEntry['checksum']>('ok'), fc.constantFrom<RawEntry['checksum']>('signed', 'bad'), 1, 30),
    pax: usually(fc.constant(undefined), paxArb, 1, 6),
    gnuLongName: usually(fc.constant<string | undefined>(undefined), fc.constantFrom<string | undefined>('long/' + 'n'.repeat(120), 'metadata.json', 'code.tar.gz', ''), 1, 20),
    sizeDelta: usually(fc.constant(0), fc.constantFrom(1, -1, 600), 1, 40),
    prefix: usually(fc.constant<string | undefined>(undefined), fc.constantFrom<string | undefined>('pre', 'META-INF/statedb'), 1, 20),
  },
  { requiredKeys: ['name', 'type', 'body', 'mode', 'format', 'checksum', 'numbers'] },
).map((r) => {
  const e: RawEntry = { ...r, ...(r.sizeDelta ? { size: Math.max(0, r.body.length + r.sizeDelta) } : {}) };
  delete (e as { sizeDelta?: number }).sizeDelta;
  for (const k of ['pax', 'gnuLongName', 'prefix'] as const) if (e[k] === undefined) delete e[k];
  return e;
});

/** Old GNU sparse and PAX sparse entries, valid and not. */
export const sparseEntryArb: fc.Arbitrary<RawEntry> = fc.oneof(
  fc.record({ name: fc.constantFrom('sp', 'META-INF/statedb/sp.json'), off: fc.integer({ min: 0, max: 600 }), len: fc.integer({ min: 0, max: 20 }), real: fc.integer({ min: 0, max: 700 }) }).map((s) => {
    const area = Buffer.alloc(114);
    Buffer.from(s.off.toString(8).padStart(11, '0') + '\0', 'latin1').copy(area, 0);
    Buffer.from(s.len.toString(8).padStart(11, '0') + '\0', 'latin1').copy(area, 12);
    Buffer.from(s.real.toString(8).padStart(11, '0') + '\0', 'latin1').copy(area, 97);
    return { name: s.name, type: 'S', format: 'gnu' as const, body: Buffer.alloc(s.len, 0x7a), gnuSparse: { area } };
  }),
  fc.record({ map: fc.constantFrom('0,3', '2,2,8,1', '', '5,1', '0,0'), blocks: fc.constantFrom('1', '2', '0', 'x'), size: fc.constantFrom('10', '3', '0'), data: fc.integer({ min: 0, max: 5 }) }).map((s) => ({
    name: 'psp', pax: [['GNU.sparse.map', s.map], ['GNU.sparse.numblocks', s.blocks], ['GNU.sparse.size', s.size]] as [string, string][], body: Buffer.alloc(s.data, 0x71),
  })),
  fc.record({ n: fc.constantFrom('1', '2', '-1'), rest: fc.constantFrom('0\n2\n', '1\n1\n3\n1\n', 'a\n', ''), data: fc.integer({ min: 0, max: 4 }) }).map((s) => {
    const map = Buffer.concat([Buffer.from(`${s.n}\n${s.rest}`), Buffer.alloc(512)]).subarray(0, 512);
    return { name: 'p1', pax: [['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.realsize', '6'], ['GNU.sparse.name', 'real']] as [string, string][], body: Buffer.concat([map, Buffer.alloc(s.data, 0x61)]) };
  }),
);

export const tarEndArb: fc.Arbitrary<TarEnd> = fc.constantFrom<TarEnd>('two-zero', 'two-zero', 'two-zero', 'two-zero', 'one-zero', 'none', 'record', 'zero-then-garbage');

export interface GzipFrame {
  readonly options: GzipOptions;
  /** Cut this many bytes off the end (0: none). */
  readonly truncate: number;
  /** XOR a byte at this fraction of the stream (null: none). */
  readonly corrupt: { at: number; mask: number } | null;
}

export const gzipFrameArb: fc.Arbitrary<GzipFrame> = fc.record({
  options: fc.record(
    {
      level: fc.constantFrom(0, 1, 6, 9),
      members: usually(fc.constant(1), fc.constantFrom(2, 3), 1, 5),
      syncAtEnd: usually(fc.constant(false), fc.constant(true), 1, 4),
      syncEvery: usually(fc.constant(0), fc.constantFrom(100, 700), 1, 5),
      stored: usually(fc.constant(false), fc.constant(true), 1, 5),
      crc: usually(fc.constant<'ok' | 'bad'>('ok'), fc.constant<'ok' | 'bad'>('bad'), 1, 25),
      isize: usually(fc.constant<'ok' | 'bad'>('ok'), fc.constant<'ok' | 'bad'>('bad'), 1, 40),
      trailing: usually(fc.constant<Buffer | undefined>(undefined), fc.constantFrom<Buffer | undefined>(Buffer.from('junk'), Buffer.from('0123456789abcdef'), Buffer.from([0x1f, 0x8b]), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255, 3, 0]), Buffer.alloc(20)), 1, 10),
      mtime: usually(fc.constant(0), fc.constant(1_700_000_000), 1, 4),
      os: fc.constantFrom(255, 3, 0),
      name: usually(fc.constant<string | undefined>(undefined), fc.constantFrom<string | undefined>('pkg.tar', 'n'.repeat(600)), 1, 10),
      comment: usually(fc.constant<string | undefined>(undefined), fc.constant<string | undefined>('c'), 1, 10),
      extra: usually(fc.constant<Buffer | undefined>(undefined), fc.constant<Buffer | undefined>(Buffer.from('xy')), 1, 10),
      hcrc: usually(fc.constant<'ok' | 'bad' | undefined>(undefined), fc.constantFrom<'ok' | 'bad' | undefined>('ok', 'bad'), 1, 10),
    },
    { requiredKeys: [] },
  ).map((o) => {
    const out: GzipOptions = { ...o };
    for (const k of Object.keys(out) as (keyof GzipOptions)[]) if (out[k] === undefined) delete out[k];
    return out;
  }),
  truncate: usually(fc.constant(0), fc.constantFrom(1, 4, 8, 9, 30, 200), 1, 20),
  corrupt: usually(fc.constant(null), fc.record({ at: fc.double({ min: 0.05, max: 0.95, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }), 1, 12),
});

export function frame(data: Buffer, f: GzipFrame): Buffer {
  let out = gzipBytes(data, f.options);
  if (f.corrupt) {
    out = Buffer.from(out);
    const i = Math.min(out.length - 1, Math.max(10, Math.floor(out.length * f.corrupt.at)));
    out[i] = (out[i] as number) ^ f.corrupt.mask;
  }
  if (f.truncate > 0) out = out.subarray(0, Math.max(0, out.length - f.truncate));
  return out;
}

/** A code archive: entries, end style and gzip framing. */
export const codeArchiveArb: fc.Arbitrary<{ entries: RawEntry[]; end: TarEnd; gzip: GzipFrame; bytes: Buffer }> = fc
  .record({
    entries: fc.array(fc.oneof({ weight: 8, arbitrary: entryArb }, { weight: 1, arbitrary: sparseEntryArb }), { maxLength: 6 }),
    end: tarEndArb,
    gzip: gzipFrameArb,
  })
  .map((r) => ({ ...r, bytes: frame(tarBytes(r.entries, r.end), r.gzip) }));

export const labelArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('mycc', '0', 'a-', 'a++b', 'v1.0.0', 'A_b.c+d-e') },
  { weight: 3, arbitrary: fc.constantFrom('a:b', '', '.x', '_x', 'é1', 'abc\n', 'a b', 'a#') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,20}$/) },
);

export const metadataArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('ccaas', 'external', 'CCAAS', 'golang'), labelArb).map(([t, l]) => Buffer.from(JSON.stringify({ type: t, label: l }))) },
  { weight: 1, arbitrary: labelArb.map((l) => Buffer.from(`{"LABEL":${JSON.stringify(l)},"Type":"CCAAS"}`)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      Buffer.from('null'), Buffer.from('{"label":5}'), Buffer.from('{"type":"ccaas","label":"x1"}x'), Buffer.from('\ufeff{"label":"x1"}'),
      Buffer.from(''), Buffer.from('[]'), Buffer.from('{"label":"x1","label":"y2"}'), Buffer.from('{"label":null,"type":"ccaas"}'),
      Buffer.from('{"label":"\xff\xfe"}', 'latin1'), Buffer.from('{"label":"ok1","path":7}'), Buffer.from('{"label":"ok1"} '), Buffer.from('{"label":"ok1",}'),
    ),
  },
);

/** A top-level entry of a package. */
export const packageEntryArb = (code: fc.Arbitrary<Buffer>): fc.Arbitrary<RawEntry> =>
  fc.oneof(
    { weight: 8, arbitrary: metadataArb.map((m) => ({ name: 'metadata.json', body: m })) },
    { weight: 8, arbitrary: code.map((c) => ({ name: 'code.tar.gz', body: c })) },
    { weight: 2, arbitrary: fc.constantFrom<RawEntry>({ name: 'README', body: Buffer.from('hi') }, { name: './metadata.json', body: Buffer.from('{"label":"x"}') }, { name: './code.tar.gz', body: Buffer.alloc(3) }, { name: 'Metadata.json', body: Buffer.from('{}') }) },
    { weight: 1, arbitrary: fc.constantFrom<RawEntry>({ name: './', type: '5' }, { name: 'code.tar.gz', type: '2', linkname: 'x' }, { name: 'pax_global_header', type: 'g', pax: undefined, body: paxRecords([['comment', 'git']]) }) },
    { weight: 1, arbitrary: entryArb },
  );

/** A plain, mostly valid code archive: a few regular files (and directories) in clean gzip. */
export const plainCodeArb: fc.Arbitrary<Buffer> = fc
  .record({
    files: fc.array(fc.record({ name: fc.constantFrom('connection.json', 'META-INF/statedb/couchdb/indexes/i.json', './connection.json', 'dir/', 'src/a.txt', 'META-INF/statedb/couchdb/collections/c1/indexes/j.json'), body: bodyArb }), { minLength: 1, maxLength: 4 }),
    gzip: usually(fc.constant<GzipFrame>({ options: {}, truncate: 0, corrupt: null }), gzipFrameArb, 1, 3),
  })
  .map((r) => frame(tarBytes(r.files.map((f) => (f.name.endsWith('/') ? { name: f.name, type: '5' } : f))), r.gzip));

export const codeBytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: plainCodeArb },
  { weight: 4, arbitrary: codeArchiveArb.map((c) => c.bytes) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('hello'), Buffer.from('not a gzip stream at all'), gzipBytes(Buffer.alloc(0)), gzipBytes(tarBytes([]))) },
);

const wellFormedPackageArb: fc.Arbitrary<RawEntry[]> = fc
  .record({
    meta: usually(fc.tuple(fc.constantFrom('ccaas', 'external'), fc.constantFrom('mycc', 'v1.0.0', 'A_b.c+d-e')).map(([t, l]) => Buffer.from(JSON.stringify({ type: t, label: l }))), metadataArb, 1, 2),
    code: codeBytesArb,
    reversed: fc.boolean(),
    extras: fc.array(packageEntryArb(codeBytesArb), { maxLength: 2 }),
    extrasFirst: fc.boolean(),
  })
  .map((r) => {
    const core: RawEntry[] = [{ name: 'metadata.json', body: r.meta }, { name: 'code.tar.gz', body: r.code }];
    if (r.reversed) core.reverse();
    return r.extrasFirst ? [...r.extras, ...core] : [...core, ...r.extras];
  });

export const packageArb: fc.Arbitrary<{ entries: RawEntry[]; end: TarEnd; gzip: GzipFrame; bytes: Buffer }> = fc
  .record({
    entries: fc.oneof({ weight: 3, arbitrary: wellFormedPackageArb }, { weight: 1, arbitrary: fc.array(packageEntryArb(codeBytesArb), { minLength: 0, maxLength: 5 }) }),
    end: tarEndArb,
    gzip: usually(fc.constant<GzipFrame>({ options: {}, truncate: 0, corrupt: null }), gzipFrameArb, 1, 1),
  })
  .map((r) => ({ ...r, bytes: frame(tarBytes(r.entries, r.end), r.gzip) }));
