import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { calculatePackageId, inspectPackage, untarChain, untarCode, type InspectedPackage } from '../../src/package/index.js';
import { gzipBytes, paxRecords, scratch, simplePackage, tarBytes, type RawEntry } from './package-fixtures.js';

/** Every package (P1-P25) and extraction (C1-C8) vector of reference §9.1-9.2. */

const PREFIX = 'could not parse as a chaincode install package: ';
const LABEL_TAIL = ". Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics";
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sc = scratch('ccaas-vectors-');
const work = join(sc.dir, 'work');
mkdirSync(work);
after(() => sc.done());

let n = 0;
async function judge(bytes: Buffer): Promise<InspectedPackage> {
  return inspectPackage(sc.file(`p${n++}.tgz`, bytes), work);
}
function status(r: InspectedPackage, rule: string): string | undefined {
  return r.findings.find((f) => f.rule === rule)?.status;
}
const codeOf = (entries: RawEntry[]): Buffer => gzipBytes(tarBytes(entries));
const conn = { name: 'connection.json', body: Buffer.from('{"address":"h:1","dial_timeout":"10s"}') };

describe('reference §9.1 package vectors', () => {
  it('P1: a minimal CCaaS package installs; ID is label:sha256(whole file)', async () => {
    const bytes = simplePackage();
    const r = await judge(bytes);
    assert.equal(r.failure, null);
    assert.equal(r.packageId, `mycc:${sha(bytes)}`);
    assert.equal(r.sha256, sha(bytes));
    for (const f of r.findings) assert.notEqual(f.status, 'failed', `${f.rule}: ${f.message}`);
    assert.ok(r.builderInput);
    assert.deepEqual(r.builderInput.metadataJson, Buffer.from('{"type":"ccaas","label":"mycc"}'));
  });

  it('P2/P3: reversed entries or another gzip mtime install too, with another ID', async () => {
    const p1 = await judge(simplePackage());
    const p2 = await judge(simplePackage({ reversed: true }));
    const p3 = await judge(simplePackage({ gzip: { mtime: 1_700_000_000 } }));
    for (const r of [p2, p3]) {
      assert.equal(r.failure, null);
      assert.notEqual(r.packageId, p1.packageId);
      assert.match(r.packageId ?? '', /^mycc:[0-9a-f]{64}$/);
    }
    const f = p3.findings.find((x) => x.rule === 'PKG-12');
    assert.equal(f?.status, 'failed');
    assert.match(f?.message ?? '', /gzip header time/);
  });

  it('P4: `tar -C dir -czf pkg .` (a ./ directory entry) is refused, type 53', async () => {
    const bytes = gzipBytes(tarBytes([{ name: './', type: '5' }, { name: './metadata.json', body: Buffer.from('{"label":"x"}') }, { name: './code.tar.gz', body: codeOf([conn]) }]));
    const r = await judge(bytes);
    assert.equal(r.failure?.peerError, `${PREFIX}tar entry ./ is not a regular file, type 53`);
    assert.equal(r.failure?.rule, 'PKG-02');
    assert.equal(status(r, 'PKG-02'), 'failed');
    assert.equal(r.packageId, null);
  });

  it('P5: ./metadata.json and ./code.tar.gz are unexpected files', async () => {
    const r = await judge(gzipBytes(tarBytes([{ name: './metadata.json', body: Buffer.from('{"label":"x"}') }, { name: './code.tar.gz', body: codeOf([conn]) }])));
    assert.equal(r.failure?.peerError, `${PREFIX}did not find a code package inside the package`);
    assert.equal(status(r, 'PKG-03'), 'failed');
  });

  it('P6: a pax_global_header first (git archive) is refused, type 103', async () => {
    const r = await judge(gzipBytes(tarBytes([{ name: 'pax_global_header', type: 'g', body: paxRecords([['comment', 'abc']]) }, { name: 'metadata.json', body: Buffer.from('{"label":"x"}') }, { name: 'code.tar.gz', body: codeOf([conn]) }])));
    assert.equal(r.failure?.peerError, `${PREFIX}tar entry pax_global_header is not a regular file, type 103`);
  });

  it('P7: per-file PAX records are consumed by the reader: accepted', async () => {
    const r = await judge(gzipBytes(tarBytes([
      { name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"mycc"}'), pax: [['mtime', '1700000000.5'], ['comment', 'x']] },
      { name: 'code.tar.gz', body: codeOf([conn]), pax: [['path', 'code.tar.gz']] },
    ])));
    assert.equal(r.failure, null);
  });

  it('P8: code.tar.gz as a symlink is refused, type 50', async () => {
    const r = await judge(gzipBytes(tarBytes([{ name: 'metadata.json', body: Buffer.from('{"label":"x"}') }, { name: 'code.tar.gz', type: '2', linkname: 'elsewhere' }])));
    assert.equal(r.failure?.peerError, `${PREFIX}tar entry code.tar.gz is not a regular file, type 50`);
  });

  it('P9/P10: a missing file, code.tar.gz checked first', async () => {
    const only = (e: RawEntry): Promise<InspectedPackage> => judge(gzipBytes(tarBytes([e])));
    assert.equal((await only({ name: 'metadata.json', body: Buffer.from('{"label":"x"}') })).failure?.peerError, `${PREFIX}did not find a code package inside the package`);
    assert.equal((await only({ name: 'code.tar.gz', body: codeOf([conn]) })).failure?.peerError, `${PREFIX}did not find any package metadata (missing metadata.json)`);
  });

  it('P11: an extra README installs with a warning; its bytes are in the hash', async () => {
    const bytes = simplePackage({ extra: [{ name: 'README', body: Buffer.from('read me') }] });
    const r = await judge(bytes);
    assert.equal(r.failure, null);
    assert.equal(r.packageId, `mycc:${sha(bytes)}`);
    const f = r.findings.find((x) => x.rule === 'PKG-03');
    assert.equal(f?.status, 'failed');
    assert.equal(f?.peerError, "Encountered unexpected file 'README' in top level of chaincode package");
  });

  it('P12: a plain tar is not gzip', async () => {
    const r = await judge(tarBytes([{ name: 'metadata.json', body: Buffer.from('{}') }]));
    assert.equal(r.failure?.peerError, `${PREFIX}error reading as gzip stream: gzip: invalid header`);
    assert.equal(r.failure?.rule, 'PKG-01');
  });

  it('P13: invalid labels', async () => {
    for (const label of ['a:b', '', '.x', '_x', 'é1', 'abc\n']) {
      const r = await judge(simplePackage({ metadata: JSON.stringify({ type: 'ccaas', label }) }));
      assert.equal(r.failure?.peerError, `${PREFIX}invalid label '${label}'${LABEL_TAIL}`, JSON.stringify(label));
      assert.equal(r.failure?.rule, 'PKG-06');
    }
  });

  it('P14: valid labels', async () => {
    for (const label of ['0', 'a-', 'a++b', 'v1.0.0', 'A_b.c+d-e']) {
      const r = await judge(simplePackage({ metadata: JSON.stringify({ type: 'ccaas', label }) }));
      assert.equal(r.failure, null, label);
      assert.ok(r.packageId?.startsWith(`${label}:`));
    }
  });

  it('P15: keys match case-insensitively', async () => {
    const r = await judge(simplePackage({ metadata: '{"LABEL":"x1","Type":"CCAAS"}' }));
    assert.equal(r.failure, null);
    assert.equal(r.label, 'x1');
    assert.equal(r.type, 'CCAAS');
  });

  it('P16-P19: metadata.json that Go does not decode', async () => {
    const cases: Array<[string | Buffer, string]> = [
      ['{"type":"ccaas","label":"x1"}x', 'could not unmarshal metadata.json as json: invalid character \'x\' after top-level value'],
      ['null', `invalid label ''${LABEL_TAIL}`],
      ['{"label":5}', 'could not unmarshal metadata.json as json: json: cannot unmarshal number into Go struct field ChaincodePackageMetadata.label of type string'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"label":"x1"}')]), 'could not unmarshal metadata.json as json: invalid character \'ï\' looking for beginning of value'],
    ];
    for (const [doc, want] of cases) {
      const r = await judge(simplePackage({ metadata: doc }));
      assert.equal(r.failure?.peerError, PREFIX + want);
    }
  });

  it('P20: two metadata.json: install uses the last label, builders get the first', async () => {
    const first = Buffer.from('{"type":"ccaas","label":"bad label"}');
    const second = Buffer.from('{"type":"x","label":"good"}');
    const bytes = gzipBytes(tarBytes([{ name: 'metadata.json', body: first }, { name: 'metadata.json', body: second }, { name: 'code.tar.gz', body: codeOf([conn]) }]));
    const r = await judge(bytes);
    assert.equal(r.failure, null);
    assert.equal(r.packageId, `good:${sha(bytes)}`);
    assert.deepEqual(r.builderInput?.metadataJson, first);
    assert.equal(status(r, 'PKG-11'), 'failed');
  });

  it('P21: an empty code.tar.gz fails the DB-artifact scan with EOF', async () => {
    const r = await judge(simplePackage({ code: Buffer.alloc(0) }));
    assert.equal(r.failure?.peerError, `${PREFIX}error retrieving DB artifacts from code package: EOF`);
    assert.equal(r.failure?.rule, 'PKG-08');
    assert.match(r.packageId ?? '', /^mycc:/, 'the parse got past the label: the ID is known');
    assert.equal(status(r, 'PKG-13'), 'failed');
  });

  it('P22: a plain-tar code.tar.gz fails the scan with gzip: invalid header', async () => {
    const r = await judge(simplePackage({ code: tarBytes([conn]) }));
    assert.equal(r.failure?.peerError, `${PREFIX}error retrieving DB artifacts from code package: gzip: invalid header`);
  });

  it('P23: gzip of zero bytes parses; the builders get an empty src', async () => {
    const r = await judge(simplePackage({ code: gzipSync(Buffer.alloc(0)) }));
    assert.equal(r.failure, null);
    const c = r.findings.find((f) => f.rule === 'CODE-01');
    assert.equal(c?.status, 'passed');
    assert.equal(c?.evidence?.['connectionJsonAtRoot'], false);
  });

  it('P24: a second install of the same bytes is answered "already successfully installed"', async () => {
    const r = await judge(simplePackage());
    const f = r.findings.find((x) => x.rule === 'PKG-10');
    assert.equal(f?.evidence?.['reinstall'], `chaincode already successfully installed (package ID '${r.packageId}')`);
  });

  it('P25: calculatepackageid on P21 prints the ID (no DB scan)', async () => {
    const bytes = simplePackage({ code: Buffer.alloc(0) });
    const c = await calculatePackageId(sc.file('p25.tgz', bytes));
    assert.equal(c.failure, null);
    assert.equal(c.packageId, `mycc:${sha(bytes)}`);
  });
});

