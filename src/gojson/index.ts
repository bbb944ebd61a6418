/**
 * Go encoding/json v1 (Go 1.26) decoding with Go's exact error texts, for the places where the
 * Fabric peer and the built-in ccaas builder call json.Unmarshal; plus time.ParseDuration,
 * json.Marshal's string encoding and Go's quoting helpers.
 */
export type { GoUnmarshalResult, GoFieldKind, GoStructType, GoDecodeResult, GoAny, GoMap } from './types.js';
export { unmarshal, unmarshalAny, unmarshalStringMap } from './decode.js';
export { parseDuration, float64ToDurationAmd64, formatDuration } from './duration.js';
export { scan, MAX_NESTING_DEPTH, type JsonNode } from './scanner.js';
export { goQuote, isPrint, formatSharpU, jsonQuoteChar, timeQuote } from './quote.js';
export { foldName } from './fold.js';
export { unquote } from './unquote.js';
export { decodeRune, encodeRune, goBytesToString, validUtf8 } from './utf8.js';
export { marshalString } from './marshal.js';
