import type { Rule } from './types.js';

const PERSISTENCE = 'core/chaincode/persistence/chaincode_package.go';

/** PKG: the chaincode install package as `_lifecycle InstallChaincode` parses it (reference §1). */
export const PKG_RULES: readonly Rule[] = [
  {
    id: 'PKG-01', family: 'PKG', level: 'MUST', confidence: 'settled',
    title: 'The package is a gzip-compressed tar stream',
    peer: 'ParseChaincodePackage opens the bytes with Go gzip.NewReader then tar.NewReader; a gzip failure is `error reading as gzip stream: <err>` (`EOF` for 0 bytes, `unexpected EOF` for 1-9, `gzip: invalid header`), a tar failure `error inspecting next tar header: <err>`, a failure inside an entry `could not read <name> from tar: <err>`. Corrupt deflate data gives `flate: corrupt input before offset N`, N counted from the start of the gzip member\'s compressed data.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ParseChaincodePackage'] }],
    remedy: 'Package with `tar -czf pkg.tgz metadata.json code.tar.gz` (no directory, no `./` entry), or with `ccaas-conformance package`.',
    settledBy: 'Differential tests against Go 1.26 compress/gzip + archive/tar (test/oracle mode `package`, 2,000 generated packages per CI run, 30,000 in a soak) and reading of the stdlib readers. Concatenated gzip members are one stream (accepted). When the tar end marker (two zero blocks) is reached, nothing after it is read: trailing garbage, a bad CRC/size or a truncated trailer go unnoticed. Without an end marker, Go checks the trailer and reads the next member header in the same Read that returns the last data: 10+ garbage bytes `gzip: invalid header`, 1-9 bytes `unexpected EOF`, bad CRC/size `gzip: invalid checksum`; io.ReadFull drops it when it completes a header block, so it surfaces at the next header (`error inspecting next tar header: ...`), except when the last read is an entry body ending exactly at the end of the data with a non-empty final deflate chunk, which gives `could not read <name> from tar: ...`. A stream ending on an entry boundary, or inside the last entry\'s padding, is a clean end; one zero block then EOF is a clean end; a zero block followed by a non-zero block, or a bad header checksum, is `archive/tar: invalid tar header`. The flate offset N is the count of compressed bytes the decoder consumed in the current member (its position when it detected the fault), reproduced by a Go-exact inflater.',
  },
  {
    id: 'PKG-02', family: 'PKG', level: 'MUST', confidence: 'fabric',
    title: 'Every top-level tar entry is a regular file',
    peer: 'Any entry whose type is not regular fails the parse at once: `tar entry <name> is not a regular file, type <decimal type byte>` (53 directory, 50 symlink, 103 PAX global header).',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ParseChaincodePackage'] }],
    remedy: 'Name the two files explicitly when you tar (`tar -czf pkg.tgz metadata.json code.tar.gz`); never `tar -C dir .`, which adds a `./` directory entry; do not use `git archive` (PAX global header).',
  },
  {
    id: 'PKG-03', family: 'PKG', level: 'SHOULD', confidence: 'fabric',
    title: 'Only metadata.json and code.tar.gz at the top level, named exactly',
    peer: 'Names are compared byte for byte; any other regular file logs `Encountered unexpected file \'<name>\' in top level of chaincode package` and is ignored, but its bytes still change the package ID.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ParseChaincodePackage'] }],
    remedy: 'Keep exactly two entries, `metadata.json` and `code.tar.gz`, without a `./` prefix.',
  },
  {
    id: 'PKG-04', family: 'PKG', level: 'MUST', confidence: 'fabric',
    title: 'Both code.tar.gz and metadata.json are present',
    peer: 'After the loop: no `code.tar.gz` → `did not find a code package inside the package`; else no `metadata.json` → `did not find any package metadata (missing metadata.json)`.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ParseChaincodePackage'] }],
    remedy: 'Add the missing file at the top level of the outer archive, without a `./` prefix.',
  },
  {
    id: 'PKG-05', family: 'PKG', level: 'MUST', confidence: 'fabric',
    title: 'metadata.json decodes as Go JSON into {type, path, label} strings',
    peer: 'Go json.Unmarshal into ChaincodePackageMetadata; failure → `could not unmarshal metadata.json as json: <json error>` (trailing data, BOM and non-string values are errors; keys match case-insensitively; the last duplicate wins).',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ChaincodePackageMetadata', 'ParseChaincodePackage'] }],
    remedy: 'Write metadata.json as one JSON object of strings, e.g. `{"type":"ccaas","label":"mycc"}`, UTF-8 without BOM.',
  },
  {
    id: 'PKG-06', family: 'PKG', level: 'MUST', confidence: 'fabric',
    title: 'The label matches ^[[:alnum:]][[:alnum:]_.+-]*$',
    peer: 'ValidateLabel (ASCII alnum, end of text only): `invalid label \'<label>\'. Label must be non-empty, can only consist of alphanumerics, symbols from \'.+-_\', and can only begin with alphanumerics`.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ValidateLabel', 'LabelRegexp'] }],
    remedy: 'Use a label of ASCII letters, digits and `._+-`, starting with a letter or digit (e.g. `mycc_1.0`).',
  },
  {
    id: 'PKG-07', family: 'PKG', level: 'MUST', confidence: 'fabric',
    title: 'The package ID is label:sha256(whole file)',
    peer: 'packageID = label + ":" + lowercase hex SHA-256 of the entire installed .tar.gz; any byte difference gives a different ID.',
    source: [{ repo: 'fabric', path: 'core/chaincode/persistence/persistence.go', symbols: ['PackageID'] }],
    remedy: 'Start the chaincode server with exactly this package ID (CHAINCODE_ID / CORE_CHAINCODE_ID_NAME); never re-tar the package after computing it.',
  },
  {
    id: 'PKG-08', family: 'PKG', level: 'MUST', confidence: 'settled',
    title: 'code.tar.gz is a readable gzip+tar stream (install-time DB artifact scan)',
    peer: 'MetadataAsTarEntries reads the whole LAST code.tar.gz and copies every `META-INF/statedb/` entry into a new tar with Go\'s tar writer; errors are `error retrieving DB artifacts from code package: <err>` (e.g. `EOF` for an empty file, `gzip: invalid header`, `archive/tar: invalid tar header`, and the tar writer\'s `archive/tar: cannot encode header: filename may not have trailing slash` for a regular, FIFO or device entry under META-INF/statedb/ whose name ends in `/`).',
    source: [{ repo: 'fabric', path: 'core/common/ccprovider/targzmetadataprovider.go', symbols: ['MetadataAsTarEntries'] }],
    remedy: 'Make code.tar.gz a gzip-compressed tar of plain files (`tar -czf code.tar.gz connection.json META-INF`), without names ending in `/` except directories.',
    settledBy: 'Differential tests against Go 1.26 (test/oracle mode `package` runs the scan with Go\'s own tar reader and writer). Found: the writer refuses a non-directory entry whose name ends in `/` (`filename may not have trailing slash`), and `header field too long` when the re-encoded PAX records pass 1 MiB; entries outside `META-INF/statedb/` (including `./META-INF/statedb/...`) are skipped unread, so their faults surface only if they break the stream itself. Trailer faults after the tar end marker go unnoticed, as in PKG-01.',
  },
  {
    id: 'PKG-09', family: 'PKG', level: 'SHOULD', confidence: 'code',
    title: 'The stored package file name',
    peer: 'The peer stores the package as `<label>.<sha256hex>.tar.gz` under `<peer fs>/lifecycle/chaincodes` and lists installed packages from these names.',
    source: [{ repo: 'fabric', path: 'core/chaincode/persistence/persistence.go', symbols: ['CCFileName', 'Store.Save'] }],
    remedy: 'Nothing to do; shown so operators can find the file on a peer.',
  },
  {
    id: 'PKG-10', family: 'PKG', level: 'MUST', confidence: 'code',
    title: 'Install parses, stores, then builds; errors are wrapped',
    peer: 'Parse errors are prefixed `could not parse as a chaincode install package: `, build errors `could not build chaincode: `; a failed build deletes the stored package.',
    source: [{ repo: 'fabric', path: 'core/chaincode/lifecycle/lifecycle.go', symbols: ['InstallChaincode'] }],
    remedy: 'Fix the first failing rule; the peer reports only that one.',
  },
  {
    id: 'PKG-11', family: 'PKG', level: 'SHOULD', confidence: 'fabric',
    title: 'No duplicate metadata.json or code.tar.gz entries',
    peer: 'The install parse keeps the LAST metadata.json (label, package ID) and code.tar.gz (DB scan), but builders receive the FIRST of each.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ChaincodePackageStreamer.File', 'MetadataBytes'] }],
    remedy: 'Keep exactly one entry of each name.',
  },
  {
    id: 'PKG-12', family: 'PKG', level: 'SHOULD', confidence: 'replica',
    title: 'Package bytes are reproducible',
    peer: 'The package ID hashes every byte; gzip mtime/OS bytes, tar owners, mtimes and modes differ between tools, so two people packaging the same connection.json get two package IDs.',
    source: [{ repo: 'fabric', path: 'internal/peer/lifecycle/chaincode/package.go', symbols: ['getTarGzBytes'] }],
    remedy: 'Package once and distribute the file, or use `ccaas-conformance package`, whose bytes depend only on its inputs.',
  },
  {
    id: 'PKG-13', family: 'PKG', level: 'SHOULD', confidence: 'fabric',
    title: 'calculatepackageid agrees with install',
    peer: '`peer lifecycle chaincode calculatepackageid` runs the parse without the DB artifact scan (PKG-08), so it prints an ID for packages that install rejects.',
    source: [{ repo: 'fabric', path: 'internal/peer/lifecycle/chaincode/calculatepackageid.go', symbols: ['PackageID'] }],
    remedy: 'Do not rely on calculatepackageid alone; check code.tar.gz as install does.',
  },
  {
    id: 'PKG-15', family: 'PKG', level: 'MUST', confidence: 'code',
    title: 'The package fits in one gRPC message (100 MiB by default)',
    peer: 'The package travels inside the InstallChaincode SignedProposal; the peer\'s gRPC server refuses messages over `peer.maxRecvMsgSize` (default 104857600 bytes) with `grpc: received message larger than max (<n> vs. 104857600)` before _lifecycle sees them, and the peer CLI refuses to send them.',
    source: [{ repo: 'fabric', path: 'core/peer/config.go', symbols: ['GetServerConfig'] }, { repo: 'fabric', path: 'internal/pkg/comm/config.go', symbols: ['DefaultMaxRecvMsgSize'] }],
    remedy: 'Keep the package small: a CCaaS package needs only connection.json and index files; or raise peer.maxRecvMsgSize on every peer.',
  },
  {
    id: 'PKG-16', family: 'PKG', level: 'SHOULD', confidence: 'code',
    title: 'The package stays within the harness\'s resource limits',
    peer: 'The peer has no limits: it reads the whole package and every top-level entry into memory (io.ReadAll), decompresses code.tar.gz completely at install, and extracts it completely for the builders, so a decompression bomb or an archive with a huge number of entries exhausts its memory, CPU or disk. The harness stops at its configured caps instead and reports this finding.',
    source: [{ repo: 'fabric', path: PERSISTENCE, symbols: ['ParseChaincodePackage'] }, { repo: 'fabric', path: 'core/common/ccprovider/targzmetadataprovider.go', symbols: ['MetadataAsTarEntries'] }],
    remedy: 'Remove what makes the archive explode (zero-filled or highly repetitive files, huge numbers of entries); a CCaaS package needs only connection.json and index files. Raise the harness limits only for a package you trust.',
  },
];
