import { launchServer } from '../../server/command.js';
import type { ServerStage, SessionContext } from '../types.js';

/** The chaincode server under test: started with --command, or already running at --address. */
export async function serverStage(s: SessionContext): Promise<ServerStage> {
  if (s.config.offline) return { findings: [], failure: null, disabled: 'disabled by --offline', server: null, address: null };
  const c = await s.connection();
  const ccid = await s.packageId();
  if (c.failure || !c.info || !ccid) return { findings: [], failure: c.failure, server: null, address: null };
  const address = s.config.address ?? c.info.address;
  if (!s.config.command) return { findings: [], failure: null, server: null, address };
  const server = (await s.takeEarlyServer(address)) ?? (await launchServer({ command: s.config.command, packageId: ccid, address, cwd: process.cwd(), baseEnv: process.env }));
  s.adoptServer(server);
  if (server.problem) {
    return { findings: [], failure: { rule: 'DIAL-03', peerError: null, message: `--command: ${server.problem}; last output: ${server.output().slice(-5).join(' | ')}` }, server, address };
  }
  return { findings: [], failure: null, server, address };
}
