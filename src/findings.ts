/**
 * Findings: what the harness says about one rule in one run. Every stage returns findings as
 * values; steps attach them to the Cucumber message stream, and every report is rendered from it.
 */

export type Status = 'passed' | 'failed' | 'skipped' | 'disabled' | 'error' | 'expected-failure';

/** Evidence is plain JSON so it can travel through the message stream unchanged. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Finding {
  readonly rule: string;
  readonly status: Status;
  /** One sentence for a person: what was seen and what it means. */
  readonly message: string;
  /** The exact text the real peer would produce (log or client error), or null. */
  readonly peerError: string | null;
  /** Overrides the catalogue's remedy when the cause is more specific. */
  readonly remedy?: string;
  readonly evidence?: { readonly [key: string]: Json };
}

/** The media type of a finding attached to a Cucumber scenario. */
export const FINDING_MEDIA_TYPE = 'application/vnd.ccaas-conformance.finding+json';

/** A failure as a value: the rule it breaks, the peer's exact text, and a message for a person. */
export interface PeerFailure {
  readonly rule: string;
  readonly peerError: string | null;
  readonly message: string;
  readonly remedy?: string;
  readonly evidence?: { readonly [key: string]: Json };
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: PeerFailure };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(failure: PeerFailure): Outcome<T> {
  return { ok: false, failure };
}

export function passed(rule: string, message: string, evidence?: Finding['evidence']): Finding {
  return evidence ? { rule, status: 'passed', message, peerError: null, evidence } : { rule, status: 'passed', message, peerError: null };
}

export function failed(f: PeerFailure): Finding {
  const base: Finding = { rule: f.rule, status: 'failed', message: f.message, peerError: f.peerError };
  return { ...base, ...(f.remedy ? { remedy: f.remedy } : {}), ...(f.evidence ? { evidence: f.evidence } : {}) };
}

/** A rule that could not be judged because an earlier stage failed. */
export function blocked(rule: string, by: PeerFailure): Finding {
  return { rule, status: 'skipped', message: `not judged: blocked by ${by.rule} (${by.message})`, peerError: null };
}
