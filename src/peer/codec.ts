import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, ledger, msp, peer } from './protos/index.js';
import { BinaryReader } from 'google-protobuf';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/**
 * The protobuf codec, kept behind plain TypeScript types: the only module that touches the jspb
 * classes of @hyperledger/fabric-protos, so the protobuf library can be swapped in one place.
 */

/** ChaincodeMessage.Type numbers (fabric-protos peer/chaincode_shim.proto). */
export const MessageType = {
  UNDEFINED: 0, REGISTER: 1, REGISTERED: 2, INIT: 3, READY: 4, TRANSACTION: 5, COMPLETED: 6, ERROR: 7,
  GET_STATE: 8, PUT_STATE: 9, DEL_STATE: 10, INVOKE_CHAINCODE: 11, RESPONSE: 13, GET_STATE_BY_RANGE: 14,
  GET_QUERY_RESULT: 15, QUERY_STATE_NEXT: 16, QUERY_STATE_CLOSE: 17, KEEPALIVE: 18, GET_HISTORY_FOR_KEY: 19,
  GET_STATE_METADATA: 20, PUT_STATE_METADATA: 21, GET_PRIVATE_DATA_HASH: 22, PURGE_PRIVATE_DATA: 23,
  WRITE_BATCH_STATE: 24, GET_STATE_MULTIPLE: 25,
} as const;
export type MessageTypeName = keyof typeof MessageType;

const NAMES = new Map<number, MessageTypeName>(Object.entries(MessageType).map(([k, v]) => [v, k as MessageTypeName]));

/** The type's name as the peer prints it (%s of the enum): unknown numbers print as the number. */
export function typeName(t: number): string {
  return NAMES.get(t) ?? String(t);
}

/** A ChaincodeMessage as plain data. `proposal` is the marshalled SignedProposal. */
export interface ChaincodeMsg {
  readonly type: number;
  readonly payload: Uint8Array;
  readonly txid: string;
  readonly channelId: string;
  readonly proposal?: Uint8Array;
  readonly event?: ChaincodeEventData;
}

