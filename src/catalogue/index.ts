import { BLD_RULES } from './bld.js';
import { CODE_RULES } from './code.js';
import { CONN_RULES } from './conn.js';
import { DIAL_RULES } from './dial.js';
import { DRIFT_RULES } from './drift.js';
import { PKG_RULES } from './pkg.js';
import { PROTO_RULES } from './proto.js';
import { SHIM_RULES } from './shim.js';
import type { Rule } from './types.js';

export type { Rule, Level, Family, Confidence, SourceRef } from './types.js';
export { sourceUrl, SOURCE_COMMITS } from './types.js';

/** Every rule, in the order of the peer's own flow. */
export const CATALOGUE: readonly Rule[] = [
  ...PKG_RULES, ...CODE_RULES, ...BLD_RULES, ...CONN_RULES, ...DIAL_RULES, ...PROTO_RULES, ...SHIM_RULES, ...DRIFT_RULES,
];

const BY_ID = new Map(CATALOGUE.map((r) => [r.id, r] as const));

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** The rule with this id; throws for an unknown id, which is a programming error. */
export function rule(id: string): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown rule id ${id}`);
  return r;
}
