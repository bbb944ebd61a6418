'use strict';
/*
 * A chaincode server that dies the way a Go chaincode server does when it cannot start: it logs,
 * prints a Go panic with its goroutine trace on stderr and exits with status 2, as the Go runtime
 * does. The output is written in pieces that split lines, as a pipe delivers it. It reads the
 * address the harness gives it and never listens.
 */
const address = process.env.CHAINCODE_SERVER_ADDRESS || '';
const pieces = [
  `2026/01/01 00:00:00 starting chaincode server for ${process.env.CHAINCODE_ID || '?'}\n`,
  `panic: error starting chaincode: listen tcp: lookup ${address.split(':')[0]}`,
  ': no such host\n\ngoroutine 1 [running]:\nmain.main()\n\t/go/src/chaincode/',
  'main.go:42 +0x2b4\n',
];
let i = 0;
const next = () => {
  if (i < pieces.length) {
    process.stderr.write(pieces[i++], () => setTimeout(next, 20));
    return;
  }
  process.exit(2);
};
next();
