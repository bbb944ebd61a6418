/**
 * text/template's builtins, with evalCall's argument checks and Go's error texts
 * (`error calling len: len of type float64`, `wrong number of args for not: want 1 got 2`):
 * and, or, not, len, index, slice, eq..ge, print, println, printf (src/gotemplate/printf.ts),
 * html, js, urlquery, and call (which on JSON data can only fail: there are no functions in it).
 */
import { nodeString, type CommandNode, type Node } from './nodes.js';
import { jsEscape, sprintf, type Operand } from './printf.js';
import { Unsupported } from './unquote.js';
import { compareGoStrings } from './format.js';
import { INVALID, formatVal, isTrue, reslice, typeName, unwrap, type Val } from './value.js';
import type { Final, State } from './exec.js';

interface Sig { readonly numIn: number; readonly variadic: boolean }

const SIGS: Readonly<Record<string, Sig>> = {
  not: { numIn: 1, variadic: false },
  and: { numIn: 2, variadic: true },
  or: { numIn: 2, variadic: true },
  len: { numIn: 1, variadic: false },
  index: { numIn: 2, variadic: true },
  eq: { numIn: 2, variadic: true },
  ne: { numIn: 2, variadic: false },
  lt: { numIn: 2, variadic: false },
  le: { numIn: 2, variadic: false },
  gt: { numIn: 2, variadic: false },
  ge: { numIn: 2, variadic: false },
  print: { numIn: 1, variadic: true },
  println: { numIn: 1, variadic: true },
  html: { numIn: 1, variadic: true },
  urlquery: { numIn: 1, variadic: true },
  js: { numIn: 1, variadic: true },
  printf: { numIn: 2, variadic: true },
  slice: { numIn: 2, variadic: true },
  call: { numIn: 2, variadic: true },
};

/** A Val as fmt receives it through an `any` parameter: the concrete value, or nil. */
function operand(v: Val): Operand {
  const u = unwrap(v);
  switch (u.k) {
    case 'invalid': return { t: 'nil' };
    case 'string': return { t: 'string', v: u.v };
    case 'float64': return { t: 'float64', v: u.v };
    case 'int': return { t: 'int', v: u.v };
    case 'bool': return { t: 'bool', v: u.v };
    case 'map': return { t: 'map', v: u.v };
    case 'slice': return { t: 'slice', v: u.v };
    case 'iface': return operand(u);
  }
}

/** evalArg for a `string` parameter (printf's format): a string literal, or a value of type string. */
function evalStringArg(s: State, dot: Val, n: Node): string {
  s.at(n);
  switch (n.type) {
    case 'string': return n.text;
    case 'nil': return s.errorf('cannot assign nil to string');
    case 'bool': case 'number': return s.errorf(`expected string; found ${nodeString(n)}`);
    default: break;
  }
  const v = evalArg(s, dot, n);
  if (v.k === 'string') return v.v;
  if (v.k === 'invalid') return s.errorf('invalid value; expected string');
  if (v.k === 'iface' && v.inner !== null && typeof v.inner === 'string') return v.inner;
  const shown = v.k === 'iface' && v.inner !== null ? unwrap(v) : v;
  return s.errorf(`wrong type for value; expected string; got ${typeName(shown)}`);
}

/** fmt's `%v`-style name of a reflect.Value (call's callee name when it comes from the pipeline). */
function valueString(v: Val): string {
  const u = unwrap(v);
  if (u.k === 'string') return u.v;
  if (u.k === 'invalid') return '<invalid Value>';
  return `<${typeName(u)} Value>`;
}

/** indexArg: an int index within cap (the argument is not unwrapped, unlike index's). */
function indexArg(idx: Val, cap: number): { ok: true; x: number } | { ok: false; error: string } {
  if (idx.k === 'invalid') return { ok: false, error: 'cannot index slice/array with nil' };
  if (idx.k !== 'int') return { ok: false, error: `cannot index slice/array with type ${typeName(idx)}` };
  const x = idx.v;
  if (x < 0n || x > BigInt(cap)) return { ok: false, error: `index out of range: ${x}` };
  return { ok: true, x: Number(x) };
}

/**
 * text/template's slice: indexes checked against the capacity (a string's is its length), the
 * defaults item[0:len]; a []interface{} keeps its backing elements past the new len (reslice).
 */