export interface ChaincodeEventData {
  readonly chaincodeId: string;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

export type WireMessage = peer.ChaincodeMessage;

export function toWire(m: ChaincodeMsg): WireMessage {
  const w = new peer.ChaincodeMessage();
  w.setType(m.type as peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap]);
  if (m.payload.length > 0) w.setPayload(m.payload);
  if (m.txid) w.setTxid(m.txid);
  if (m.channelId) w.setChannelId(m.channelId);
  if (m.event) {
    const ev = new peer.ChaincodeEvent();
    ev.setChaincodeId(m.event.chaincodeId);
    ev.setTxId(m.event.txId);
    ev.setEventName(m.event.eventName);
    if (m.event.payload.length > 0) ev.setPayload(m.event.payload);
    w.setChaincodeEvent(ev);
  }
  if (m.proposal) {
    // The SignedProposal travels as the bytes the client made: appended as field 5 instead of being
    // parsed into a jspb object and serialized again (protobuf fields may come in any order).
    const head = w.serializeBinary();
    const tag = Uint8Array.of((5 << 3) | 2);
    const bytes = Buffer.concat([head, tag, varint(m.proposal.length), m.proposal]);
    // (the object is for sending only: read a message back with fromWire of the parsed bytes)
    w.serializeBinary = () => bytes;
  }
  return w;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function fromWire(w: WireMessage): ChaincodeMsg {
  const ev = w.getChaincodeEvent();
  const sp = w.getProposal();
  return {
    type: w.getType(),
    payload: w.getPayload_asU8(),
    txid: w.getTxid(),
    channelId: w.getChannelId(),
    ...(sp ? { proposal: sp.serializeBinary() } : {}),
    ...(ev
      ? { event: { chaincodeId: ev.getChaincodeId(), txId: ev.getTxId(), eventName: ev.getEventName(), payload: ev.getPayload_asU8() } }
      : {}),
  };
}

/** Bytes of a message exactly as sent on the wire (for transcripts and byte-level vectors). */
export function messageBytes(m: ChaincodeMsg): Uint8Array {
  return toWire(m).serializeBinary();
}

/** Decodes a protobuf payload, returning null for bytes that are not valid wire format. */
function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export function decodeChaincodeId(b: Uint8Array): { name: string; path: string; version: string } | null {
  return safe(() => {
    const id = peer.ChaincodeID.deserializeBinary(b);
    return { name: id.getName(), path: id.getPath(), version: id.getVersion() };
  });
}

export function encodeChaincodeId(name: string): Uint8Array {
  const id = new peer.ChaincodeID();
  id.setName(name);
  return id.serializeBinary();
}

export interface RuntimeParams {
  readonly useWriteBatch: boolean;
  readonly maxSizeWriteBatch: number;
  readonly useGetMultipleKeys: boolean;
  readonly maxSizeGetMultipleKeys: number;
}

export function encodeAdditionalParams(p: RuntimeParams): Uint8Array {
  const a = new peer.ChaincodeAdditionalParams();
  a.setUseWriteBatch(p.useWriteBatch);
  a.setMaxSizeWriteBatch(p.maxSizeWriteBatch);
  a.setUseGetMultipleKeys(p.useGetMultipleKeys);
  a.setMaxSizeGetMultipleKeys(p.maxSizeGetMultipleKeys);
  return a.serializeBinary();
}

export function decodeAdditionalParams(b: Uint8Array): RuntimeParams | null {
  return safe(() => {
    const a = peer.ChaincodeAdditionalParams.deserializeBinary(b);
    return { useWriteBatch: a.getUseWriteBatch(), maxSizeWriteBatch: a.getMaxSizeWriteBatch(), useGetMultipleKeys: a.getUseGetMultipleKeys(), maxSizeGetMultipleKeys: a.getMaxSizeGetMultipleKeys() };
  });
}

/**
 * ChaincodeInput{args = 1 (repeated bytes), is_init = 3 (bool)}, encoded by hand: this runs once
 * per transaction, and the bytes equal protobuf's (fields in number order, decorations absent).
 */
export function encodeChaincodeInput(args: readonly Uint8Array[], isInit: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const a of args) parts.push(FIELD1_BYTES, varint(a.length), a);
  if (isInit) parts.push(IS_INIT_TRUE);
  return Buffer.concat(parts);
}

const FIELD1_BYTES = Uint8Array.of(0x0a);
const IS_INIT_TRUE = Uint8Array.of(0x18, 0x01);

export interface ResponseData {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

/**
 * protos.Response{status = 1 (int32), message = 2 (string), payload = 3 (bytes)}, decoded by
 * hand (once per transaction); null for bytes that are not valid protobuf wire format.
 */
export function decodeResponse(b: Uint8Array): ResponseData | null {
  let status = 0;
  let message = '';
  let payload: Uint8Array = new Uint8Array();
  let i = 0;
  const readVarint = (): number | null => {
    let result = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      if (i >= b.length) return null;
      const byte = b[i++] as number;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    return null;
  };
  while (i < b.length) {
    const key = readVarint();
    if (key === null) return null;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) return null;
    if (wire === 0) {
      // int32 is the low 32 bits of the varint, two's complement (negative values take 10 bytes)
      let lo = 0;
      let shift = 0;
      let done = false;
      for (let k = 0; k < 10 && i < b.length; k++) {
        const byte = b[i++] as number;
        if (shift < 32) lo |= (byte & 0x7f) << shift;
        shift += 7;
        if (byte < 0x80) {
          done = true;
          break;
        }
      }
      if (!done) return null;
      if (field === 1) status = lo | 0;
    } else if (wire === 2) {
      const len = readVarint();
      if (len === null || i + len > b.length) return null;
      const bytes = b.subarray(i, i + len);
      i += len;
      if (field === 2) message = Buffer.from(bytes).toString('utf8');
      else if (field === 3) payload = bytes;
    } else if (wire === 1) {
      if (i + 8 > b.length) return null;
      i += 8;
    } else if (wire === 5) {
      if (i + 4 > b.length) return null;
      i += 4;
    } else return null;
  }
  return { status, message, payload };
}

export function decodeGetState(b: Uint8Array): { key: string; collection: string } | null {
  return safe(() => {
    const g = peer.GetState.deserializeBinary(b);
    return { key: g.getKey(), collection: g.getCollection() };
  });
}

