import { readFile } from 'node:fs/promises';
import { sourceUrl } from '../../catalogue/index.js';
import { explainLog, type Explanation } from '../../report/explain.js';
import { redact } from '../../report/redact.js';
import { bool, parseArgs, str } from '../args.js';
import { COMMANDS } from '../flags.js';
import { EXIT, UsageError } from '../exit.js';

/**
 * `ccaas-conformance explain "<peer log line>"` (or `--file peer.log`, or `-` for stdin): the
 * rule a peer error means, its likely causes and the checks to run. Exit 0 when something was
 * recognised, 1 when nothing was, 2 on bad usage.
 */

const FLAGS = COMMANDS['explain']?.options ?? {};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function formatExplanation(e: Explanation): string {
  const [main, ...related] = e.rules;
  const lines: string[] = [];
  lines.push(`» ${e.line.trim().length > 240 ? `${e.line.trim().slice(0, 240)}…` : e.line.trim()}`);
  if (main) {
    lines.push('', `${main.id} [${main.level}] ${main.title}`);
    lines.push(`  What the peer does: ${main.peer}`);
  }
  lines.push('  Likely causes:');
  e.causes.forEach((c, i) => lines.push(`    ${i + 1}. ${c}`));
  if (e.checks.length > 0) {
    lines.push('  Checks to run:');
    for (const c of e.checks) lines.push(`    $ ${c}`);
  }
  if (main) {
    lines.push(`  Fix: ${main.remedy}`);
    const src = main.source[0];
    if (src) lines.push(`  Fabric source: ${sourceUrl(src)}`);
  }
  if (related.length > 0) lines.push(`  Related: ${related.map((r) => `${r.id} (${r.title})`).join('; ')}`);
  if (e.from === 'catalogue') lines.push('  (matched an error text quoted by the rule catalogue)');
  return lines.join('\n');
}

export async function runExplainCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, FLAGS);
  const file = str(p, 'file');
  let text: string;
  if (file !== null) {
    if (p.positionals.length > 0) throw new UsageError('explain takes a log line or --file, not both');
    text = await readFile(file, 'utf8').catch(() => {
      throw new UsageError(`cannot read ${file}: no such file`);
    });
  } else if (p.positionals.length === 1 && p.positionals[0] === '-') text = await readStdin();
  else if (p.positionals.length > 0) text = p.positionals.join(' ');
  else throw new UsageError('explain needs a peer log line: ccaas-conformance explain "<line>" (or --file peer.log, or - for stdin)');
  const found = explainLog(text);
  if (bool(p, 'json')) {
    const out = found.map((e) => ({
      line: redact(e.line),
      pattern: e.pattern,
      from: e.from,
      rule: e.rules[0]?.id ?? null,
      related: e.rules.slice(1).map((r) => r.id),
      level: e.rules[0]?.level ?? null,
      title: e.rules[0]?.title ?? null,
      causes: e.causes.map(redact),
      checks: e.checks,
      remedy: e.rules[0]?.remedy ?? null,
      source: e.rules[0]?.source[0] ? sourceUrl(e.rules[0].source[0]) : null,
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (found.length > 0) process.stdout.write(`${redact(found.map(formatExplanation).join('\n\n'))}\n`);
  else {
    process.stdout.write(
      'No known peer error in that text. Paste the whole error chain (from "could not launch chaincode" or "chaincode install failed" to the end of the line),\n' +
        'or run every check on the package: npx ccaas-conformance <pkg> --command "<how you start your chaincode server>"\n',
    );
  }
  return found.length > 0 ? EXIT.CONFORMANT : EXIT.NON_CONFORMANT;
}
