import type { Evidence } from './model.js';

/**
 * Run-level notes every report shows beside the verdict: what the harness did that the peer
 * would not (dialled another address than connection.json's, started the server elsewhere), so
 * no reader mistakes the harness's connection for the peer's. Carried as evidence in the one
 * message stream (steps/evidence.ts), read here for every renderer.
 */

export const HARNESS_NOTE_TITLE = 'harness note';

export function harnessNotes(m: { readonly evidence: readonly Evidence[] }): string[] {
  return m.evidence.filter((e) => e.title === HARNESS_NOTE_TITLE && typeof e.data === 'string').map((e) => e.data as string);
}
