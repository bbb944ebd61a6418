import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (the kernel's pick for port 0), for a
 * chaincode server the harness starts itself. Another process may take it before the server
 * binds; the caller's start-up check reports that as the server not listening.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
