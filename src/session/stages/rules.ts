import { BUILD_JUDGED } from '../../builder/judge.js';
import type { StageName } from '../types.js';

/**
 * Which stage of the mock peer judges which rule (the checks side of "one rule, one place"),
 * kept apart from the stages themselves so that knowing it loads none of them (the gRPC and
 * protobuf modules come with the dial and protocol stages, after the server has started).
 */

/** Install: the peer's package parse (PKG-*), judged by src/package. */
export const PACKAGE_RULES = [
  'PKG-01', 'PKG-02', 'PKG-03', 'PKG-04', 'PKG-05', 'PKG-06', 'PKG-07', 'PKG-08',
  'PKG-09', 'PKG-10', 'PKG-11', 'PKG-12', 'PKG-13', 'PKG-15', 'PKG-16', 'PKG-17',
] as const;

/** Install, continued: the external build (CODE-01..03 are judged by the package stage's extraction and reported here, where the peer's build hits them). */
export const BUILD_RULES = ['CODE-01', 'CODE-02', 'CODE-03', 'CODE-04', 'CODE-05', 'CODE-06', 'CODE-07', ...BUILD_JUDGED] as const;

/** Lint-style rules of the connection stage: no finding means nothing wrong was seen. */
export const CONNECTION_LINT_RULES = ['CONN-04', 'DRIFT-01', 'DRIFT-02', 'DRIFT-03', 'DRIFT-05'] as const;

/** Launch: connection.json from the durable release, as the peer reads it (CONN-*, doc drift). */
export const CONNECTION_RULES = ['CONN-01', 'CONN-02', 'CONN-03', 'CONN-05', 'CONN-06', 'CONN-07', ...CONNECTION_LINT_RULES] as const;

/** A --command server that does not listen where connection.json says. */
export const SERVER_RULES = ['DIAL-12'] as const;

/** The dial as the peer makes it, and the certificate lint. */
export const DIAL_RULES = ['CONN-08', 'CONN-09', 'DIAL-03', 'DIAL-04', 'DIAL-05', 'DIAL-06', 'DIAL-09', 'DIAL-10', 'DIAL-11', 'DRIFT-04', 'DRIFT-07'] as const;

/** REGISTER on the stream. */
export const REGISTER_RULES = ['PROTO-02', 'PROTO-03', 'PROTO-04', 'PROTO-05', 'PROTO-17'] as const;

/** The smoke transaction and the checks around it. */
export const TRANSACTION_RULES = ['PROTO-01', 'PROTO-07', 'PROTO-08', 'PROTO-14', 'PROTO-15', 'PROTO-16', 'PROTO-18', 'PROTO-19'] as const;

function rulesOf(stage: StageName, ids: readonly string[]): Array<[string, StageName]> {
  return ids.map((id) => [id, stage]);
}

/** Which stage judges which rule. */
export const RULE_STAGE: Readonly<Record<string, StageName>> = Object.fromEntries([
  ...rulesOf('package', PACKAGE_RULES),
  ...rulesOf('build', BUILD_RULES),
  ...rulesOf('connection', CONNECTION_RULES),
  ...rulesOf('server', SERVER_RULES),
  ...rulesOf('dial', DIAL_RULES),
  ...rulesOf('register', REGISTER_RULES),
  ...rulesOf('transaction', TRANSACTION_RULES),
]);
