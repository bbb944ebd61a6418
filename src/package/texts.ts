/**
 * The peer's own words: how each layer wraps an error (reference §1, §2). Kept in one place so
 * every judge quotes the same chain.
 */

/** lifecycle.InstallChaincode wraps every parse error with this. */
export const PARSE_PREFIX = 'could not parse as a chaincode install package: ';
/** ...and every build error with this; the external-builder path adds the next two. */
export const BUILD_PREFIX = 'could not build chaincode: ';
export const EXTERNAL_BUILDER_PREFIX = 'external builder failed: ';
export const BUILD_CONTEXT_PREFIX = 'could not create build context: ';
export const UNTAR_PREFIX = 'could not untar source package: ';

export const text = {
  gzipOpen: (err: string): string => `error reading as gzip stream: ${err}`,
  nextHeader: (err: string): string => `error inspecting next tar header: ${err}`,
  notRegular: (name: string, type: number): string => `tar entry ${name} is not a regular file, type ${type}`,
  readEntry: (name: string, err: string): string => `could not read ${name} from tar: ${err}`,
  unmarshal: (err: string): string => `could not unmarshal metadata.json as json: ${err}`,
  noCode: (): string => 'did not find a code package inside the package',
  noMetadata: (): string => 'did not find any package metadata (missing metadata.json)',
  dbArtifacts: (err: string): string => `error retrieving DB artifacts from code package: ${err}`,
  unexpectedFile: (name: string): string => `Encountered unexpected file '${name}' in top level of chaincode package`,
  alreadyInstalled: (id: string): string => `chaincode already successfully installed (package ID '${id}')`,
  // externalbuilder.Untar
  nextTarElement: (err: string): string => `could not get next tar element: ${err}`,
  escapingPath: (name: string): string => `tar contains the absolute or escaping path '${name}'`,
  createDir: (name: string, err: string): string => `could not create directory '${name}': ${err}`,
  createFile: (name: string, err: string): string => `could not create file '${name}': ${err}`,
  invalidType: (type: number, name: string): string => `invalid file type '${type}' contained in archive for file '${name}'`,
};

/** The full client-visible chain for a build-context (untar) failure. */
export function untarChain(inner: string): string {
  return BUILD_PREFIX + EXTERNAL_BUILDER_PREFIX + BUILD_CONTEXT_PREFIX + UNTAR_PREFIX + inner;
}
