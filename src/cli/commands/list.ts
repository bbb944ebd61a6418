import { join } from 'node:path';
import { CATALOGUE, sourceUrl, type Rule } from '../../catalogue/index.js';
import { featureRuleIds, patternRegExp, SelectionError, splitPatterns } from '../../report/selection.js';
import { bool, list, parseArgs, str } from '../args.js';
import { COMMANDS } from '../flags.js';
import { count } from '../../report/words.js';
import { EXIT, UsageError } from '../exit.js';
import { PROJECT_ROOT } from './check.js';

/**
 * `ccaas-conformance list`: every rule of the catalogue with its level, text and Fabric source,
 * and whether a bundled scenario judges it. Filters: --level, --run patterns; --json for tools.
 */

const FLAGS = COMMANDS['list']?.options ?? {};

const FAMILY_TITLE: Readonly<Record<string, string>> = {
  PKG: 'the install package as the peer parses it',
  CODE: 'code.tar.gz as extracted for the builders',
  BLD: 'the external builder contract',
  CONN: 'connection.json as the peer reads it at launch',
  DIAL: 'how the peer connects to the chaincode server',
  PROTO: 'the chaincode message protocol, peer side',
  SHIM: 'the official chaincode servers',
  DRIFT: 'where the Fabric documentation disagrees with the code',
};

export interface ListedRule {
  readonly id: string;
  readonly family: string;
  readonly level: string;
  readonly title: string;
  readonly peer: string;
  readonly remedy: string;
  readonly confidence: string;
  readonly scenario: boolean;
  readonly source: ReadonlyArray<{ readonly repo: string; readonly path: string; readonly symbols: readonly string[]; readonly url: string }>;
  readonly docSays?: string;
  /** The releases the rule holds for and how their peers differ (absent: every release alike). */
  readonly releases?: { readonly appliesTo: readonly string[]; readonly differences: Readonly<Record<string, string>> };
}

export function listRules(opts: { level?: string | null; run?: readonly string[]; withScenario?: boolean } = {}): ListedRule[] {
  const covered = new Set(featureRuleIds(join(PROJECT_ROOT, 'features', 'conformance')));
  const res = (opts.run ?? []).map(patternRegExp);
  const level = opts.level ? opts.level.toUpperCase() : null;
  return CATALOGUE.filter((r) => (level ? r.level === level : true))
    .filter((r) => res.length === 0 || res.some((re) => re.test(r.id)))
    .filter((r) => !opts.withScenario || covered.has(r.id))
    .map((r: Rule) => ({
      id: r.id,
      family: r.family,
      level: r.level,
      title: r.title,
      peer: r.peer,
      remedy: r.remedy,
      confidence: r.confidence,
      scenario: covered.has(r.id),
      source: r.source.map((s) => ({ repo: s.repo, path: s.path, symbols: [...(s.symbols ?? [])], url: sourceUrl(s) })),
      ...(r.docSays ? { docSays: r.docSays } : {}),
      ...(r.releases ? { releases: { appliesTo: [...r.releases.appliesTo], differences: { ...(r.releases.differences ?? {}) } } } : {}),
    }));
}

export function formatList(rules: readonly ListedRule[]): string {
  const lines: string[] = [];
  let family = '';
  for (const r of rules) {
    if (r.family !== family) {
      family = r.family;
      lines.push('', `${family}: ${FAMILY_TITLE[family] ?? ''}`.trimEnd());
    }
    lines.push(`  ${r.id.padEnd(13)} ${r.level.padEnd(6)} ${r.scenario ? '●' : '·'} ${r.title}`);
    const src = r.source[0];
    if (src) lines.push(`  ${''.padEnd(13)} ${''.padEnd(6)}   ${src.repo}: ${src.path}${src.symbols.length > 0 ? ` (${src.symbols.join(', ')})` : ''}`);
  }
  const judged = rules.filter((r) => r.scenario).length;
  lines.push('', `${count(rules.length, 'rule')} (${rules.filter((r) => r.level === 'MUST').length} MUST, ${rules.filter((r) => r.level === 'SHOULD').length} SHOULD); ● ${judged} judged by a bundled scenario, · ${rules.length - judged} catalogued only.`);
  lines.push('Details of one rule: ccaas-conformance list --run <ID> --json; run only some: ccaas-conformance <pkg> --run <ID,PATTERN...>');
  return lines.join('\n').replace(/^\n/, '');
}

export async function runListCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, FLAGS);
  if (p.positionals.length > 0) throw new UsageError(`list takes no arguments, got '${p.positionals.join(' ')}'`);
  const level = str(p, 'level');
  if (level !== null && !/^(must|should)$/i.test(level)) throw new UsageError(`--level takes must or should, not '${level}'`);
  let rules: ListedRule[];
  try {
    rules = listRules({ level, run: splitPatterns(list(p, 'run')), withScenario: bool(p, 'with-scenario') });
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(e.message);
    throw e;
  }
  process.stdout.write(bool(p, 'json') ? `${JSON.stringify(rules, null, 2)}\n` : `${formatList(rules)}\n`);
  return EXIT.CONFORMANT;
}
