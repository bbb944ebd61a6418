import { common, msp, peer } from '@hyperledger/fabric-protos';
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
  if (m.proposal) w.setProposal(peer.SignedProposal.deserializeBinary(m.proposal));
  return w;
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

export function encodeChaincodeInput(args: readonly Uint8Array[], isInit: boolean): Uint8Array {
  const i = new peer.ChaincodeInput();
  i.setArgsList([...args]);
  if (isInit) i.setIsInit(true);
  return i.serializeBinary();
}

export interface ResponseData {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

export function decodeResponse(b: Uint8Array): ResponseData | null {
  return safe(() => {
    const r = peer.Response.deserializeBinary(b);
    return { status: r.getStatus(), message: r.getMessage(), payload: r.getPayload_asU8() };
  });
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