function slice(item0: Val, indexes: readonly Val[]): { ok: true; v: Val } | { ok: false; error: string } {
  const item = unwrap(item0);
  if (item.k === 'invalid') return { ok: false, error: 'slice of untyped nil' };
  if (indexes.length > 3) return { ok: false, error: `too many slice indexes: ${indexes.length}` };
  let cap: number;
  let len: number;
  if (item.k === 'string') {
    if (indexes.length === 3) return { ok: false, error: 'cannot 3-index slice a string' };
    cap = len = Buffer.byteLength(item.v, 'utf8');
  } else if (item.k === 'slice') [cap, len] = [item.cap, item.v.length];
  else return { ok: false, error: `can't slice item of type ${typeName(item)}` };
  const idx = [0, len, cap];
  for (const [i, raw] of indexes.entries()) {
    const r = indexArg(raw, cap);
    if (!r.ok) return r;
    idx[i] = r.x;
  }
  const [lo, hi, max] = idx as [number, number, number];
  if (lo > hi) return { ok: false, error: `invalid slice index: ${lo} > ${hi}` };
  if (indexes.length === 3 && hi > max) return { ok: false, error: `invalid slice index: ${hi} > ${max}` };
  if (item.k === 'slice') return { ok: true, v: reslice(item, lo, hi, max) };
  const bytes = Buffer.from(item.v, 'utf8').subarray(lo, hi);
  const text = bytes.toString('utf8');
  // A cut inside a UTF-8 sequence gives bytes a JS string cannot hold.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Unsupported('slice that cuts a UTF-8 sequence');
  return { ok: true, v: { k: 'string', v: text } };
}

/**
 * A function argument. Both parameter kinds the reproduced builtins take (reflect.Value and any)
 * can be nil, so Go's validateType passes an invalid value through as the zero value.
 */
function evalArg(s: State, dot: Val, n: Node): Val {
  s.at(n);
  let v: Val;
  switch (n.type) {
    case 'dot': v = dot; break;
    case 'nil': return INVALID;
    case 'field': v = s.evalFieldChain(dot, n.ident, [n], null); break;
    case 'variable': v = s.evalVariable(n, null, null); break;
    case 'pipe': v = s.evalPipeline(dot, n); break;
    case 'identifier': v = callBuiltin(s, dot, n.ident, n, null, null); break;
    case 'chain': v = s.evalChain(dot, n, null, null); break;
    case 'bool': return { k: 'bool', v: n.value };
    case 'number': return s.idealConstant(n);
    case 'string': return { k: 'string', v: n.text };
    default: throw new Unsupported(`argument ${n.type}`);
  }
  return v;
}

/** fmt.Sprint / Sprintln over template values (nil interface → <nil>). */
function sprint(args: readonly Val[], ln: boolean): string {
  let out = '';
  args.forEach((a, i) => {
    const u = unwrap(a);
    const isStr = u.k === 'string';
    const prevStr = i > 0 && unwrap(args[i - 1]!).k === 'string';
    if (i > 0 && (ln || (!isStr && !prevStr))) out += ' ';
    out += u.k === 'invalid' ? '<nil>' : formatVal(u);
  });
  return ln ? out + '\n' : out;
}

/** text/template's evalArgs (html, urlquery): a lone string as is, else printable values through Sprint. */
function evalArgsText(args: readonly Val[]): string {
  if (args.length === 1 && unwrap(args[0]!).k === 'string') return (unwrap(args[0]!) as { v: string }).v;
  return args.map((a, i) => {
    const u = unwrap(a);
    const isStr = u.k === 'string' || u.k === 'invalid';
    const prev = i > 0 ? unwrap(args[i - 1]!) : null;
    const prevStr = prev !== null && (prev.k === 'string' || prev.k === 'invalid');
    return (i > 0 && !isStr && !prevStr ? ' ' : '') + (u.k === 'invalid' ? '<no value>' : formatVal(u));
  }).join('');
}

function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' })[c]!);
}

function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';
const basicKind = (v: Val): BasicKind => (v.k === 'bool' ? 'bool' : v.k === 'int' ? 'int' : v.k === 'float64' ? 'float' : v.k === 'string' ? 'string' : 'invalid');

