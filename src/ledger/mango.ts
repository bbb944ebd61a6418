/**
 * CouchDB Mango queries over the mock ledger's documents, as the peer runs them for
 * GET_QUERY_RESULT with `--state-db couchdb`: `selector` (with CouchDB's operators and
 * collation), `fields`, `sort`, `skip`, `bookmark`; `limit` is accepted and, as the peer does
 * (statecouchdb applyAdditionalQueryOptions), overridden; `use_index` is accepted. Anything else
 * is reported as unsupported, never silently ignored.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface MangoDoc {
  readonly key: string;
  /** The document's fields (empty for values stored as attachments, i.e. not JSON objects). */
  readonly fields: Obj | null;
  readonly value: Uint8Array;
}

export interface MangoQuery {
  readonly selector: Obj;
  readonly fields: readonly string[] | null;
  readonly sort: ReadonlyArray<{ readonly field: string; readonly desc: boolean }>;
  readonly skip: number;
  /** Notes for the transcript: what the real peer/CouchDB would do differently or additionally. */
  readonly notes: readonly string[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const KNOWN = new Set(['selector', 'fields', 'sort', 'limit', 'skip', 'bookmark', 'use_index']);

export function parseMango(query: string): Parsed<MangoQuery> {
  let q: unknown;
  try {
    q = JSON.parse(query);
  } catch (e) {
    return { ok: false, error: `the query is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (q === null || typeof q !== 'object' || Array.isArray(q)) return { ok: false, error: 'the query must be a JSON object' };
  const o = q as Obj;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) return { ok: false, error: `mango query field "${k}" is not supported by this mock peer` };
  const sel = o['selector'];
  if (sel === undefined) return { ok: false, error: 'mango query has no "selector" (CouchDB requires one)' };
  if (sel === null || typeof sel !== 'object' || Array.isArray(sel)) return { ok: false, error: '"selector" must be a JSON object' };
  const notes: string[] = [];
  let fields: string[] | null = null;
  if (o['fields'] !== undefined) {
    // statecouchdb: `fields definition must be an array`
    if (!Array.isArray(o['fields'])) return { ok: false, error: 'fields definition must be an array' };
    fields = [];
    for (const f of o['fields']) {
      if (typeof f !== 'string') return { ok: false, error: '"fields" entries must be strings' };
      fields.push(f);
    }
  }
  const sort: Array<{ field: string; desc: boolean }> = [];
  if (o['sort'] !== undefined) {
    if (!Array.isArray(o['sort'])) return { ok: false, error: '"sort" must be an array' };
    for (const s of o['sort']) {
      if (typeof s === 'string') sort.push({ field: s, desc: false });
      else if (s && typeof s === 'object' && !Array.isArray(s) && Object.keys(s).length === 1) {
        const [field, dir] = Object.entries(s)[0] as [string, Json];
        if (dir !== 'asc' && dir !== 'desc') return { ok: false, error: `sort direction for "${field}" must be "asc" or "desc"` };
        sort.push({ field, desc: dir === 'desc' });
      } else return { ok: false, error: '"sort" entries must be field names or {"field": "asc"|"desc"}' };
    }
    if (sort.length > 0) notes.push('CouchDB needs an index covering the sort fields (META-INF/statedb/couchdb/indexes); the mock peer sorts without checking for one');
  }
  let skip = 0;
  if (o['skip'] !== undefined) {
    if (typeof o['skip'] !== 'number' || !Number.isInteger(o['skip']) || o['skip'] < 0) return { ok: false, error: '"skip" must be a non-negative integer' };
    skip = o['skip'];
  }
  if (o['limit'] !== undefined) notes.push('the peer overrides the query\'s "limit" with its internal query limit (use pagination to limit results)');
  if (o['bookmark'] !== undefined) notes.push('the peer replaces a "bookmark" in the query with the one from the pagination metadata');
  const bad = checkSelector(sel as Obj);
  if (bad) return { ok: false, error: bad };
  return { ok: true, value: { selector: sel as Obj, fields, sort, skip, notes } };
}

const COMBINATION = new Set(['$and', '$or', '$nor', '$not']);
const CONDITION = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$exists', '$type', '$in', '$nin', '$size', '$mod', '$regex', '$all', '$elemMatch', '$allMatch']);

function checkSelector(sel: Obj): string | null {
  for (const [k, v] of Object.entries(sel)) {
    if (k.startsWith('$')) {
      if (!COMBINATION.has(k) && !CONDITION.has(k)) return `selector operator ${k} is not supported by this mock peer`;
      if (k === '$not') {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return '$not takes a selector object';
        const e = checkSelector(v);
        if (e) return e;
      } else if (COMBINATION.has(k)) {
        if (!Array.isArray(v)) return `${k} takes an array of selectors`;
        for (const s of v) {
          if (s === null || typeof s !== 'object' || Array.isArray(s)) return `${k} takes an array of selectors`;
          const e = checkSelector(s);
          if (e) return e;
        }
      } else if (k === '$elemMatch' || k === '$allMatch') {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${k} takes a selector object`;
        const e = checkSelector(v);
        if (e) return e;
      }
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const e = checkSelector(v);
      if (e) return e;
    }
  }
  return null;
}

/** CouchDB collation: null < false < true < numbers < strings (ICU) < arrays < objects. */
function rank(v: Json | undefined): number {
  if (v === null || v === undefined) return 0;
  if (v === false) return 1;
  if (v === true) return 2;
  if (typeof v === 'number') return 3;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 5;
  return 6;
}

// made on first use: creating a collator loads ICU's collation data (about 10 ms), which a run
// without a rich query never needs
let collatorMade: Intl.Collator | null = null;
const collator = { compare: (a: string, b: string): number => (collatorMade ??= new Intl.Collator('en', { sensitivity: 'variant' })).compare(a, b) };

export function collate(a: Json | undefined, b: Json | undefined): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = collate(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = collator.compare(ka[i] as string, kb[i] as string) || collate((a as Obj)[ka[i] as string], (b as Obj)[kb[i] as string]);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

function get(doc: Obj, path: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[part];
  }
  return cur;
}

function typeOf(v: Json | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function condition(op: string, arg: Json, v: Json | undefined): boolean {
  switch (op) {
    case '$eq':
      return v !== undefined && collate(v, arg) === 0;
    case '$ne':
      return v !== undefined && collate(v, arg) !== 0;
    case '$gt':
      return v !== undefined && collate(v, arg) > 0;
    case '$gte':
      return v !== undefined && collate(v, arg) >= 0;
    case '$lt':
      return v !== undefined && collate(v, arg) < 0;
    case '$lte':
      return v !== undefined && collate(v, arg) <= 0;
    case '$exists':
      return (v !== undefined) === (arg === true);
    case '$type':
      return v !== undefined && typeOf(v) === arg;
    case '$in':
      return v !== undefined && Array.isArray(arg) && arg.some((a) => collate(a, v) === 0 || (Array.isArray(v) && v.some((e) => collate(e, a) === 0)));
    case '$nin':
      return v !== undefined && Array.isArray(arg) && !arg.some((a) => collate(a, v) === 0);
    case '$size':
      return Array.isArray(v) && v.length === arg;
    case '$mod':
      return typeof v === 'number' && Number.isInteger(v) && Array.isArray(arg) && typeof arg[0] === 'number' && typeof arg[1] === 'number' && arg[0] !== 0 && v % arg[0] === arg[1];
    case '$regex':
      return typeof v === 'string' && typeof arg === 'string' && new RegExp(arg).test(v);
    case '$all':
      return Array.isArray(v) && Array.isArray(arg) && arg.every((a) => v.some((e) => collate(e, a) === 0));
    case '$elemMatch':
      return Array.isArray(v) && v.some((e) => matchValue(arg as Obj, e));
    case '$allMatch':
      return Array.isArray(v) && v.length > 0 && v.every((e) => matchValue(arg as Obj, e));
    default:
      return false;
  }
}

/** A field's condition object ({"$gt": 1, ...}) or an implicit equality, applied to one value. */
function matchValue(cond: Json, v: Json | undefined): boolean {
  if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
    const entries = Object.entries(cond);
    if (entries.length > 0 && entries.every(([k]) => k.startsWith('$'))) {
      return entries.every(([op, arg]) => (COMBINATION.has(op) ? matchSelector({ [op]: arg }, v) : condition(op, arg, v)));
    }
    // a nested object is a sub-selector over the value's fields
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return entries.length === 0 ? v !== undefined : false;
    return matchSelector(cond, v);
  }
  return v !== undefined && collate(v, cond) === 0;
}

function matchSelector(sel: Obj, doc: Json | undefined): boolean {
  for (const [k, arg] of Object.entries(sel)) {
    if (k === '$and') {
      if (!(arg as Obj[]).every((s) => matchSelector(s, doc))) return false;
    } else if (k === '$or') {
      if (!(arg as Obj[]).some((s) => matchSelector(s, doc))) return false;
    } else if (k === '$nor') {
      if ((arg as Obj[]).some((s) => matchSelector(s, doc))) return false;
    } else if (k === '$not') {
      if (matchSelector(arg as Obj, doc)) return false;
    } else if (k.startsWith('$')) {
      if (!condition(k, arg, doc)) return false;
    } else {
      const v = doc !== null && doc !== undefined && typeof doc === 'object' && !Array.isArray(doc) ? get(doc, k) : undefined;
      if (!matchValue(arg, v)) return false;
    }
  }
  return true;
}

function project(fields: Obj, wanted: readonly string[]): Obj {
  const out: Obj = {};
  for (const f of wanted) {
    const v = get(fields, f);
    if (v === undefined) continue;
    const parts = f.split('.');
    let cur = out;
    for (const p of parts.slice(0, -1)) {
      const next = cur[p];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[p] = {};
      cur = cur[p] as Obj;
    }
    cur[parts[parts.length - 1] as string] = v;
  }
  return out;
}

export interface MangoHit {
  readonly key: string;
  /** The document's fields after projection, or null for attachment values (returned as stored). */
  readonly fields: Obj | null;
  readonly value: Uint8Array;
}

/** Runs the query over `docs` (in key order): every match, sorted, after `skip`. */
export function runMango(q: MangoQuery, docs: readonly MangoDoc[]): MangoHit[] {
  const hits: MangoHit[] = [];
  for (const d of docs) {
    const asDoc: Obj = { ...(d.fields ?? {}), _id: d.key };
    if (!matchSelector(q.selector, asDoc)) continue;
    // A value stored as an attachment (not a JSON object) comes back as its bytes only when CouchDB's
    // row carries `_attachments` (statecouchdb queryDocuments re-reads the document); a `fields`
    // projection drops it (Fabric adds only _id and ~version), so the row is {_id, ~version} and
    // couchDocToKeyValue gives "{}".
    hits.push({ key: d.key, fields: d.fields ? (q.fields ? project(d.fields, q.fields) : d.fields) : q.fields ? {} : null, value: d.value });
  }
  if (q.sort.length > 0) {
    const full = new Map(docs.map((d) => [d.key, { ...(d.fields ?? {}), _id: d.key } as Obj]));
    hits.sort((a, b) => {
      for (const s of q.sort) {
        const c = collate(get(full.get(a.key) as Obj, s.field), get(full.get(b.key) as Obj, s.field));
        if (c !== 0) return s.desc ? -c : c;
      }
      return 0;
    });
  }
  return hits.slice(q.skip);
}

/** The mock's CouchDB-style bookmark: opaque to the chaincode, the count of results already returned. */
export function encodeBookmark(offset: number): string {
  return Buffer.from(JSON.stringify({ mock: 'ccaas-conformance', offset })).toString('base64url');
}

export function decodeBookmark(b: string): number | null {
  if (b === '') return 0;
  try {
    const v = JSON.parse(Buffer.from(b, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof v.offset === 'number' && Number.isInteger(v.offset) && v.offset >= 0 ? v.offset : null;
  } catch {
    return null;
  }
}
