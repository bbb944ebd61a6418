import { chains } from '../../peer/chains.js';
import { peerDialed } from '../../dial/redirect.js';
import { transportError } from '../../dial/grpcgo.js';
import { failed, passed, type Finding, type PeerFailure } from '../../findings.js';
import { launchServer, type RunningServer } from '../../server/command.js';
import { placeServer } from '../../server/placement.js';
import type { ServerStage, SessionContext } from '../types.js';

/**
 * The chaincode server under test: started with --command, or already running at --address.
 * Where it listens and where the harness connects come from src/server/placement.ts; a
 * --command server that exits or never listens is DIAL-12, with its exit status and last lines.
 */

/** How many of the server's last output lines a DIAL-12 failure quotes. */
const LAST_LINES = 12;

export async function serverStage(s: SessionContext): Promise<ServerStage> {
  const none = { server: null, address: null, redirect: null };
  if (s.config.offline) return { findings: [], failure: null, disabled: 'disabled by --offline', ...none };
  const c = await s.connection();
  const ccid = await s.packageId();
  if (c.failure || !c.info || !ccid) return { findings: [], failure: c.failure, ...none };
  const address = c.info.address;
  const early = s.config.command ? await s.takeEarlyServer(address) : null;
  const options = { address: s.config.address, resolve: s.config.resolve ?? [], command: s.config.command !== null };
  const placement = early && s.config.address === null ? early.placement : await placeServer(address, options);
  const redirect = placement.redirect;
  if (!s.config.command) {
    const na: Finding = { rule: 'DIAL-12', status: 'disabled', message: 'not applicable: no --command; the harness dials a server that runs already, and DIAL-03 judges whether it listens', peerError: null };
    return { findings: [na], failure: null, server: null, address: placement.listen, redirect };
  }
  const server = early?.server ?? (await launchServer({ command: s.config.command, packageId: ccid, address: placement.listen, cwd: process.cwd(), baseEnv: process.env }));
  s.adoptServer(server);
  if (server.problem) {
    const f = serverFailure(ccid, address, placement.listen, server);
    return { findings: [failed(f)], failure: f, server, address: placement.listen, redirect };
  }
  const where = redirect ? ` ${redirect.note}` : '';
  return { findings: [passed('DIAL-12', `the --command server listens on ${placement.listen} (after ${server.listeningMs ?? '?'} ms) and keeps running.${where}`)], failure: null, server, address: placement.listen, redirect };
}

/** DIAL-12 failed: what the server did, what the peer would see (nothing listening), and its last lines. */
export function serverFailure(ccid: string, address: string, listen: string, server: RunningServer): PeerFailure {
  const lines = server.output().slice(-LAST_LINES);
  const status = server.exitStatus();
  const what = server.ended
    ? `the --command server exited (${status ?? 'exit status unknown'}) before it listened on ${listen}`
    : server.problem?.startsWith('the server listens on')
      ? `the --command ${server.problem.slice('the '.length)}, where it was told to listen (CHAINCODE_SERVER_ADDRESS, CORE_CHAINCODE_ADDRESS)`
      : `the --command server did not listen on ${listen} (${server.problem ?? ''})`;
  const text = lines.join('\n');
  const cause = /no such host|lookup .* (on|:)|getaddrinfo|ENOTFOUND|EAI_AGAIN/i.test(text)
    ? ' It could not resolve the host it was told to listen on.'
    : /address already in use|EADDRINUSE|bind:/i.test(text)
      ? ' The address is already in use, or not one it can bind.'
      : /panic:|goroutine \d+ \[/.test(text)
        ? ' It panicked (a Go panic).'
        : '';
  return {
    rule: 'DIAL-12',
    peerError: chains.launch(ccid, chains.connection(ccid, address, transportError(`transport: error while dialing: dial tcp ${peerDialed(address)}: connect: connection refused`))),
    message: `${what}.${cause} With no server listening, the peer's dial of ${address} is refused at once and the launch fails.${lines.length > 0 ? `\nIts last output lines:\n${lines.join('\n')}` : '\nIt wrote nothing.'}`,
    remedy: `Run the command by hand with CHAINCODE_SERVER_ADDRESS=${listen} and CORE_CHAINCODE_ID_NAME=${ccid} and fix what its output says; the server must listen on CHAINCODE_SERVER_ADDRESS and keep running.`,
    evidence: { exitStatus: status, listen, ended: server.ended, lastOutput: lines },
  };
}