export function decodePutState(b: Uint8Array): { key: string; value: Uint8Array; collection: string } | null {
  return safe(() => {
    const p = peer.PutState.deserializeBinary(b);
    return { key: p.getKey(), value: p.getValue_asU8(), collection: p.getCollection() };
  });
}

export function decodeDelState(b: Uint8Array): { key: string; collection: string } | null {
  return safe(() => {
    const d = peer.DelState.deserializeBinary(b);
    return { key: d.getKey(), collection: d.getCollection() };
  });
}

/** Everything a SignedProposal needs, as a client SDK would fill it in. */
export interface ProposalFields {
  readonly channelId: string;
  readonly txId: string;
  readonly chaincodeName: string;
  readonly mspId: string;
  readonly creatorCertPem: string;
  readonly nonce: Uint8Array;
  readonly timestamp: Date;
  readonly args: readonly Uint8Array[];
  readonly isInit: boolean;
  readonly transient: ReadonlyMap<string, Uint8Array>;
}

/** The marshalled msp.SerializedIdentity of a creator: the bytes the txid is hashed over. */
export function encodeSerializedIdentity(mspId: string, certPem: string): Uint8Array {
  const sid = new msp.SerializedIdentity();
  sid.setMspid(mspId);
  sid.setIdBytes(Buffer.from(certPem, 'utf8'));
  return sid.serializeBinary();
}

/**
 * A SignedProposal for an endorser transaction, structured as Fabric client SDKs build it
 * (ChannelHeader with the chaincode header extension, SignatureHeader with creator and nonce,
 * ChaincodeProposalPayload with the invocation spec and transient map). `signature` is supplied
 * by the caller (the shims do not verify it).
 */
export function encodeSignedProposal(f: ProposalFields, sign: (proposalBytes: Uint8Array) => Uint8Array): Uint8Array {
  const ccid = new peer.ChaincodeID();
  ccid.setName(f.chaincodeName);
  const ext = new peer.ChaincodeHeaderExtension();
  ext.setChaincodeId(ccid);

  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
  ch.setChannelId(f.channelId);
  ch.setTxId(f.txId);
  ch.setEpoch(0);
  ch.setTimestamp(Timestamp.fromDate(f.timestamp));
  ch.setExtension$(ext.serializeBinary());

  const sh = new common.SignatureHeader();
  sh.setCreator(encodeSerializedIdentity(f.mspId, f.creatorCertPem));
  sh.setNonce(f.nonce);

  const hdr = new common.Header();
  hdr.setChannelHeader(ch.serializeBinary());
  hdr.setSignatureHeader(sh.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList([...f.args]);
  if (f.isInit) input.setIsInit(true);
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.UNDEFINED);
  spec.setChaincodeId(ccid);
  spec.setInput(input);
  const cis = new peer.ChaincodeInvocationSpec();
  cis.setChaincodeSpec(spec);

  const ccpp = new peer.ChaincodeProposalPayload();
  ccpp.setInput(cis.serializeBinary());
  const tm = ccpp.getTransientmapMap();
  for (const [k, v] of f.transient) tm.set(k, v);

  const prop = new peer.Proposal();
  prop.setHeader(hdr.serializeBinary());
  prop.setPayload(ccpp.serializeBinary());
  const propBytes = prop.serializeBinary();

  const sp = new peer.SignedProposal();
  sp.setProposalBytes(propBytes);
  sp.setSignature(sign(propBytes));
  return sp.serializeBinary();
}

// ---- Payloads of the chaincode's requests and the peer's replies (PROTO-10/11/12) -----------------

/** The gRPC service `protos.Chaincode` (Connect), for servers that speak ChaincodeMessage (impostors). */
export const ChaincodeServiceDefinition: ServiceDefinition<UntypedServiceImplementation> = peer.ChaincodeService;

/**
 * Whether string field `field` of a message is valid UTF-8 on the wire. jspb decodes strings
 * lossily, so the CouchDB key rule (`must be a UTF-8 string`) needs the raw bytes.
 */