function eq(arg1In: Val, rest: readonly Val[]): { ok: true; v: boolean } | { ok: false; error: string } {
  const a = unwrap(arg1In);
  if (rest.length === 0) return { ok: false, error: 'missing argument for comparison' };
  const k1 = basicKind(a);
  for (const r of rest) {
    const b = unwrap(r);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if (a.k !== 'invalid' && b.k !== 'invalid') return { ok: false, error: `incompatible types for comparison: ${typeName(a)} and ${typeName(b)}` };
    } else if (k1 === 'invalid') {
      throw new Unsupported('eq/ne on values that are not basic kinds');
    } else {
      truth = (a as { v: unknown }).v === (b as { v: unknown }).v;
    }
    if (truth) return { ok: true, v: true };
  }
  return { ok: true, v: false };
}

/** text/template's lt: basic kinds only, same kind only (no uints in JSON data). */
function lt(a0: Val, b0: Val): { ok: true; v: boolean } | { ok: false; error: string } {
  const a = unwrap(a0);
  const b = unwrap(b0);
  const k1 = basicKind(a);
  if (k1 === 'invalid') return { ok: false, error: 'invalid type for comparison' };
  const k2 = basicKind(b);
  if (k2 === 'invalid') return { ok: false, error: 'invalid type for comparison' };
  if (k1 !== k2) return { ok: false, error: `incompatible types for comparison: ${typeName(a)} and ${typeName(b)}` };
  if (k1 === 'bool') return { ok: false, error: 'invalid type for comparison' };
  if (a.k === 'string' && b.k === 'string') return { ok: true, v: compareGoStrings(a.v, b.v) < 0 };
  return { ok: true, v: (a as { v: number | bigint }).v < (b as { v: number | bigint }).v };
}

function compare(name: string, a: Val, b: Val): { ok: true; v: boolean } | { ok: false; error: string } {
  const less = lt(a, b);
  if (!less.ok) return less;
  if (name === 'lt') return less;
  if (name === 'ge') return { ok: true, v: !less.v };
  const le = less.v ? less : eq(a, [b]);
  if (!le.ok) return le;
  return name === 'le' ? le : { ok: true, v: !le.v };
}

function index(item0: Val, indexes: readonly Val[]): { ok: true; v: Val } | { ok: false; error: string } {
  let item = unwrap(item0);
  if (item.k === 'invalid') return { ok: false, error: 'index of untyped nil' };
  for (const raw of indexes) {
    const idx = unwrap(raw);
    if (item.k === 'iface') {
      if (item.inner === null) return { ok: false, error: 'index of nil pointer' };
      item = unwrap(item);
    }
    if (item.k === 'slice' || item.k === 'string') {
      const len: bigint = BigInt(item.k === 'slice' ? item.v.length : Buffer.byteLength(item.v, 'utf8'));
      if (idx.k === 'invalid') return { ok: false, error: 'cannot index slice/array with nil' };
      if (idx.k !== 'int') return { ok: false, error: `cannot index slice/array with type ${typeName(idx)}` };
      const x = idx.v;
      if (x < 0n || x > len) return { ok: false, error: `index out of range: ${x}` };
      if (x === len) return { ok: false, error: `reflect: ${item.k} index out of range` };
      // A string element is a uint8, a type this reproduction does not model.
      if (item.k === 'string') throw new Unsupported('index of a string');
      item = { k: 'iface', inner: item.v[Number(x)]! };
    } else if (item.k === 'map') {
      if (idx.k === 'invalid') return { ok: false, error: 'value is nil; should be of type string' };
      if (idx.k !== 'string') return { ok: false, error: `value has type ${typeName(idx)}; should be string` };
      item = { k: 'iface', inner: item.v.has(idx.v) ? item.v.get(idx.v)! : null };
    } else {
      return { ok: false, error: `can't index item of type ${typeName(item)}` };
    }
  }
  return { ok: true, v: item };
}

