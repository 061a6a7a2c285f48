import { readFile } from 'node:fs/promises';
import { parseDocument, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ArgusError, errorMessage } from '../core/errors.js';
import { configSchema, type ArgusConfig } from './schema.js';

/** One problem in a config file: where (a path like `cameras[2].source`) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** 1-based line in the YAML file when known. */
  readonly line?: number;
}

export type ConfigResult = { ok: true; config: ArgusConfig } | { ok: false; problems: ConfigProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

function issueProblems(issues: readonly z.core.$ZodIssue[], lineOf: (path: readonly PropertyKey[]) => number | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push(withLine({ path: formatPath(path), message: 'unknown key (check spelling)' }, lineOf(path)));
      }
      continue;
    }
    out.push(withLine({ path: formatPath(issue.path), message: issue.message }, lineOf(issue.path)));
  }
  return out;
}

const withLine = (p: ConfigProblem, line: number | undefined): ConfigProblem => (line === undefined ? p : { ...p, line });

/** Parse and validate YAML text. Reports every problem at once, each with its path and line. */
export function parseConfig(text: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: '(yaml)',
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0]?.line,
      })) as ConfigProblem[],
    };
  }
  const raw: unknown = doc.toJS();
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: issueProblems(result.error.issues, lineOf) };
}

export async function loadConfigFile(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${file}: ${errorMessage(e)}` }] };
  }
  return parseConfig(text);
}

/** Load or throw an ArgusError('config_invalid') listing every problem. */
export async function loadConfigOrThrow(file: string): Promise<ArgusConfig> {
  const r = await loadConfigFile(file);
  if (r.ok) return r.config;
  throw new ArgusError('config_invalid', `${file}: ${r.problems.length} problem(s)\n${r.problems.map(formatProblem).join('\n')}`);
}

export const formatProblem = (p: ConfigProblem): string => `  ${p.path}${p.line !== undefined ? ` (line ${p.line})` : ''}: ${p.message}`;
