/** encoding/json's string encoding (json.Marshal, HTML escaping on), for exact output bytes. */
import { decodeRune, stringToGoBytes } from './utf8.js';

const HEX = '0123456789abcdef';

/** A Go string (bytes, or a JS string as its UTF-8) encoded as json.Marshal does. */
export function marshalString(s: Uint8Array | string, escapeHTML = true): string {
  const b = typeof s === 'string' ? stringToGoBytes(s) : s;
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c === 0x5c || c === 0x22) out += '\\' + String.fromCharCode(c);
      else if (c === 0x08) out += '\\b';
      else if (c === 0x0c) out += '\\f';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0d) out += '\\r';
      else if (c === 0x09) out += '\\t';
      else if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      else out += String.fromCharCode(c);
      i++;
      continue;
    }
    const { rune, size } = decodeRune(b, i);
    if (rune === 0xfffd && size === 1) out += '\\ufffd';
    else if (rune === 0x2028 || rune === 0x2029) out += '\\u202' + HEX[rune & 0xf];
    else out += String.fromCodePoint(rune);
    i += size;
  }
  return out + '"';
}
