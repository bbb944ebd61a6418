/**
 * text/template parse-tree nodes and their String() forms (Go prints them in execution errors,
 * e.g. `executing "" at <.host>`). Positions are byte offsets into the template text.
 */
import { goQuote } from '../gojson/index.js';

export type Node =
  | { readonly type: 'list'; readonly pos: number; readonly nodes: Node[] }
  | { readonly type: 'text'; readonly pos: number; readonly text: string }
  | { readonly type: 'comment'; readonly pos: number; readonly text: string }
  | { readonly type: 'action'; readonly pos: number; readonly line: number; readonly pipe: PipeNode }
  | PipeNode
  | CommandNode
  | { readonly type: 'identifier'; readonly pos: number; readonly ident: string }
  | VariableNode
  | { readonly type: 'dot'; readonly pos: number }
  | { readonly type: 'nil'; readonly pos: number }
  | { readonly type: 'field'; readonly pos: number; readonly ident: string[] }
  | { readonly type: 'chain'; readonly pos: number; readonly node: Node; readonly field: string[] }
  | { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
  | NumberNode
  | { readonly type: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }
  | { readonly type: 'end'; readonly pos: number }
  | { readonly type: 'else'; readonly pos: number; readonly line: number }
  | BranchNode
  | { readonly type: 'break' | 'continue'; readonly pos: number; readonly line: number }
  | { readonly type: 'template'; readonly pos: number; readonly line: number; readonly name: string; readonly pipe: PipeNode | null };

export interface PipeNode { readonly type: 'pipe'; readonly pos: number; readonly line: number; isAssign: boolean; readonly decl: VariableNode[]; readonly cmds: CommandNode[] }
export interface CommandNode { readonly type: 'command'; readonly pos: number; readonly args: Node[] }
export interface VariableNode { readonly type: 'variable'; readonly pos: number; readonly ident: string[] }
export interface BranchNode { readonly type: 'if' | 'range' | 'with'; readonly pos: number; readonly line: number; readonly pipe: PipeNode; readonly list: ListNode; readonly elseList: ListNode | null }
export type ListNode = Extract<Node, { type: 'list' }>;

/**
 * Go's NumberNode after newNumber: which interpretations succeeded. We accept only decimal
 * integers and decimal floats; other spellings are reported as unsupported by the parser.
 */
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly float64: number;
}

/** Go's Node.String(). */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return n.text;
    case 'comment': return `{{${n.text}}}`;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command': return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier': return n.ident;
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'field': return n.ident.map((id) => '.' + id).join('');
    case 'chain': return (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'bool': return n.value ? 'true' : 'false';
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'end': return '{{end}}';
    case 'else': return '{{else}}';
    case 'if': case 'range': case 'with':
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? '{{else}}' + nodeString(n.elseList) : ''}{{end}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'template': return `{{template ${goQuote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
  }
}