export function rawStringField(b: Uint8Array, field: number): { bytes: Uint8Array; utf8: boolean } | null {
  return safe(() => {
    const r = new BinaryReader(b);
    let found: Uint8Array = new Uint8Array();
    while (r.nextField()) {
      if (r.isEndGroup()) break;
      if (r.getFieldNumber() === field && r.getWireType() === 2) found = r.readBytes();
      else r.skipField();
    }
    let utf8 = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(found);
    } catch {
      utf8 = false;
    }
    return { bytes: found, utf8 };
  });
}

/** The key's raw bytes when they are not valid UTF-8 (null when they are). */
function badKey(b: Uint8Array): Uint8Array | null {
  const f = rawStringField(b, 1);
  return f && !f.utf8 ? f.bytes : null;
}

export function encodeGetState(key: string, collection = ''): Uint8Array {
  const g = new peer.GetState();
  g.setKey(key);
  g.setCollection(collection);
  return g.serializeBinary();
}

export function encodePutState(key: string, value: Uint8Array, collection = ''): Uint8Array {
  const p = new peer.PutState();
  p.setKey(key);
  p.setValue(value);
  p.setCollection(collection);
  return p.serializeBinary();
}

export function encodeDelState(key: string, collection = ''): Uint8Array {
  const d = new peer.DelState();
  d.setKey(key);
  d.setCollection(collection);
  return d.serializeBinary();
}

export function decodeGetStateUtf8(b: Uint8Array): { key: string; collection: string; badKey: Uint8Array | null } | null {
  const g = decodeGetState(b);
  return g ? { ...g, badKey: badKey(b) } : null;
}

export function decodePutStateUtf8(b: Uint8Array): { key: string; value: Uint8Array; collection: string; badKey: Uint8Array | null } | null {
  const p = decodePutState(b);
  return p ? { ...p, badKey: badKey(b) } : null;
}

export function decodeDelStateUtf8(b: Uint8Array): { key: string; collection: string; badKey: Uint8Array | null } | null {
  const d = decodeDelState(b);
  return d ? { ...d, badKey: badKey(b) } : null;
}

export function decodeGetStateMultiple(b: Uint8Array): { keys: string[]; collection: string } | null {
  return safe(() => {
    const g = peer.GetStateMultiple.deserializeBinary(b);
    return { keys: g.getKeysList(), collection: g.getCollection() };
  });
}

export function encodeGetStateMultiple(keys: readonly string[], collection = ''): Uint8Array {
  const g = new peer.GetStateMultiple();
  g.setKeysList([...keys]);
  g.setCollection(collection);
  return g.serializeBinary();
}

export function encodeGetStateMultipleResult(values: ReadonlyArray<Uint8Array | undefined>): Uint8Array {
  const r = new peer.GetStateMultipleResult();
  r.setValuesList(values.map((v) => v ?? new Uint8Array()));
  return r.serializeBinary();
}

export function decodeGetStateMultipleResult(b: Uint8Array): Uint8Array[] | null {
  return safe(() => peer.GetStateMultipleResult.deserializeBinary(b).getValuesList_asU8());
}

export interface QueryMetadataData {
  readonly pageSize: number;
  readonly bookmark: string;
}

export function decodeQueryMetadata(b: Uint8Array): QueryMetadataData | null {
  return safe(() => {
    const m = peer.QueryMetadata.deserializeBinary(b);
    return { pageSize: m.getPagesize(), bookmark: m.getBookmark() };
  });
}

export function encodeQueryMetadata(pageSize: number, bookmark: string): Uint8Array {
  const m = new peer.QueryMetadata();
  m.setPagesize(pageSize);
  m.setBookmark(bookmark);
  return m.serializeBinary();
}

export interface RangeRequest {
  readonly startKey: string;
  readonly endKey: string;
  readonly collection: string;
  /** The marshalled QueryMetadata, or null when the field is absent. */
  readonly metadata: Uint8Array | null;
}

export function decodeGetStateByRange(b: Uint8Array): RangeRequest | null {
  return safe(() => {
    const g = peer.GetStateByRange.deserializeBinary(b);
    const md = g.getMetadata_asU8();
    return { startKey: g.getStartkey(), endKey: g.getEndkey(), collection: g.getCollection(), metadata: md.length > 0 ? md : null };
  });
}

