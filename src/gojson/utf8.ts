/**
 * UTF-8 the way Go's unicode/utf8 sees it: DecodeRune returns (U+FFFD, 1) for every byte that does
 * not start a well-formed sequence (surrogates and overlong forms included), so a truncated
 * sequence becomes one U+FFFD per byte. The WHATWG decoder (TextDecoder, Buffer#toString) groups
 * "maximal subparts" instead, so it must not be used where Go's replacement counts matter.
 */

export const RUNE_ERROR = 0xfffd;

/** Go's utf8.DecodeRune on bytes[at..]: the rune and its width (width 1 with U+FFFD on error). */
export function decodeRune(bytes: Uint8Array, at: number): { rune: number; size: number } {
  const n = bytes.length - at;
  if (n <= 0) return { rune: RUNE_ERROR, size: 0 };
  const b0 = bytes[at]!;
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const bad = { rune: RUNE_ERROR, size: 1 };
  const cont = (i: number, lo = 0x80, hi = 0xbf): number | null => {
    if (i >= n) return null;
    const b = bytes[at + i]!;
    return b >= lo && b <= hi ? b & 0x3f : null;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 === null ? bad : { rune: ((b0 & 0x1f) << 6) | c1, size: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 === null ? null : cont(2);
    return c1 === null || c2 === null ? bad : { rune: ((b0 & 0x0f) << 12) | (c1 << 6) | c2, size: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 === null ? null : cont(2);
    const c3 = c2 === null ? null : cont(3);
    if (c1 === null || c2 === null || c3 === null) return bad;
    return { rune: ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, size: 4 };
  }
  return bad;
}

/** Go's utf8.EncodeRune: surrogates and out-of-range values encode as U+FFFD. */
export function encodeRune(rune: number): number[] {
  let r = rune;
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) return [r];
  if (r < 0x800) return [0xc0 | (r >> 6), 0x80 | (r & 0x3f)];
  if (r < 0x10000) return [0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)];
  return [0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)];
}

/** The runes of a Go string, as `for _, r := range s` yields them (with byte offsets). */
export function* runes(bytes: Uint8Array): Generator<{ rune: number; at: number; size: number }> {
  let i = 0;
  while (i < bytes.length) {
    const { rune, size } = decodeRune(bytes, i);
    yield { rune, at: i, size };
    i += size;
  }
}

/** A Go string (bytes) as a JS string, with Go's per-byte U+FFFD replacement. */
export function goBytesToString(bytes: Uint8Array): string {
  let out = '';
  for (const { rune } of runes(bytes)) out += String.fromCodePoint(rune);
  return out;
}

/**
 * A JS string as the bytes of a Go string. JS strings that came from Go text are well-formed;
 * a lone surrogate (impossible in Go) is encoded as U+FFFD, as Go's []byte(string(rune)) would.
 */
export function stringToGoBytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Whether bytes are valid UTF-8 in Go's sense (utf8.Valid). */
export function validUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const { rune, size } = decodeRune(bytes, i);
    if (rune === RUNE_ERROR && size === 1) return false;
    i += size;
  }
  return true;
}
