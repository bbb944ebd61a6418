/**
 * encoding/json's syntax check, byte by byte, with Go's exact error texts. Go validates the whole
 * document before decoding anything (checkValid), so a syntax error anywhere wins over every type
 * error. The scanner also builds the document tree the decoder walks.
 */
import { jsonQuoteChar } from './quote.js';

export type JsonNode =
  | { readonly t: 'object'; readonly start: number; end: number; readonly members: { key: JsonNode & { t: 'string' }; value: JsonNode }[] }
  | { readonly t: 'array'; readonly start: number; end: number; readonly items: JsonNode[] }
  | { readonly t: 'string' | 'number' | 'true' | 'false' | 'null'; readonly start: number; end: number };

/** encoding/json's maxNestingDepth. */
export const MAX_NESTING_DEPTH = 10000;

const enum S {
  BeginValue, BeginValueOrEmpty, BeginStringOrEmpty, BeginString, EndValue, EndTop,
  InString, InStringEsc, U1, U2, U3, U4, Neg, One, Zero, Dot, Dot0, E, ESign, E0,
  T, Tr, Tru, F, Fa, Fal, Fals, N, Nu, Nul, Error,
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

type Frame = { node: JsonNode & { t: 'object' | 'array' }; key: (JsonNode & { t: 'string' }) | null; inKey: boolean };

export type ScanResult = { readonly ok: true; readonly root: JsonNode } | { readonly ok: false; readonly error: string };

/** Go's checkValid plus a tree of the document; `error` is the SyntaxError text. */
export function scan(data: Uint8Array): ScanResult {
  let state: S = S.BeginValue;
  let err: string | null = null;
  const stack: Frame[] = [];
  let root: JsonNode | null = null;
  let lit: { t: 'string' | 'number' | 'true' | 'false' | 'null'; start: number } | null = null;
  let endTop = false;

  const fail = (c: number, context: string): void => {
    state = S.Error;
    err = `invalid character ${jsonQuoteChar(c)} ${context}`;
  };
  const attach = (node: JsonNode): void => {
    const top = stack[stack.length - 1];
    if (!top) { root = node; return; }
    if (top.node.t === 'array') { top.node.items.push(node); return; }
    if (top.inKey) { top.key = node as JsonNode & { t: 'string' }; return; }
    top.node.members.push({ key: top.key!, value: node });
    top.key = null;
  };
  const endLiteral = (end: number): void => {
    if (!lit) return;
    attach({ t: lit.t, start: lit.start, end });
    lit = null;
  };
  const push = (c: number, node: JsonNode & { t: 'object' | 'array' }): boolean => {
    stack.push({ node, key: null, inKey: node.t === 'object' });
    if (stack.length <= MAX_NESTING_DEPTH) return true;
    fail(c, 'exceeded max depth');
    return false;
  };
  const pop = (i: number): void => {
    const f = stack.pop()!;
    f.node.end = i + 1;
    attach(f.node);
    if (stack.length === 0) { state = S.EndTop; endTop = true; } else state = S.EndValue;
  };

  // One byte through the state machine; i is its offset (data.length for the EOF space).
  const step = (c: number, i: number): void => {
    for (;;) {
      switch (state) {
        case S.Error: return;
        case S.BeginValueOrEmpty:
          if (isSpace(c)) return;
          if (c === 0x5d) { pop(i); return; }
          state = S.BeginValue; continue;
        case S.BeginValue:
          if (isSpace(c)) return;
          switch (c) {
            case 0x7b: if (push(c, { t: 'object', start: i, end: -1, members: [] })) state = S.BeginStringOrEmpty; return;
            case 0x5b: if (push(c, { t: 'array', start: i, end: -1, items: [] })) state = S.BeginValueOrEmpty; return;
            case 0x22: lit = { t: 'string', start: i }; state = S.InString; return;
            case 0x2d: lit = { t: 'number', start: i }; state = S.Neg; return;
            case 0x30: lit = { t: 'number', start: i }; state = S.Zero; return;
            case 0x74: lit = { t: 'true', start: i }; state = S.T; return;
            case 0x66: lit = { t: 'false', start: i }; state = S.F; return;
            case 0x6e: lit = { t: 'null', start: i }; state = S.N; return;
          }
          if (c >= 0x31 && c <= 0x39) { lit = { t: 'number', start: i }; state = S.One; return; }
          fail(c, 'looking for beginning of value'); return;
        case S.BeginStringOrEmpty:
          if (isSpace(c)) return;
          if (c === 0x7d) { stack[stack.length - 1]!.inKey = false; pop(i); return; }
          state = S.BeginString; continue;
        case S.BeginString:
          if (isSpace(c)) return;
          if (c === 0x22) { lit = { t: 'string', start: i }; state = S.InString; return; }
          fail(c, 'looking for beginning of object key string'); return;
        case S.EndValue: {
          const top = stack[stack.length - 1];
          if (!top) { endTop = true; state = S.EndTop; continue; }
          if (isSpace(c)) return;
          if (top.node.t === 'object' && top.inKey) {
            if (c === 0x3a) { top.inKey = false; state = S.BeginValue; return; }
            fail(c, 'after object key'); return;
          }
          if (top.node.t === 'object') {
            if (c === 0x2c) { top.inKey = true; state = S.BeginString; return; }
            if (c === 0x7d) { pop(i); return; }
            fail(c, 'after object key:value pair'); return;
          }
          if (c === 0x2c) { state = S.BeginValue; return; }
          if (c === 0x5d) { pop(i); return; }
          fail(c, 'after array element'); return;
        }
        case S.EndTop:
          if (!isSpace(c)) fail(c, 'after top-level value');
          return;
        case S.InString:
          if (c === 0x22) { endLiteral(i + 1); state = S.EndValue; return; }
          if (c === 0x5c) { state = S.InStringEsc; return; }
          if (c < 0x20) fail(c, 'in string literal');
          return;
        case S.InStringEsc:
          if (c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74 || c === 0x5c || c === 0x2f || c === 0x22) { state = S.InString; return; }
          if (c === 0x75) { state = S.U1; return; }
          fail(c, 'in string escape code'); return;
        case S.U1: case S.U2: case S.U3: case S.U4:
          if (!isHex(c)) { fail(c, 'in \\u hexadecimal character escape'); return; }
          state = state === S.U4 ? S.InString : state + 1;
          return;
        case S.Neg:
          if (c === 0x30) { state = S.Zero; return; }
          if (c >= 0x31 && c <= 0x39) { state = S.One; return; }
          fail(c, 'in numeric literal'); return;
        case S.One:
          if (isDigit(c)) return;
          state = S.Zero; continue;
        case S.Zero:
          if (c === 0x2e) { state = S.Dot; return; }
          if (c === 0x65 || c === 0x45) { state = S.E; return; }
          endLiteral(i); state = S.EndValue; continue;
        case S.Dot:
          if (isDigit(c)) { state = S.Dot0; return; }
          fail(c, 'after decimal point in numeric literal'); return;
        case S.Dot0:
          if (isDigit(c)) return;
          if (c === 0x65 || c === 0x45) { state = S.E; return; }
          endLiteral(i); state = S.EndValue; continue;
        case S.E:
          if (c === 0x2b || c === 0x2d) { state = S.ESign; return; }
          state = S.ESign; continue;
        case S.ESign:
          if (isDigit(c)) { state = S.E0; return; }
          fail(c, 'in exponent of numeric literal'); return;
        case S.E0:
          if (isDigit(c)) return;
          endLiteral(i); state = S.EndValue; continue;
        case S.T: expect(c, 0x72, S.Tr, "in literal true (expecting 'r')"); return;
        case S.Tr: expect(c, 0x75, S.Tru, "in literal true (expecting 'u')"); return;
        case S.Tru: expectLast(c, i, 0x65, "in literal true (expecting 'e')"); return;
        case S.F: expect(c, 0x61, S.Fa, "in literal false (expecting 'a')"); return;
        case S.Fa: expect(c, 0x6c, S.Fal, "in literal false (expecting 'l')"); return;
        case S.Fal: expect(c, 0x73, S.Fals, "in literal false (expecting 's')"); return;
        case S.Fals: expectLast(c, i, 0x65, "in literal false (expecting 'e')"); return;
        case S.N: expect(c, 0x75, S.Nu, "in literal null (expecting 'u')"); return;
        case S.Nu: expect(c, 0x6c, S.Nul, "in literal null (expecting 'l')"); return;
        case S.Nul: expectLast(c, i, 0x6c, "in literal null (expecting 'l')"); return;
      }
    }
  };
  const expect = (c: number, want: number, next: S, context: string): void => {
    if (c === want) state = next; else fail(c, context);
  };
  const expectLast = (c: number, i: number, want: number, context: string): void => {
    if (c === want) { endLiteral(i + 1); state = S.EndValue; } else fail(c, context);
  };

  for (let i = 0; i < data.length; i++) {
    step(data[i]!, i);
    if (err !== null) return { ok: false, error: err };
  }
  // Go's scanner.eof: a space ends a pending number; anything still open is unexpected EOF.
  if (!endTop) {
    step(0x20, data.length);
    if (err !== null) return { ok: false, error: err };
    if (!endTop) return { ok: false, error: 'unexpected end of JSON input' };
  }
  return { ok: true, root: root! };
}