export function encodeGetStateByRange(startKey: string, endKey: string, collection = '', metadata?: Uint8Array): Uint8Array {
  const g = new peer.GetStateByRange();
  g.setStartkey(startKey);
  g.setEndkey(endKey);
  g.setCollection(collection);
  if (metadata) g.setMetadata(metadata);
  return g.serializeBinary();
}

export function decodeGetQueryResult(b: Uint8Array): { query: string; collection: string; metadata: Uint8Array | null } | null {
  return safe(() => {
    const g = peer.GetQueryResult.deserializeBinary(b);
    const md = g.getMetadata_asU8();
    return { query: g.getQuery(), collection: g.getCollection(), metadata: md.length > 0 ? md : null };
  });
}

export function encodeGetQueryResult(query: string, collection = '', metadata?: Uint8Array): Uint8Array {
  const g = new peer.GetQueryResult();
  g.setQuery(query);
  g.setCollection(collection);
  if (metadata) g.setMetadata(metadata);
  return g.serializeBinary();
}

export function decodeGetHistoryForKey(b: Uint8Array): { key: string } | null {
  return safe(() => ({ key: peer.GetHistoryForKey.deserializeBinary(b).getKey() }));
}

export function encodeGetHistoryForKey(key: string): Uint8Array {
  const g = new peer.GetHistoryForKey();
  g.setKey(key);
  return g.serializeBinary();
}

/** QueryStateNext and QueryStateClose have the same shape: `{id}`. */
export function decodeQueryStateId(b: Uint8Array): { id: string } | null {
  return safe(() => ({ id: peer.QueryStateNext.deserializeBinary(b).getId() }));
}

export function encodeQueryStateId(id: string): Uint8Array {
  const q = new peer.QueryStateNext();
  q.setId(id);
  return q.serializeBinary();
}

/** One item of a QueryResponse: a state KV or a history KeyModification. */
export type QueryResultItem =
  | { readonly kind: 'kv'; readonly namespace: string; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'km'; readonly txId: string; readonly value: Uint8Array; readonly timestamp: Date; readonly isDelete: boolean };

function encodeResultItem(item: QueryResultItem): Uint8Array {
  if (item.kind === 'kv') {
    const kv = new ledger.queryresult.KV();
    kv.setNamespace(item.namespace);
    kv.setKey(item.key);
    kv.setValue(item.value);
    return kv.serializeBinary();
  }
  const km = new ledger.queryresult.KeyModification();
  km.setTxId(item.txId);
  km.setValue(item.value);
  km.setTimestamp(Timestamp.fromDate(item.timestamp));
  km.setIsDelete(item.isDelete);
  return km.serializeBinary();
}

export interface QueryResponseData {
  readonly results: readonly QueryResultItem[];
  readonly hasMore: boolean;
  readonly id: string;
  /** The marshalled QueryResponseMetadata (paginated queries only). */
  readonly metadata?: Uint8Array;
}

export function encodeQueryResponse(q: QueryResponseData): Uint8Array {
  const r = new peer.QueryResponse();
  r.setResultsList(
    q.results.map((item) => {
      const qb = new peer.QueryResultBytes();
      qb.setResultbytes(encodeResultItem(item));
      return qb;
    }),
  );
  r.setHasMore(q.hasMore);
  r.setId(q.id);
  if (q.metadata) r.setMetadata(q.metadata);
  return r.serializeBinary();
}

/** Decodes a QueryResponse; results are returned as raw bytes (decode them with decodeKV/decodeKeyModification). */
export function decodeQueryResponse(b: Uint8Array): { results: Uint8Array[]; hasMore: boolean; id: string; metadata: Uint8Array | null } | null {
  return safe(() => {
    const r = peer.QueryResponse.deserializeBinary(b);
    const md = r.getMetadata_asU8();
    return { results: r.getResultsList().map((x) => x.getResultbytes_asU8()), hasMore: r.getHasMore(), id: r.getId(), metadata: md.length > 0 ? md : null };
  });
}

