import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unmarshalAny, unmarshalStringMap, type GoAny, type GoMap } from '../gojson/index.js';
import { goClean as clean } from '../gopath/filepath.js';

/**
 * State-database index files in the code the builders receive (CODE-05..07):
 *  - where they must be for the built-in ccaas builder to release them (CODE-05);
 *  - whether CouchDB would accept them at deploy, where the peer only logs failures (CODE-06);
 *  - what `peer lifecycle chaincode package`'s metadata validator would say (CODE-07), the only
 *    place Fabric validates them, with its exact texts (including its crash on `null`).
 */

export interface IndexFile {
  /** Path relative to the extracted code root, `/`-separated (e.g. `META-INF/statedb/couchdb/indexes/a.json`). */
  readonly path: string;
  readonly bytes: Buffer;
  readonly truncated: boolean;
}

const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1 << 20;

/** Regular files under `<root>/<sub>` (no links followed), as IndexFiles. Hidden names skipped. */
export async function collectFiles(root: string, sub: string): Promise<IndexFile[]> {
  const out: IndexFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(join(root, rel));
    } catch {
      return;
    }
    names.sort();
    for (const n of names) {
      if (out.length >= MAX_FILES) return;
      if (n.startsWith('.')) continue;
      const r = `${rel}/${n}`;
      let st;
      try {
        st = await lstat(join(root, r));
      } catch {
        continue;
      }
      if (st.isDirectory()) await walk(r);
      else if (st.isFile()) {
        let bytes: Buffer;
        try {
          bytes = await readFile(join(root, r));
        } catch {
          bytes = Buffer.alloc(0);
        }
        out.push({ path: r, bytes: bytes.subarray(0, MAX_FILE_BYTES), truncated: bytes.length > MAX_FILE_BYTES });
      }
    }
  };
  await walk(sub);
  return out;
}

// ---- CODE-07: internal/ccmetadata ValidateMetadataFile ----

const INDEX_PATH = /^META-INF\/statedb\/couchdb\/indexes\/[^\n]*[.]json/;
const COLLECTION_INDEX_PATH = /^META-INF\/statedb\/couchdb\/collections\/[A-Za-z0-9_-]+\/indexes\/[^\n]*[.]json/;

/** buildMetadataFileErrorMessage: why a path is not one the validator handles. */
export function metadataPathError(p: string): string | null {
  if (INDEX_PATH.test(p) || COLLECTION_INDEX_PATH.test(p)) return null;
  const slash = p.lastIndexOf('/');
  const dir = p.slice(0, slash + 1);
  const file = p.slice(slash + 1);
  if (!p.startsWith('META-INF/statedb')) return `metadata file path must begin with META-INF/statedb, found: ${dir}`;
  const parts = clean(dir).split('/');
  if (parts.length < 4) return `metadata file path must include a database and index directory: ${dir}`;
  if (parts[2] !== 'couchdb') return `database name [${parts[2]}] is not supported, valid options: [couchdb]`;
  if (parts.length === 4 && parts[3] !== 'indexes') return `metadata file path does not have an indexes directory: ${dir}`;
  if (parts.length !== 6) return `metadata file path for collections must include a collections and index directory: ${dir}`;
  if (parts[3] !== 'collections' || parts[5] !== 'indexes') return `metadata file path for collections must have a collections and indexes directory: ${dir}`;
  if (!/^[A-Za-z0-9_-]+/.test(parts[4] as string)) return `collection name is not valid: ${parts[4]}`;
  if (!/^[^\n]*[.]json/.test(file)) return `artifact file name is not valid: ${file}`;
  return `metadata file path or name is not supported: ${dir}`;
}

/** One possible outcome of the validator (Go visits map keys in random order). */
export type ValidatorOutcome = { readonly kind: 'error'; readonly text: string } | { readonly kind: 'panic'; readonly text: string };

const PANIC = 'runtime error: invalid memory address or nil pointer dereference';

function isMap(v: GoAny): v is GoMap {
  return v instanceof Map;
}

/** The outcomes of validating one value of a map whose keys Go visits in random order. */
function anyOrder(results: ReadonlyArray<readonly ValidatorOutcome[]>): ValidatorOutcome[] {
  const out: ValidatorOutcome[] = [];
  for (const r of results) for (const o of r) if (!out.some((x) => x.kind === o.kind && x.text === o.text)) out.push(o);
  return out;
}

