/**
 * text/template's parser (Go 1.26 text/template/parse), reproduced for exact parse errors:
 * `template: <name>:<line>: <message>`, where the line is that of the last token read.
 * The function set is text/template's builtins (what template.New("").Parse sees).
 */
import { Lexer, T, itemString, type Item } from './lex.js';
import { INVALID_SYNTAX, Unsupported, goUnquote, readNumber } from './unquote.js';
import { goQuote } from '../gojson/index.js';
import type { BranchNode, CommandNode, ListNode, Node, PipeNode, VariableNode } from './nodes.js';

export const BUILTIN_FUNCS: ReadonlySet<string> = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
]);

const MAX_STACK_DEPTH = 10000;

/** Text that bytes.TrimSpace empties (unicode.IsSpace). */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

export class ParseError extends Error {}

export interface Trees {
  /** Template name → root list. The template parsed is named "" in the ccaas builder. */
  readonly trees: Map<string, ListNode>;
  readonly text: Buffer;
}

class Tree {
  root: ListNode | null = null;
  private readonly token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(public name: string, private readonly parseName: string, private readonly lex: Lexer, private readonly treeSet: Map<string, ListNode>) {}

  errorf(message: string): never {
    this.root = null;
    throw new ParseError(`template: ${this.parseName}:${this.token[0]?.line ?? 0}: ${message}`);
  }