export function decodeKV(b: Uint8Array): { namespace: string; key: string; value: Uint8Array } | null {
  return safe(() => {
    const kv = ledger.queryresult.KV.deserializeBinary(b);
    return { namespace: kv.getNamespace(), key: kv.getKey(), value: kv.getValue_asU8() };
  });
}

export function decodeKeyModification(b: Uint8Array): { txId: string; value: Uint8Array; isDelete: boolean; timestamp: Date | null } | null {
  return safe(() => {
    const km = ledger.queryresult.KeyModification.deserializeBinary(b);
    const ts = km.getTimestamp();
    return { txId: km.getTxId(), value: km.getValue_asU8(), isDelete: km.getIsDelete(), timestamp: ts ? ts.toDate() : null };
  });
}

export function encodeQueryResponseMetadata(fetchedRecordsCount: number, bookmark: string): Uint8Array {
  const m = new peer.QueryResponseMetadata();
  m.setFetchedRecordsCount(fetchedRecordsCount);
  m.setBookmark(bookmark);
  return m.serializeBinary();
}

export function decodeQueryResponseMetadata(b: Uint8Array): { fetchedRecordsCount: number; bookmark: string } | null {
  return safe(() => {
    const m = peer.QueryResponseMetadata.deserializeBinary(b);
    return { fetchedRecordsCount: m.getFetchedRecordsCount(), bookmark: m.getBookmark() };
  });
}

export function decodeGetStateMetadata(b: Uint8Array): { key: string; collection: string } | null {
  return safe(() => {
    const g = peer.GetStateMetadata.deserializeBinary(b);
    return { key: g.getKey(), collection: g.getCollection() };
  });
}

export function encodeGetStateMetadata(key: string, collection = ''): Uint8Array {
  const g = new peer.GetStateMetadata();
  g.setKey(key);
  g.setCollection(collection);
  return g.serializeBinary();
}

export function encodeStateMetadataResult(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const r = new peer.StateMetadataResult();
  r.setEntriesList(
    [...entries].map(([k, v]) => {
      const e = new peer.StateMetadata();
      e.setMetakey(k);
      e.setValue(v);
      return e;
    }),
  );
  return r.serializeBinary();
}

export function decodeStateMetadataResult(b: Uint8Array): Map<string, Uint8Array> | null {
  return safe(() => new Map(peer.StateMetadataResult.deserializeBinary(b).getEntriesList().map((e) => [e.getMetakey(), e.getValue_asU8()] as const)));
}

export interface StateMetadataData {
  readonly metakey: string;
  readonly value: Uint8Array;
}

export function decodePutStateMetadata(b: Uint8Array): { key: string; collection: string; metadata: StateMetadataData | null } | null {
  return safe(() => {
    const p = peer.PutStateMetadata.deserializeBinary(b);
    const md = p.getMetadata();
    return { key: p.getKey(), collection: p.getCollection(), metadata: md ? { metakey: md.getMetakey(), value: md.getValue_asU8() } : null };
  });
}

export function encodePutStateMetadata(key: string, metadata: StateMetadataData | null, collection = ''): Uint8Array {
  const p = new peer.PutStateMetadata();
  p.setKey(key);
  p.setCollection(collection);
  if (metadata) {
    const md = new peer.StateMetadata();
    md.setMetakey(metadata.metakey);
    md.setValue(metadata.value);
    p.setMetadata(md);
  }
  return p.serializeBinary();
}

export interface WriteRecordData {
  readonly key: string;
  readonly value: Uint8Array;
  readonly collection: string;
  readonly metadata: StateMetadataData | null;
  /** WriteRecord.Type: UNDEFINED 0, PUT_STATE 9, DEL_STATE 10, PUT_STATE_METADATA 21, PURGE_PRIVATE_DATA 23. */
  readonly type: number;
}

export function decodeWriteBatchState(b: Uint8Array): WriteRecordData[] | null {
  return safe(() =>
    peer.WriteBatchState.deserializeBinary(b)
      .getRecList()
      .map((r) => {
        const md = r.getMetadata();
        return { key: r.getKey(), value: r.getValue_asU8(), collection: r.getCollection(), metadata: md ? { metakey: md.getMetakey(), value: md.getValue_asU8() } : null, type: r.getType() };
      }),
  );
}