function validateFieldMap(m: GoMap): ValidatorOutcome[] {
  return anyOrder([...m.values()].map((v) => {
    if (typeof v === 'string') {
      const jv = v.toLowerCase();
      return jv === 'asc' || jv === 'desc' ? [] : [{ kind: 'error', text: `Sort must be either "asc" or "desc".  "${v}" was found.` }];
    }
    return [{ kind: 'error', text: 'Invalid field definition, fields must be in the form "fieldname":"sort"' }];
  }));
}

function processIndexMap(m: GoMap): ValidatorOutcome[] {
  return anyOrder([...m.entries()].map(([k, v]): ValidatorOutcome[] => {
    if (k === 'fields') {
      if (!Array.isArray(v)) return [{ kind: 'error', text: 'Expecting a JSON array of fields' }];
      for (const item of v) {
        if (item === null) return [{ kind: 'panic', text: PANIC }];
        if (isMap(item)) {
          const r = validateFieldMap(item);
          if (r.length > 0) return r;
        }
      }
      return [];
    }
    if (k === 'partial_filter_selector') return [];
    return [{ kind: 'error', text: `Invalid Entry.  Entry ${k}` }];
  }));
}

function validateIndexJson(m: GoMap | null): ValidatorOutcome[] {
  const entries = m ? [...m.entries()] : [];
  const results = entries.map(([k, v]): ValidatorOutcome[] => {
    switch (k) {
      case 'index':
        if (v === null) return [{ kind: 'panic', text: PANIC }];
        if (!isMap(v)) return [{ kind: 'error', text: 'Invalid entry, "index" must be a JSON' }];
        return processIndexMap(v);
      case 'ddoc':
      case 'name':
        if (v === null) return [{ kind: 'panic', text: PANIC }];
        return typeof v === 'string' ? [] : [{ kind: 'error', text: `Invalid entry, "${k}" must be a string` }];
      case 'type':
        return v === 'json' ? [] : [{ kind: 'error', text: 'Index type must be json' }];
      default:
        return [{ kind: 'error', text: `Invalid Entry.  Entry ${k}` }];
    }
  });
  const out = anyOrder(results);
  if (out.length === 0 && !entries.some(([k]) => k === 'index')) out.push({ kind: 'error', text: 'Index definition must include a "fields" definition' });
  return out;
}

/**
 * ValidateMetadataFile(path, bytes) as the CLI packager runs it: the possible outcomes (empty when
 * the file passes; more than one when Go's random map order decides which error is reported).
 */
export function validateMetadataFile(path: string, bytes: Uint8Array): ValidatorOutcome[] {
  const pe = metadataPathError(path);
  if (pe !== null) return [{ kind: 'error', text: pe }];
  const m = unmarshalStringMap(bytes);
  if (!m.ok) return [{ kind: 'error', text: `Index metadata file [${path}] is not a valid JSON` }];
  return validateIndexJson(m.value).map((o) => (o.kind === 'panic' ? o : { kind: 'error', text: `Index metadata file [${path}] is not a valid index definition: ${o.text}` }));
}

// ---- CODE-06: what CouchDB's create-index API needs ----

/** Why CouchDB would reject this index at deploy (the peer only logs it), or null. */
export function couchdbIndexProblem(bytes: Uint8Array): string | null {
  const r = unmarshalAny(bytes);
  if (!r.ok) return `not JSON (${r.error})`;
  const v = r.value as GoAny;
  if (!isMap(v)) return 'not a JSON object';
  const index = v.get('index');
  if (index === undefined || !isMap(index)) return 'no "index" object';
  const fields = index.get('fields');
  if (!Array.isArray(fields) || fields.length === 0) return '"index.fields" is not a non-empty array';
  return null;
}

// ---- CODE-05: where the ccaas builder and the peer take index files from ----

export type IndexPlace = 'chaincode-index' | 'collection-index' | 'statedb-other' | 'meta-inf-other';

export function classifyIndexPath(p: string): IndexPlace {
  const parts = p.split('/');
  if (parts[0] !== 'META-INF' || parts[1] !== 'statedb') return 'meta-inf-other';
  if (parts[2] === 'couchdb' && parts[3] === 'indexes' && parts.length >= 5) return 'chaincode-index';
  if (parts[2] === 'couchdb' && parts[3] === 'collections' && parts[5] === 'indexes' && parts.length >= 7) return 'collection-index';
  return 'statedb-other';
}