  next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }
  backup(): void { this.peekCount++; }
  backup2(t1: Item): void { this.token[1] = t1; this.peekCount = 2; }
  backup3(t2: Item, t1: Item): void { this.token[1] = t1; this.token[2] = t2; this.peekCount = 3; }
  peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }
  nextNonSpace(): Item {
    for (;;) {
      const t = this.next();
      if (t.typ !== T.Space) return t;
    }
  }
  peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  expect(expected: T, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== expected) this.unexpected(t, context);
    return t;
  }
  expectOneOf(a: T, b: T, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== a && t.typ !== b) this.unexpected(t, context);
    return t;
  }
  unexpected(token: Item, context: string): never {
    if (token.typ === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  /** IsEmptyTree. */
  static isEmpty(n: Node): boolean {
    switch (n.type) {
      case 'comment': return true;
      case 'list': return n.nodes.every(Tree.isEmpty);
      case 'text': return GO_SPACE_ONLY.test(n.text);
      default: return false;
    }
  }

  add(): void {
    const existing = this.treeSet.get(this.name);
    if (existing === undefined || Tree.isEmpty(existing)) {
      this.treeSet.set(this.name, this.root!);
      return;
    }
    if (!Tree.isEmpty(this.root!)) this.errorf(`template: multiple definition of template ${goQuote(this.name)}`);
  }

  parse(): void {
    this.root = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== T.EOF) {
      if (this.peek().typ === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.Define) {
          const def = new Tree('definition', this.parseName, this.lex, this.treeSet);
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${n.type === 'end' ? '{{end}}' : '{{else}}'}`);
      this.root.nodes.push(n);
    }
  }

  parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(T.String, T.RawString, context);
    const unq = goUnquote(name.val);
    if (unq === null) this.errorf(INVALID_SYNTAX);
    this.name = unq;
    this.expect(T.RightDelim, context);
    const { list, next } = this.itemList();
    this.root = list;
    if (next.type !== 'end') this.errorf(`unexpected ${endOrElse(next)} in ${context}`);
    this.add();
  }

  itemList(): { list: ListNode; next: Node } {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== T.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return { list, next: n };
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Text: return { type: 'text', pos: token.pos, text: token.val };
      case T.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case T.Comment: return { type: 'comment', pos: token.pos, text: token.val };
      default: this.unexpected(token, 'input');
    }
  }

  action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Block: return this.blockControl();
      case T.Break: return this.breakOrContinue('break', token);
      case T.Continue: return this.breakOrContinue('continue', token);
      case T.Else: return this.elseControl();
      case T.End: return { type: 'end', pos: this.expect(T.RightDelim, 'end').pos };
      case T.If: return this.branch('if');
      case T.Range: return this.branch('range');
      case T.Template: return this.templateControl();
      case T.With: return this.branch('with');
    }
    this.backup();
    const t = this.peek();
    return { type: 'action', pos: t.pos, line: t.line, pipe: this.pipeline('command', T.RightDelim) };
  }

  breakOrContinue(kind: 'break' | 'continue', token: Item): Node {
    const t = this.nextNonSpace();
    if (t.typ !== T.RightDelim) this.unexpected(t, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { type: kind, pos: token.pos, line: token.line };
  }

  pipeline(context: string, end: T): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, line: token.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== T.Variable) break;
      this.next();
      const after = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === T.Assign || next.typ === T.Declare) {
        pipe.isAssign = next.typ === T.Assign;
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
      } else if (next.typ === T.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (after.typ === T.Space) {
        this.backup3(v, after);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.typ) {
        case T.Bool: case T.CharConstant: case T.Complex: case T.Dot: case T.Field: case T.Identifier:
        case T.Number: case T.Nil: case T.RawString: case T.String: case T.Variable: case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  branch(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let { list, next } = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (context === 'if' && this.peek().typ === T.If) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branch('if')] };
        } else if (context === 'with' && this.peek().typ === T.With) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branch('with')] };
        } else {
          ({ list: elseList, next } = this.itemList());
          if (next.type !== 'end') this.errorf(`expected end; found ${endOrElse(next)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  elseControl(): Node {
    const p = this.peekNonSpace();
    if (p.typ === T.If || p.typ === T.With) return { type: 'else', pos: p.pos, line: p.line };
    const t = this.expect(T.RightDelim, 'else');
    return { type: 'else', pos: t.pos, line: t.line };
  }

  blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const block = new Tree(name, this.parseName, this.lex, this.treeSet);
    const { list, next } = block.itemList();
    block.root = list;
    if (next.type !== 'end') this.errorf(`unexpected ${endOrElse(next)} in ${context}`);
    block.add();
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  templateName(token: Item, context: string): string {
    if (token.typ !== T.String && token.typ !== T.RawString) this.unexpected(token, context);
    const s = goUnquote(token.val);
    if (s === null) this.errorf(INVALID_SYNTAX);
    return s;
  }

  command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.typ === T.Space) continue;
      if (t.typ === T.RightDelim || t.typ === T.RightParen) this.backup();
      else if (t.typ !== T.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  operand(): Node | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === T.Field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === T.Field) fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field': node = { type: 'field', pos, ident: [...node.ident, ...fields] }; break;
        case 'variable': node = { type: 'variable', pos, ident: [...node.ident, ...fields] }; break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          this.errorf(`unexpected . after term ${goQuote(termString(node))}`);
        default: node = { type: 'chain', pos, node, field: fields };
      }
    }
    return node;
  }

  term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Identifier:
        if (!BUILTIN_FUNCS.has(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case T.Dot: return { type: 'dot', pos: token.pos };
      case T.Nil: return { type: 'nil', pos: token.pos };
      case T.Variable: return this.useVar(token);
      case T.Field: return { type: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case T.Bool: return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case T.CharConstant: throw new Unsupported(`character constant ${token.val}`);
      case T.Complex: throw new Unsupported(`complex constant ${token.val}`);
      case T.Number: {
        const r = readNumber(token.val, goQuote(token.val));
        if (!r.ok) this.errorf(r.error);
        return { type: 'number', pos: token.pos, text: token.val, isInt: r.isInt, isUint: r.isUint, isFloat: r.isFloat, int64: r.int64, float64: r.float64 };
      }
      case T.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', T.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case T.String: case T.RawString: {
        const s = goUnquote(token.val);
        if (s === null) this.errorf(INVALID_SYNTAX);
        return { type: 'string', pos: token.pos, quoted: token.val, text: s };
      }
    }
    this.backup();
    return null;
  }

  useVar(token: Item): VariableNode {
    const ident = token.val.split('.');
    if (!this.vars.includes(ident[0]!)) this.errorf(`undefined variable ${goQuote(ident[0]!)}`);
    return { type: 'variable', pos: token.pos, ident };
  }
}

function endOrElse(n: Node): string {
  return n.type === 'end' ? '{{end}}' : n.type === 'else' ? '{{else}}' : n.type;
}

function termString(n: Node): string {
  switch (n.type) {
    case 'bool': return n.value ? 'true' : 'false';
    case 'string': return n.quoted;
    case 'number': return n.text;
    case 'nil': return 'nil';
    default: return '.';
  }
}

/** Parses like template.New(name).Parse(text); throws ParseError (Go's text) or Unsupported. */
export function parseTemplate(text: Buffer, name = ''): Trees {
  const treeSet = new Map<string, ListNode>();
  const lex = new Lexer(text);
  const t = new Tree(name, name, lex, treeSet);
  t.parse();
  t.add();
  return { trees: treeSet, text };
}
