/**
 * text/template's lexer (Go 1.26 text/template/parse), reproduced for exact error texts and token
 * positions. It works on the template's UTF-8 bytes: Go reports byte offsets in error locations.
 */
import { decodeRune, formatSharpU, goQuote } from '../gojson/index.js';
import { GO_DIGIT_RANGES, GO_LETTER_RANGES } from './alnum-table.js';

export const enum T {
  Error, Bool, Char, CharConstant, Comment, Complex, Assign, Declare, EOF, Field, Identifier,
  LeftDelim, LeftParen, Number, Pipe, RawString, RightDelim, RightParen, Space, String, Text, Variable,
  Keyword, Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

export interface Item { readonly typ: T; readonly pos: number; readonly val: string; readonly line: number }

const KEYWORDS: ReadonlyMap<string, T> = new Map([
  ['.', T.Dot], ['block', T.Block], ['break', T.Break], ['continue', T.Continue], ['define', T.Define],
  ['else', T.Else], ['end', T.End], ['if', T.If], ['range', T.Range], ['nil', T.Nil], ['template', T.Template], ['with', T.With],
]);

const EOF = -1;
const LEFT = Buffer.from('{{');
const RIGHT = Buffer.from('}}');

function inRanges(table: readonly number[], r: number): boolean {
  let lo = 0;
  let hi = table.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r < table[2 * mid]!) hi = mid - 1;
    else if (r > table[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
export const isAlphaNumeric = (r: number): boolean => r === 0x5f || (r >= 0 && (inRanges(GO_LETTER_RANGES, r) || inRanges(GO_DIGIT_RANGES, r)));
const hasLeftTrimMarker = (b: Buffer, at: number): boolean => b.length - at >= 2 && b[at] === 0x2d && isSpace(b[at + 1]!);
const hasRightTrimMarker = (b: Buffer, at: number): boolean => b.length - at >= 2 && isSpace(b[at]!) && b[at + 1] === 0x2d;
const startsWith = (b: Buffer, at: number, p: Buffer): boolean => at >= 0 && b.length - at >= p.length && b.subarray(at, at + p.length).equals(p);

type State = ((l: Lexer) => State) | null;

/** An item's text as the parser prints it in "unexpected ..." errors (Go's item.String). */
export function itemString(i: Item): string {
  if (i.typ === T.EOF) return 'EOF';
  if (i.typ === T.Error) return i.val;
  if (i.typ > T.Keyword) return `<${i.val}>`;
  const runes = [...i.val];
  if (runes.length > 10) return goQuote(runes.slice(0, 10).join('')) + '...';
  return goQuote(i.val);
}

export class Lexer {
  input: Buffer;
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  insideAction = false;
  item: Item = { typ: T.EOF, pos: 0, val: 'EOF', line: 1 };
  breakOK = true;
  continueOK = true;

  constructor(input: Buffer) {
    this.input = input;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const { rune, size } = decodeRune(this.input, this.pos);
    this.pos += size;
    if (rune === 0x0a) this.line++;
    return rune;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (this.atEOF || this.pos <= 0) return;
    // DecodeLastRune: step back over one rune (one byte if invalid).
    let start = this.pos - 1;
    while (start > 0 && start > this.pos - 4 && (this.input[start]! & 0xc0) === 0x80) start--;
    const { rune, size } = decodeRune(this.input, start);
    const w = start + size === this.pos ? size : 1;
    if ((w === 1 ? this.input[this.pos - 1] : rune) === 0x0a) this.line--;
    this.pos -= w;
  }

  text(from: number, to: number): string {
    return this.input.subarray(from, to).toString('utf8');
  }

  thisItem(typ: T): Item {
    const i = { typ, pos: this.start, val: this.text(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  emit(typ: T): State {
    this.item = this.thisItem(typ);
    return null;
  }

  emitItem(i: Item): State {
    this.item = i;
    return null;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): State {
    this.item = { typ: T.Error, pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = Buffer.alloc(0);
    return null;
  }

  nextItem(): Item {
    this.item = { typ: T.EOF, pos: this.pos, val: 'EOF', line: this.startLine };
    let state: State = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.item;
  }

  atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && startsWith(this.input, this.pos + 2, RIGHT)) return { delim: true, trim: true };
    if (startsWith(this.input, this.pos, RIGHT)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    if (r === EOF || r === 0x2e || r === 0x2c || r === 0x7c || r === 0x3a || r === 0x29 || r === 0x28) return true;
    return startsWith(this.input, this.pos, RIGHT);
  }
}

function countNewlines(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (b[i] === 0x0a) n++;
  return n;
}

const rightTrimLength = (b: Buffer, from: number, to: number): number => {
  let i = to;
  while (i > from && isSpace(b[i - 1]!)) i--;
  return to - i;
};
const leftTrimLength = (b: Buffer, from: number): number => {
  let i = from;
  while (i < b.length && isSpace(b[i]!)) i++;
  return i - from;
};

function lexText(l: Lexer): State {
  const x = l.input.indexOf(LEFT, l.pos);
  if (x >= 0) {
    if (x > l.pos) {
      l.pos = x;
      let trim = 0;
      if (hasLeftTrimMarker(l.input, l.pos + LEFT.length)) trim = rightTrimLength(l.input, l.start, l.pos);
      l.pos -= trim;
      l.line += countNewlines(l.input, l.start, l.pos);
      const i = l.thisItem(T.Text);
      l.pos += trim;
      l.ignore();
      if (i.val.length > 0) return l.emitItem(i);
    }
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    return l.emit(T.Text);
  }
  return l.emit(T.EOF);
}

function lexLeftDelim(l: Lexer): State {
  l.pos += LEFT.length;
  const trim = hasLeftTrimMarker(l.input, l.pos);
  const after = trim ? 2 : 0;
  if (l.input[l.pos + after] === 0x2f && l.input[l.pos + after + 1] === 0x2a) {
    l.pos += after;
    l.ignore();
    return lexComment;
  }
  const i = l.thisItem(T.LeftDelim);
  l.insideAction = true;
  l.pos += after;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(i);
}

function lexComment(l: Lexer): State {
  l.pos += 2;
  const x = l.input.indexOf('*/', l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos = x + 2;
  const { delim, trim } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  l.line += countNewlines(l.input, l.start, l.pos);
  l.thisItem(T.Comment);
  if (trim) l.pos += 2;
  l.pos += RIGHT.length;
  if (trim) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): State {
  const { trim } = l.atRightDelim();
  if (trim) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += RIGHT.length;
  const i = l.thisItem(T.RightDelim);
  if (trim) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(i);
}

function lexInsideAction(l: Lexer): State {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup();
    return lexSpace;
  }
  switch (r) {
    case 0x3d: return l.emit(T.Assign);
    case 0x3a:
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      return l.emit(T.Declare);
    case 0x7c: return l.emit(T.Pipe);
    case 0x22: return lexQuote;
    case 0x60: return lexRawQuote;
    case 0x24: return lexVariable;
    case 0x27: return lexChar;
    case 0x28:
      l.parenDepth++;
      return l.emit(T.LeftParen);
    case 0x29:
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf('unexpected right paren');
      return l.emit(T.RightParen);
  }
  if (r === 0x2e && l.pos < l.input.length) {
    const c = l.input[l.pos]!;
    if (c < 0x30 || c > 0x39) return lexField;
  }
  if (r === 0x2e || r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r !== 0x7f) return l.emit(T.Char);
  return l.errorf(`unrecognized character in action: ${formatSharpU(r)}`);
}

function lexSpace(l: Lexer): State {
  let n = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpace(r)) break;
    l.next();
    n++;
  }
  if (hasRightTrimMarker(l.input, l.pos - 1) && startsWith(l.input, l.pos - 1 + 2, RIGHT)) {
    l.backup();
    if (n === 1) return lexRightDelim;
  }
  return l.emit(T.Space);
}

function lexIdentifier(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.text(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${formatSharpU(r)}`);
    const kw = KEYWORDS.get(word);
    if (kw !== undefined && kw > T.Keyword) {
      if ((kw === T.Break && !l.breakOK) || (kw === T.Continue && !l.continueOK)) return l.emit(T.Identifier);
      return l.emit(kw);
    }
    if (word.startsWith('.')) return l.emit(T.Field);
    if (word === 'true' || word === 'false') return l.emit(T.Bool);
    return l.emit(T.Identifier);
  }
}

function lexField(l: Lexer): State {
  return lexFieldOrVariable(l, T.Field);
}

function lexVariable(l: Lexer): State {
  if (l.atTerminator()) return l.emit(T.Variable);
  return lexFieldOrVariable(l, T.Variable);
}

function lexFieldOrVariable(l: Lexer, typ: T): State {
  if (l.atTerminator()) return l.emit(typ === T.Variable ? T.Variable : T.Dot);
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatSharpU(r)}`);
  return l.emit(typ);
}

function lexChar(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 0x0a) continue;
      return l.errorf('unterminated character constant');
    }
    if (r === EOF || r === 0x0a) return l.errorf('unterminated character constant');
    if (r === 0x27) break;
  }
  return l.emit(T.CharConstant);
}

function lexNumber(l: Lexer): State {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${goQuote(l.input.subarray(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!scanNumber(l) || l.input[l.pos - 1] !== 0x69) return l.errorf(`bad number syntax: ${goQuote(l.input.subarray(l.start, l.pos))}`);
    return l.emit(T.Complex);
  }
  return l.emit(T.Number);
}

function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = '0123456789_';
  if (l.accept('0')) {
    if (l.accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits.length === 11 && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  if (digits.length === 23 && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}

function lexQuote(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 0x0a) continue;
      return l.errorf('unterminated quoted string');
    }
    if (r === EOF || r === 0x0a) return l.errorf('unterminated quoted string');
    if (r === 0x22) break;
  }
  return l.emit(T.String);
}

function lexRawQuote(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) break;
  }
  return l.emit(T.RawString);
}
