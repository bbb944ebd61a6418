import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { groupListeners, parseProcNetTcp, pgrpOfStat } from '../../src/server/listening.js';

/** Which ports a --command server's process group listens on (Linux /proc), for DIAL-12's "listens elsewhere". */

describe('listening sockets of a process group', () => {
  it('reads LISTEN rows of /proc/net/tcp and tcp6, addresses in host order', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:D2F0 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp), [{ ip: '127.0.0.1', port: 8080, inode: '4242' }]);
    const tcp6 = ['  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', '   0: 00000000000000000000000001000000:1B5C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1'].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp6), [{ ip: '::1', port: 7004, inode: '777' }]);
  });

  it('reads the process group from a stat line whose command name holds spaces and parentheses', () => {
    assert.equal(pgrpOfStat('123 (my (odd) server) S 1 120 120 0 -1'), 120);
  });

  it('finds the port a real process group listens on', { skip: process.platform !== 'linux' ? 'needs Linux /proc' : false }, async () => {
    const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); })"], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      const ls = await groupListeners(child.pid as number);
      assert.deepEqual(ls?.map((l) => [l.ip, l.port]), [['127.0.0.1', port]]);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
    }
  });

  it('finds no listener in a process group that listens nowhere (a server still starting)', { skip: process.platform !== 'linux' ? 'needs Linux /proc' : false }, async () => {
    const child = spawn(process.execPath, ['-e', "process.stdout.write('up\\n'); setTimeout(() => undefined, 30000)"], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      assert.deepEqual(await groupListeners(child.pid as number), []);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
    }
  });
});
