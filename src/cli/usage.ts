import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_OPTIONS, COMMANDS, GROUP_TITLE, type Group, type Options, type OptionSpec } from './flags.js';

/**
 * The usage text and the README's option table, both generated from the flag specification
 * (src/cli/flags.ts): one source, so help, README and parser cannot drift apart.
 */

const NAME = 'ccaas-conformance';

const EXIT_CODES = `exit codes: 0 the run passes (conformant, or every failure expected), 1 not conformant (or a stale
expected failure), 2 bad usage or unreadable input, 3 the harness failed`;

/** `--builder DIR`, `-q, --quiet`: an option as typed. */
export function optionLabel(name: string, o: OptionSpec): string {
  return `${o.alias ? `-${o.alias}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
}

function optionLines(options: Options): string[] {
  const byGroup = new Map<Group, Array<[string, OptionSpec]>>();
  for (const [name, o] of Object.entries(options)) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), [name, o]]);
  const width = Math.max(...Object.entries(options).map(([n, o]) => optionLabel(n, o).length)) + 4;
  const out: string[] = [];
  for (const [group, entries] of byGroup) {
    out.push('', `${GROUP_TITLE[group]}:`);
    for (const [name, o] of entries) out.push(`  ${optionLabel(name, o).padEnd(width - 2)}${o.help}`);
  }
  return out;
}

/** `ccaas-conformance --help`: the main job's options, grouped, and the commands. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 3;
  return [
    `usage: ${NAME} <package.tgz> [options]     judge a CCaaS package (and its chaincode server) as the peer would`,
    `       ${NAME} <command> [arguments] [options]`,
    `       ${NAME} <command> --help | --version`,
    ...optionLines(CHECK_OPTIONS),
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `ccaas-conformance <command> --help`. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name];
  if (!c) return usage();
  return [
    `usage: ${NAME} ${c.synopsis}`,
    '',
    c.summary,
    ...(Object.keys(c.options).length > 0 ? optionLines(c.options) : []),
    ...(c.withCheckOptions ? ['', `It also takes the main job's options (${NAME} --help), e.g. --command, --address, --state-db.`] : []),
    '',
    EXIT_CODES,
  ].join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The README's option table of the main job, grouped as --help groups it. */
export function readmeOptionTable(): string {
  const rows = ['| option | meaning |', '|---|---|'];
  let group: Group | null = null;
  for (const [name, o] of Object.entries(CHECK_OPTIONS)) {
    if (o.group !== group) {
      group = o.group;
      rows.push(`| **${GROUP_TITLE[group]}** | |`);
    }
    const label = `\`${cell(optionLabel(name, o))}\``;
    rows.push(`| ${label} | ${cell(o.help)}${o.more ? `. ${cell(o.more.charAt(0).toUpperCase() + o.more.slice(1))}` : ''} |`);
  }
  return rows.join('\n');
}

export const README_BEGIN = '<!-- options: generated from src/cli/flags.ts by `node dist/src/cli/usage.js --write-readme`; do not edit -->';
export const README_END = '<!-- options end -->';

/** The README's text with its generated table replaced by the current one. */
export function withReadmeTable(readme: string): string {
  const a = readme.indexOf(README_BEGIN);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${README_BEGIN} ... ${README_END} block`);
  return `${readme.slice(0, a + README_BEGIN.length)}\n${readmeOptionTable()}\n${readme.slice(b)}`;
}

if (require.main === module && process.argv[2] === '--write-readme') {
  const file = join(__dirname, '..', '..', '..', 'README.md');
  writeFileSync(file, withReadmeTable(readFileSync(file, 'utf8')));
  process.stdout.write(`${file}: option table regenerated\n`);
}
