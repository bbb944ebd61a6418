import { encodeChaincodeId, encodeResponse, MessageType as T } from '../../src/peer/codec.js';
import type { Script } from '../../mocks/chaincode/impostors/server.js';
import type { ScriptName } from './cases.js';

/**
 * The chaincode impostors of the corpus, as scripts for mocks/chaincode/impostors/server.ts: each
 * runs once per Connect stream (the real peer's, then the harness's), registering with the
 * package ID `packageId()` gives at that moment.
 */
export function scriptFor(name: ScriptName, packageId: () => string): Script {
  const ok = (status: number, text: string): Uint8Array => encodeResponse({ status, message: '', payload: Buffer.from(text) });
  const serve = async (c: Parameters<Script>[0], channel: (ch: string) => string): Promise<void> => {
    c.send({ type: T.REGISTER, payload: encodeChaincodeId(packageId()) });
    for (;;) {
      const m = await c.next(600_000);
      if (!m) return;
      if (m.type === T.TRANSACTION || m.type === T.INIT) c.send({ type: T.COMPLETED, txid: m.txid, channelId: channel(m.channelId), payload: ok(200, 'ok') });
    }
  };
  switch (name) {
    case 'silent':
      return async (c) => {
        await c.ended;
      };
    case 'answers-200':
      return (c) => serve(c, (ch) => ch);
    case 'wrong-channel':
      return (c) => serve(c, () => 'otherchannel');
    case 'ends-before-register':
      return async (c) => {
        c.end();
      };
    case 'ends-stream':
      return async (c) => {
        c.send({ type: T.REGISTER, payload: encodeChaincodeId(packageId()) });
        await c.nextOf(T.REGISTERED, 30_000);
        c.end();
      };
  }
}