describe('reference §9.2 extraction vectors (CODE)', () => {
  let m = 0;
  async function untar(entries: RawEntry[]): Promise<{ dest: string; r: Awaited<ReturnType<typeof untarCode>> }> {
    const file = sc.file(`c${m}.tar.gz`, codeOf(entries));
    const dest = join(sc.dir, `dest${m++}`);
    mkdirSync(dest);
    return { dest, r: await untarCode(file, dest) };
  }
  const inner = (r: Awaited<ReturnType<typeof untarCode>>): string => (r.ok ? '' : (r.failure.peerError ?? ''));

  it('C1: a symlink fails the build context', async () => {
    const { r } = await untar([conn, { name: 'l', type: '2', linkname: 'connection.json' }]);
    assert.equal(inner(r), "could not untar source package: invalid file type '50' contained in archive for file 'l'");
    assert.equal(untarChain("invalid file type '50' contained in archive for file 'l'"), "could not build chaincode: external builder failed: could not create build context: could not untar source package: invalid file type '50' contained in archive for file 'l'");
    assert.equal(r.ok ? null : r.failure.rule, 'CODE-03');
  });

  it('C2/C3: absolute and escaping paths; ..foo and a/../b are fine', async () => {
    assert.equal(inner((await untar([{ name: '/etc/x', body: Buffer.from('x') }])).r), "could not untar source package: tar contains the absolute or escaping path '/etc/x'");
    assert.equal(inner((await untar([{ name: 'a/../../x', body: Buffer.from('x') }])).r), "could not untar source package: tar contains the absolute or escaping path 'a/../../x'");
    const ok = await untar([{ name: '..foo', body: Buffer.from('1') }, { name: 'a/../b', body: Buffer.from('2') }]);
    assert.equal(ok.r.ok, true);
    assert.equal(readFileSync(join(ok.dest, 'b'), 'utf8'), '2');
    assert.equal(readFileSync(join(ok.dest, '..foo'), 'utf8'), '1');
  });

  it('C4: git archive (PAX global header) fails with type 103', async () => {
    const { r } = await untar([{ name: 'pax_global_header', type: 'g', body: paxRecords([['comment', 'abcdef']]) }, conn]);
    assert.equal(inner(r), "could not untar source package: invalid file type '103' contained in archive for file 'pax_global_header'");
  });

  it('C5: hard link 49, FIFO 54', async () => {
    assert.equal(inner((await untar([{ name: 'h', type: '1', linkname: 'connection.json' }])).r), "could not untar source package: invalid file type '49' contained in archive for file 'h'");
    assert.equal(inner((await untar([{ name: 'f', type: '6' }])).r), "could not untar source package: invalid file type '54' contained in archive for file 'f'");
  });

  it('C6: an empty file name is the destination itself', async () => {
    const { dest, r } = await untar([{ name: '', body: Buffer.from('x') }]);
    assert.equal(inner(r), `could not untar source package: could not create file '': open ${dest}: is a directory`);
  });

  it('C7: a second, shorter copy overwrites only a prefix', async () => {
    const { dest, r } = await untar([{ name: 'c', body: Buffer.from('LONGCONTENT') }, { name: 'c', body: Buffer.from('ab') }]);
    assert.equal(r.ok, true);
    assert.equal(readFileSync(join(dest, 'c'), 'utf8'), 'abNGCONTENT');
  });

  it('C8: setuid bits are dropped, 0000 stays unreadable (umask applies)', async () => {
    const umask = process.umask();
    const { dest, r } = await untar([{ name: 's', body: Buffer.from('x'), mode: 0o4777 }, { name: 'z', body: Buffer.from('y'), mode: 0 }]);
    assert.equal(r.ok, true);
    assert.equal(statSync(join(dest, 's')).mode & 0o7777, 0o777 & ~umask);
    assert.equal(statSync(join(dest, 'z')).mode & 0o7777, 0);
  });
});
