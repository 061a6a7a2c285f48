/**
 * Config loading for the service: `${VAR}` / `${VAR:-default}` substitution in the YAML text (ARGUS_ASSETS
 * defaults to ../shared/assets beside the checkout), then the ordinary parser and schema of src/config.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatProblem, parseConfig } from '../config/load.js';
import type { ArgusConfig } from '../config/schema.js';
import { ArgusError, errorMessage } from '../core/errors.js';

/** Replaces `${NAME}` and `${NAME:-default}`; an unset variable without a default is an error naming it. */
export function substituteEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    missing.add(name);
    return '';
  });
  if (missing.size > 0) throw new ArgusError('config_invalid', `environment variable(s) not set: ${[...missing].join(', ')}`);
  return out;
}

export async function loadServiceConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ArgusConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ArgusError('config_invalid', `cannot read ${file}: ${errorMessage(e)}`, { cause: e });
  }
  const defaults = { ARGUS_ASSETS: resolve(process.cwd(), '../shared/assets') };
  const r = parseConfig(substituteEnv(text, { ...defaults, ...env }));
  if (!r.ok) throw new ArgusError('config_invalid', `${file}: ${r.problems.length} problem(s)\n${r.problems.map(formatProblem).join('\n')}`);
  // Relative file sources are relative to the config file.
  const base = dirname(resolve(file));
  return { ...r.config, cameras: r.config.cameras.map((c) => (/^[a-z]+:/i.test(c.source) || c.source.startsWith('/') ? c : { ...c, source: resolve(base, c.source) })) };
}
