import { runTransaction } from './invoke.js';

/** `ccaas-conformance query <package> fn args...`: like `peer chaincode query`, nothing is committed (see invoke.ts). */
export function runQueryCommand(argv: string[]): Promise<number> {
  return runTransaction('query', argv);
}
