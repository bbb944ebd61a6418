import type { Rule } from './types.js';

const EXTB = 'core/container/externalbuilder/externalbuilder.go';

/** BLD: the external builder contract (reference §3). */
export const BLD_RULES: readonly Rule[] = [
  {
    id: 'BLD-01', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'chaincode.externalBuilders entries have a path and a name',
    peer: 'At start: `invalid external builder configuration, path attribute missing in one or more builders`; `external builder at path <path> has no name attribute`. Relative paths and missing directories are accepted.',
    source: [{ repo: 'fabric', path: 'core/peer/config.go', symbols: ['ExternalBuilder', 'Config.load'] }],
    remedy: 'Give every builder a `name` and an absolute `path` that exists in the peer image.',
  },
  {
    id: 'BLD-02', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'bin/detect and bin/build are executables the peer can exec',
    peer: 'Programs are started directly with execve: they need the executable bit and a working #! interpreter in the peer\'s image.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['NewCommand', 'Builder.Detect', 'Builder.Build'] }],
    remedy: '`chmod +x bin/*`, use LF line endings and an interpreter the peer image has (`#!/bin/sh`).',
  },
  {
    id: 'BLD-03', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'Programs use the peer\'s arguments',
    peer: 'detect SRC META; build SRC META BLD; release BLD RELEASE; run BLD RUN_METADATA. Nothing on stdin; no package ID except in the scratch directory name.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['Builder.Detect', 'Builder.Build', 'Builder.Release', 'Builder.Run'] }],
    remedy: 'Read inputs from the argument directories only.',
  },
  {
    id: 'BLD-04', family: 'BLD', level: 'SHOULD', confidence: 'code',
    title: 'Builders log to stderr in lines under 64 KiB',
    peer: 'stdout is discarded; stderr is logged line by line; a line over 64 KiB stops the log copy and can hang the builder on a full pipe.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/session.go', symbols: ['Start', 'waitForExit'] }],
    remedy: 'Write diagnostics to stderr, in short lines.',
  },
  {
    id: 'BLD-05', family: 'BLD', level: 'SHOULD', confidence: 'code',
    title: 'Builders need only propagated environment variables',
    peer: 'The environment holds only propagateEnvironment names plus LD_LIBRARY_PATH, LIBPATH, PATH, TMPDIR (if set); if none is set Go passes the whole environment.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['DefaultPropagateEnvironment', 'NewCommand'] }],
    remedy: 'List every variable a builder reads (e.g. CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG) in propagateEnvironment.',
  },
  {
    id: 'BLD-06', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'A builder detects the package and builds it',
    peer: 'Builders are tried in order; the first detect exiting 0 builds. None → docker fallback (`docker build failed: docker build is disabled`). A failing build → `external builder \'<name>\' failed: exit status <n>`.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['Detector.detect', 'Builder.Build', 'Builder.Release'] }, { repo: 'fabric', path: 'core/container/container.go', symbols: ['Router.Build'] }],
    remedy: 'Check the detect condition against metadata.json (the ccaas builder needs type `ccaas`) and the build\'s stderr.',
  },
  {
    id: 'BLD-07', family: 'BLD', level: 'SHOULD', confidence: 'code',
    title: 'Builders finish promptly',
    peer: 'The peer never times out builder processes; an install waits at most max(installTimeout, executetimeout) while a hung build keeps running.',
    source: [{ repo: 'fabric', path: 'core/chaincode/chaincode_support.go', symbols: ['executeTimeout'] }],
    remedy: 'Do no network I/O or waiting in builders.',
  },
  {
    id: 'BLD-08', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'Build output is persisted',
    peer: 'After build and release succeed the peer writes build-info.json and copies release and bld to durable storage.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['Detector.Build', 'SanitizeCCIDPath'] }],
    remedy: 'Nothing to do unless the copy fails (BLD-09).',
  },
  {
    id: 'BLD-09', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'Release and build output hold no absolute/escaping symlinks or special files',
    peer: 'CopyDir refuses `absolute symlink`, `symlink ... pointing outside of source root` and `unsupported file`, failing the install.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/copy.go', symbols: ['CopyDir'] }],
    remedy: 'Copy files into release instead of linking them.',
  },
  {
    id: 'BLD-10', family: 'BLD', level: 'SHOULD', confidence: 'code',
    title: 'Cached builds are restored by builder name',
    peer: 'A persisted build is reused without re-running the builder; a renamed builder fails `chaincode \'<id>\' was already built with builder \'<name>\', but that builder is no longer available`.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['Detector.CachedBuild'] }],
    remedy: 'Do not rename builders on peers with installed chaincode; delete the durable build dir to force a rebuild.',
  },
  {
    id: 'BLD-12', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'Install-time builder error chains',
    peer: '`could not build chaincode: external builder failed: external builder failed to build: external builder \'<name>\' failed: exit status <n>` and the release variant.',
    source: [{ repo: 'fabric', path: 'core/chaincode/lifecycle/lifecycle.go', symbols: ['InstallChaincode'] }],
    remedy: 'Read the builder\'s stderr in the report.',
  },
  {
    id: 'BLD-13', family: 'BLD', level: 'MUST', confidence: 'code',
    title: 'Without connection.json the peer runs bin/run',
    peer: 'When release/chaincode/server/connection.json is absent the peer starts bin/run with chaincode.json; the package is not chaincode-as-a-service.',
    source: [{ repo: 'fabric', path: EXTB, symbols: ['Builder.Run', 'runConfig'] }],
    remedy: 'For CCaaS make release write chaincode/server/connection.json.',
  },
  {
    id: 'BLD-14', family: 'BLD', level: 'SHOULD', confidence: 'code',
    title: 'The release directory holds only what the peer reads',
    peer: 'The peer reads chaincode/server/connection.json and uses the whole tree as DB artifacts; nothing else.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/instance.go', symbols: ['ChaincodeServerInfo'] }],
    remedy: 'Release only connection.json and statedb indexes.',
  },
  {
    id: 'BLD-15', family: 'BLD', level: 'MUST', confidence: 'replica',
    title: 'The built-in ccaas builder accepts the package',
    peer: 'detect: metadata type lower-cased equals `ccaas`; build: needs SRC/connection.json, templates string fields; release: copies connection.json to chaincode/server and META-INF/statedb to statedb.',
    source: [{ repo: 'fabric', path: 'ccaas_builder/cmd/detect/main.go' }, { repo: 'fabric', path: 'ccaas_builder/cmd/build/main.go' }, { repo: 'fabric', path: 'ccaas_builder/cmd/release/main.go' }],
    remedy: 'Set metadata type `ccaas` and put connection.json at the root of code.tar.gz.',
  },
];
