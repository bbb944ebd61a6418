import type { Rule } from './types.js';

const TAR = 'core/container/externalbuilder/tar.go';

/** CODE: extraction of code.tar.gz for builders, and index metadata (reference §2). */
export const CODE_RULES: readonly Rule[] = [
  {
    id: 'CODE-01', family: 'CODE', level: 'MUST', confidence: 'settled',
    title: 'code.tar.gz extracts for the builders',
    peer: 'For a fresh external build the peer untars code.tar.gz into <scratch>/src; failures are `could not build chaincode: external builder failed: could not create build context: could not untar source package: <err>`, where <err> is the raw gzip error, `could not get next tar element: <tar err>`, `could not create directory \'<name>\': mkdir <path>: <errno>`, `could not create file \'<name>\': open <path>: <errno>`, or the raw error of the data copy (`unexpected EOF`, `gzip: invalid checksum`, `flate: corrupt input before offset N`, sparse-file errors).',
    settledBy: 'Differential tests against Go 1.26 (test/oracle mode `untar`: same errors and the same extracted tree, modes and contents, 2,000 generated code archives per CI run, 30,000 in a soak). Corrupt-stream faults follow the same Go read semantics as PKG-01; a data-copy error is returned unwrapped, a fault found while looking for the next header is wrapped `could not get next tar element: `.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/externalbuilder.go', symbols: ['NewBuildContext'] }, { repo: 'fabric', path: TAR, symbols: ['Untar'] }],
    remedy: 'Create code.tar.gz with `tar -czf code.tar.gz -C src connection.json META-INF` from plain files.',
  },
  {
    id: 'CODE-02', family: 'CODE', level: 'MUST', confidence: 'fabric',
    title: 'No absolute or escaping paths in code.tar.gz',
    peer: 'After filepath.Clean a name must not be absolute, `..` or start with `../`: `tar contains the absolute or escaping path \'<name>\'`.',
    source: [{ repo: 'fabric', path: TAR, symbols: ['ValidPath'] }],
    remedy: 'Build code.tar.gz from inside the source folder with relative names.',
  },
  {
    id: 'CODE-03', family: 'CODE', level: 'MUST', confidence: 'fabric',
    title: 'code.tar.gz holds only directories and regular files',
    peer: 'Symlinks, hard links, devices, FIFOs and PAX global headers fail: `invalid file type \'<decimal>\' contained in archive for file \'<name>\'`.',
    source: [{ repo: 'fabric', path: TAR, symbols: ['Untar'] }],
    remedy: 'Replace links with copies (`tar --dereference`); do not use `git archive`.',
  },
  {
    id: 'CODE-04', family: 'CODE', level: 'SHOULD', confidence: 'code',
    title: 'Builders get the first metadata.json verbatim',
    peer: '<scratch>/metadata/metadata.json holds the raw bytes of the first metadata.json entry; scratch dirs are 0700 under $TMPDIR and removed after the build.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/externalbuilder.go', symbols: ['NewBuildContext'] }],
    remedy: 'Do not rely on files the builder writes outside its output directories.',
  },
  {
    id: 'CODE-05', family: 'CODE', level: 'SHOULD', confidence: 'code',
    title: 'CouchDB indexes are taken from the release directory',
    peer: 'For externally built chaincode the peer uses the whole release tree, prefixed META-INF/, as DB artifacts; META-INF/statedb in code.tar.gz is used only if the builder releases it to release/statedb.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/metadataprovider.go', symbols: ['PackageMetadata'] }],
    remedy: 'With the built-in ccaas builder put indexes under META-INF/statedb/couchdb/indexes in code.tar.gz; with your own builder copy them to $RELEASE/statedb/couchdb/indexes.',
  },
  {
    id: 'CODE-06', family: 'CODE', level: 'SHOULD', confidence: 'code',
    title: 'Index files are valid CouchDB index definitions',
    peer: 'Every file under statedb/couchdb/indexes (and collections/<c>/indexes) is sent to CouchDB at deploy; errors are only logged, so a bad index silently does not exist.',
    source: [{ repo: 'fabric', path: 'core/ledger/kvledger/txmgmt/statedb/statecouchdb/statecouchdb.go', symbols: ['ProcessIndexesForChaincodeDeploy'] }],
    remedy: 'Validate each index as JSON `{"index":{"fields":[...]},"ddoc":"...","name":"...","type":"json"}`.',
  },
  {
    id: 'CODE-07', family: 'CODE', level: 'SHOULD', confidence: 'replica',
    title: 'Index files pass the CLI packager\'s metadata validation',
    peer: 'Only `peer lifecycle chaincode package` validates index paths and contents (and panics on null values); the peer never does.',
    source: [{ repo: 'fabric', path: 'internal/ccmetadata/validators.go', symbols: ['ValidateMetadataFile'] }],
    remedy: 'Keep index paths as META-INF/statedb/couchdb/indexes/<name>.json with only index/ddoc/name/type keys.',
  },
];
