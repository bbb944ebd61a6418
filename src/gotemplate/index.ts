/**
 * Go text/template, as far as the built-in ccaas builder needs it for connection.json fields:
 * `template.New("").Option("missingkey=error").Parse(s)` then `Execute(buf, cfg)` where cfg is
 * CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG decoded into map[string]interface{} (nil when unset).
 * Results are Go's exact texts, or an explicit `unsupported` for constructs not reproduced.
 */
import type { GoMap } from '../gojson/index.js';
import { ExecError, execute } from './exec.js';
import { ParseError, parseTemplate } from './parse.js';
import { Unsupported } from './unquote.js';

export type TemplateResult =
  | { readonly ok: true; readonly output: string }
  | { readonly ok: false; readonly phase: 'parse' | 'execute'; readonly error: string }
  | { readonly ok: false; readonly phase: 'unsupported'; readonly error: string };

/** Parse and execute `text` with missingkey=error, as the ccaas builder's execTempl does. */
export function execTemplate(text: string, data: GoMap | null): TemplateResult {
  const bytes = Buffer.from(text, 'utf8');
  let phase: 'parse' | 'execute' = 'parse';
  try {
    const { trees } = parseTemplate(bytes, '');
    const root = trees.get('');
    phase = 'execute';
    if (root === undefined) return { ok: false, phase, error: 'template: : "" is an incomplete or empty template' };
    return { ok: true, output: execute(bytes, '', root, data) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, phase: 'unsupported', error: e.message };
    if (e instanceof ParseError || e instanceof ExecError) return { ok: false, phase, error: e.message };
    throw e;
  }
}

export { Unsupported } from './unquote.js';