/** evalFunction + evalCall for a builtin. `node` is what "error calling" errors point at. */
export function callBuiltin(s: State, dot: Val, name: string, node: CommandNode | Node, allArgs: readonly Node[] | null, final: Final): Val {
  const sig = SIGS[name];
  if (!sig) throw new Unsupported(`builtin function ${name}`);
  const args = allArgs ? allArgs.slice(1) : [];
  const numIn = args.length + (final !== null ? 1 : 0);
  const numFixed = sig.variadic ? sig.numIn - 1 : args.length;
  if (sig.variadic) {
    if (numIn < numFixed) s.errorf(`wrong number of args for ${name}: want at least ${sig.numIn - 1} got ${args.length}`);
  } else if (numIn !== sig.numIn) {
    s.errorf(`wrong number of args for ${name}: want ${sig.numIn} got ${numIn}`);
  }
  if (name === 'and' || name === 'or') {
    let v: Val = INVALID;
    for (const a of args) {
      v = evalArg(s, dot, a);
      if (isTrue(unwrap(v)) === (name === 'or')) return v;
    }
    if (final !== null) v = final;
    return v;
  }
  const fail = (error: string): never => {
    s.at(node);
    s.errorf(`error calling ${name}: ${error}`);
  };
  if (name === 'printf') {
    // func Sprintf(format string, a ...any): the format is a string parameter.
    const format = args.length > 0 ? evalStringArg(s, dot, args[0] as Node) : null;
    const rest = args.slice(1).map((a) => evalArg(s, dot, a));
    if (final !== null) {
      if (format === null) {
        // The pipeline's value is the format: validateType(final, string).
        const f = unwrap(final);
        if (f.k !== 'string') s.errorf(f.k === 'invalid' ? 'invalid value; expected string' : `wrong type for value; expected string; got ${typeName(f)}`);
        return { k: 'string', v: sprintf((f as { v: string }).v, []) };
      }
      rest.push(final);
    }
    return { k: 'string', v: sprintf(format ?? '', rest.map(operand)) };
  }
  const argv = args.map((a) => evalArg(s, dot, a));
  if (final !== null) argv.push(final);
  switch (name) {
    case 'not': return { k: 'bool', v: !isTrue(unwrap(argv[0]!)) };
    case 'len': {
      const a = argv[0]!;
      if (a.k === 'iface' && a.inner === null) fail('len of nil pointer');
      const u = unwrap(a);
      if (u.k === 'map') return { k: 'int', v: BigInt(u.v.size) };
      if (u.k === 'slice') return { k: 'int', v: BigInt(u.v.length) };
      if (u.k === 'string') return { k: 'int', v: BigInt(Buffer.byteLength(u.v, 'utf8')) };
      if (u.k === 'invalid') return fail('reflect: call of reflect.Value.Type on zero Value');
      return fail(`len of type ${typeName(u)}`);
    }
    case 'index': {
      const r = index(argv[0]!, argv.slice(1));
      return r.ok ? r.v : fail(r.error);
    }
    case 'eq': case 'ne': {
      const r = eq(argv[0]!, argv.slice(1));
      if (!r.ok) return fail(r.error);
      return { k: 'bool', v: name === 'eq' ? r.v : !r.v };
    }
    case 'lt': case 'le': case 'gt': case 'ge': {
      const r = compare(name, argv[0]!, argv[1]!);
      return r.ok ? { k: 'bool', v: r.v } : fail(r.error);
    }
    case 'print': return { k: 'string', v: sprint(argv, false) };
    case 'println': return { k: 'string', v: sprint(argv, true) };
    case 'html': return { k: 'string', v: htmlEscape(evalArgsText(argv)) };
    case 'urlquery': return { k: 'string', v: queryEscape(evalArgsText(argv)) };
    case 'js': return { k: 'string', v: jsEscape(evalArgsText(argv)) };
    case 'slice': {
      const r = slice(argv[0]!, argv.slice(1));
      return r.ok ? r.v : fail(r.error);
    }
    case 'call': {
      // evalCall inserts the callee's name: the first argument node, or the pipeline's value.
      const callee = args.length > 0 ? nodeString(args[0] as Node) : valueString(final ?? INVALID);
      const fn = unwrap(argv[0]!);
      if (fn.k === 'invalid') return fail('call of nil');
      // JSON data holds no functions: whatever it is, it is not one.
      return fail(`non-function ${callee} of type ${typeName(fn)}`);
    }
  }
  throw new Unsupported(`builtin function ${name}`);
}