export function encodeWriteBatchState(recs: readonly WriteRecordData[]): Uint8Array {
  const w = new peer.WriteBatchState();
  w.setRecList(
    recs.map((r) => {
      const rec = new peer.WriteRecord();
      rec.setKey(r.key);
      rec.setValue(r.value);
      rec.setCollection(r.collection);
      if (r.metadata) {
        const md = new peer.StateMetadata();
        md.setMetakey(r.metadata.metakey);
        md.setValue(r.metadata.value);
        rec.setMetadata(md);
      }
      rec.setType(r.type as peer.WriteRecord.TypeMap[keyof peer.WriteRecord.TypeMap]);
      return rec;
    }),
  );
  return w.serializeBinary();
}

/** INVOKE_CHAINCODE's payload: the callee's name (`name`, `name:version`, `name/channel`) and input. */
export function decodeChaincodeSpec(b: Uint8Array): { name: string; args: Uint8Array[]; isInit: boolean } | null {
  return safe(() => {
    const s = peer.ChaincodeSpec.deserializeBinary(b);
    const input = s.getInput();
    return { name: s.getChaincodeId()?.getName() ?? '', args: input ? input.getArgsList_asU8() : [], isInit: input?.getIsInit() ?? false };
  });
}

export function encodeChaincodeSpec(name: string, args: readonly Uint8Array[]): Uint8Array {
  const id = new peer.ChaincodeID();
  id.setName(name);
  const input = new peer.ChaincodeInput();
  input.setArgsList([...args]);
  const s = new peer.ChaincodeSpec();
  s.setChaincodeId(id);
  s.setInput(input);
  return s.serializeBinary();
}

export function decodeChaincodeInput(b: Uint8Array): { args: Uint8Array[]; isInit: boolean } | null {
  return safe(() => {
    const i = peer.ChaincodeInput.deserializeBinary(b);
    return { args: i.getArgsList_asU8(), isInit: i.getIsInit() };
  });
}

export function encodeResponse(r: ResponseData): Uint8Array {
  const p = new peer.Response();
  p.setStatus(r.status);
  if (r.message) p.setMessage(r.message);
  if (r.payload.length > 0) p.setPayload(r.payload);
  return p.serializeBinary();
}

/** A whole ChaincodeMessage from its bytes (INVOKE_CHAINCODE's RESPONSE carries one). */
export function decodeChaincodeMessage(b: Uint8Array): ChaincodeMsg | null {
  return safe(() => fromWire(peer.ChaincodeMessage.deserializeBinary(b)));
}

/** What the peer reads from a SignedProposal: the creator (for collection membership) and the transient map. */
export interface ProposalView {
  readonly mspId: string;
  readonly creator: Uint8Array;
  readonly channelId: string;
  readonly txId: string;
  readonly transient: ReadonlyMap<string, Uint8Array>;
  /** The channel header's timestamp (the transaction's, in the block and the history database); null when absent. */
  readonly timestamp: Date | null;
}

export function decodeSignedProposal(b: Uint8Array): ProposalView | null {
  return safe(() => {
    const sp = peer.SignedProposal.deserializeBinary(b);
    const prop = peer.Proposal.deserializeBinary(sp.getProposalBytes_asU8());
    const hdr = common.Header.deserializeBinary(prop.getHeader_asU8());
    const sh = common.SignatureHeader.deserializeBinary(hdr.getSignatureHeader_asU8());
    const ch = common.ChannelHeader.deserializeBinary(hdr.getChannelHeader_asU8());
    const sid = msp.SerializedIdentity.deserializeBinary(sh.getCreator_asU8());
    const ccpp = peer.ChaincodeProposalPayload.deserializeBinary(prop.getPayload_asU8());
    const transient = new Map<string, Uint8Array>();
    ccpp.getTransientmapMap().forEach((v, k) => transient.set(k, typeof v === 'string' ? Buffer.from(v, 'base64') : v));
    const ts = ch.getTimestamp();
    return { mspId: sid.getMspid(), creator: sh.getCreator_asU8(), channelId: ch.getChannelId(), txId: ch.getTxId(), transient, timestamp: ts ? ts.toDate() : null };
  });
}
