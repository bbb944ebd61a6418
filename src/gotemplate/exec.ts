/**
 * text/template execution (Go 1.26 exec.go) over JSON-decoded data, with Option("missingkey=error")
 * as the ccaas builder sets it. Reproduced: text, comments, actions, pipelines, fields and chains,
 * variables, if/else/with/range/break/continue, literals, and the builtins not, and, or, len, index, slice,
 * print, println, printf, eq, ne, lt, le, gt, ge, html, js, urlquery, call. Everything else throws Unsupported instead of guessing.
 */
import { goQuote, type GoMap } from '../gojson/index.js';
import { nodeString, type BranchNode, type CommandNode, type Node, type NumberNode, type PipeNode, type VariableNode } from './nodes.js';
import { Unsupported } from './unquote.js';
import { callBuiltin } from './builtins.js';
import { INVALID, concrete, formatVal, isTrue, typeName, unwrap, type Val } from './value.js';

export class ExecError extends Error {}

class Break {}
class Continue {}

export interface ExecContext {
  readonly text: Buffer;
  readonly name: string;
}

/** The value `final` takes when no previous pipeline stage feeds the command. */
export type Final = Val | null;

export class State {
  node: Node | null = null;
  out = '';
  private vars: { name: string; value: Val }[];

  constructor(private readonly ctx: ExecContext, root: Val) {
    this.vars = [{ name: '$', value: root }];
  }

  at(n: Node): void {
    this.node = n;
  }

  errorf(message: string): never {
    const name = goQuote(this.ctx.name);
    if (this.node === null) throw new ExecError(`template: ${this.ctx.name}: ${message}`);
    const pos = this.node.pos;
    const before = this.ctx.text.subarray(0, pos);
    const nl = before.lastIndexOf(0x0a);
    const col = nl === -1 ? pos : pos - (nl + 1);
    let line = 1;
    for (const b of before) if (b === 0x0a) line++;
    throw new ExecError(`template: ${this.ctx.name}:${line}:${col}: executing ${name} at <${nodeString(this.node)}>: ${message}`);
  }

  mark(): number { return this.vars.length; }
  pop(mark: number): void { this.vars.length = mark; }
  push(name: string, value: Val): void { this.vars.push({ name, value }); }
  setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) { this.vars[i]!.value = value; return; }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: Val): void { this.vars[this.vars.length - n]!.value = value; }
  varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: Val, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      case 'comment': return;
      case 'if': case 'with': return this.walkIfOrWith(dot, node);
      case 'list': for (const n of node.nodes) this.walk(dot, n); return;
      case 'range': return this.walkRange(dot, node);
      case 'template': throw new Unsupported('{{template}} / {{block}}');
      case 'text': this.out += node.text; return;
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  printValue(n: Node, v: Val): void {
    this.at(n);
    this.out += v.k === 'invalid' ? '<no value>' : formatVal(v);
  }

  walkIfOrWith(dot: Val, n: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, n.pipe);
      if (isTrue(unwrap(val))) this.walk(n.type === 'with' ? val : dot, n.list);
      else if (n.elseList) this.walk(dot, n.elseList);
    } finally {
      this.pop(mark);
    }
  }

  walkRange(dot: Val, r: BranchNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const one = (index: Val, elem: Val): void => {
        const decl = r.pipe.decl;
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (!(e instanceof Continue)) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      switch (val.k) {
        case 'int':
          if (r.pipe.decl.length > 1) this.errorf(`can't use ${formatVal(val)} to iterate over more than one variable`);
          for (let i = 0n; i < val.v; i++) { ran = true; one(INVALID, { k: 'int', v: i }); }
          break;
        case 'slice':
          val.v.forEach((e, i) => { ran = true; one({ k: 'int', v: BigInt(i) }, { k: 'iface', inner: e }); });
          break;
        case 'map':
          for (const key of sortedKeys(val.v)) { ran = true; one({ k: 'string', v: key }, { k: 'iface', inner: val.v.get(key)! }); }
          break;
        case 'invalid':
          break;
        default:
          this.errorf(`range can't iterate over ${formatVal(val)}`);
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (!(e instanceof Break)) throw e;
    } finally {
      this.pop(outer);
    }
  }

  evalPipeline(dot: Val, pipe: PipeNode): Val {
    this.at(pipe);
    let value: Final = null;
    for (const cmd of pipe.cmds) value = unwrap(this.evalCommand(dot, cmd, value));
    const v = value ?? INVALID;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0]!, v);
      else this.push(d.ident[0]!, v);
    }
    return v;
  }

  notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== null) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: Val, cmd: CommandNode, final: Final): Val {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(dot, first.ident, cmd.args, final);
      case 'chain': return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        this.at(first);
        return callBuiltin(this, dot, first.ident, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariable(first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return { k: 'bool', v: first.value };
      case 'dot': return dot;
      case 'nil': this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return { k: 'string', v: first.text };
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  evalChain(dot: Val, chain: Extract<Node, { type: 'chain' }>, args: readonly Node[] | null, final: Final): Val {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArgAny(dot, chain.node);
    return this.evalFieldChain(pipe, chain.field, args, final);
  }

  evalVariable(v: VariableNode, args: readonly Node[] | null, final: Final): Val {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return value;
    }
    return this.evalFieldChain(value, v.ident.slice(1), args, final);
  }

  evalFieldChain(receiver: Val, ident: readonly string[], args: readonly Node[] | null, final: Final): Val {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(ident[i]!, null, null, r);
    return this.evalField(ident[ident.length - 1]!, args, final, r);
  }

  evalField(fieldName: string, args: readonly Node[] | null, final: Final, receiver: Val): Val {
    if (receiver.k === 'invalid') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
    const typ = typeName(receiver);
    if (receiver.k === 'iface' && receiver.inner === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const r = unwrap(receiver);
    const hasArgs = (args !== null && args.length > 1) || final !== null;
    if (r.k === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m: GoMap = r.v;
      if (!m.has(fieldName)) this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
      return { k: 'iface', inner: m.get(fieldName)! };
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  idealConstant(n: NumberNode): Val {
    this.at(n);
    // a float when it looks like one; a hexadecimal integer's e/E is a digit, not an exponent
    const hexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !hexInt && /[.eEpP]/.test(n.text)) return { k: 'float64', v: n.float64 };
    if (n.isInt) return { k: 'int', v: n.int64 };
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return INVALID;
  }

  /** evalArg with a nil (untyped) parameter type, as evalChainNode uses for its receiver. */
  evalArgAny(dot: Val, n: Node): Val {
    this.at(n);
    switch (n.type) {
      case 'dot': return dot;
      case 'field': return this.evalFieldChain(dot, n.ident, [n], null);
      case 'variable': return this.evalVariable(n, null, null);
      case 'pipe': return this.evalPipeline(dot, n);
      case 'chain': return this.evalChain(dot, n, null, null);
      case 'identifier': return callBuiltin(this, dot, n.ident, n, null, null);
    }
    throw new Unsupported(`argument ${nodeString(n)} of an untyped parameter`);
  }
}

function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Executes tree `root` of `text` with data (the decoded config map, or nil). */
export function execute(text: Buffer, name: string, root: Node, data: GoMap | null): string {
  const dot: Val = data === null ? { k: 'map', v: new Map() } : concrete(data);
  const s = new State({ text, name }, dot);
  s.walk(dot, root);
  return s.out;
}
