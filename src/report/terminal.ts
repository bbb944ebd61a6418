/**
 * Untrusted text on a terminal (a package label or type, builder stderr, gRPC error details, a
 * REGISTER name, a server's output) shows its control characters escaped, as the HTML report
 * does: `\x1b` stays four visible characters, never a colour, a cleared screen, a window title or
 * a bell. Newlines and tabs stay; a carriage return (which rewrites the line) is escaped, as are
 * C1 controls and the Unicode bidirectional overrides that reorder what a line shows.
 */

// C0 but \t and \n, DEL, C1, and U+200E/F, U+202A..E, U+2066..9 (bidi controls).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    if (n === 0x0d) return '\\r';
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
