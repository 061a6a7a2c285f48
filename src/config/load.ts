/**
 * THE config loader of every command (serve, analyze, worker, config check): the YAML text with `${VAR}` and
 * `${VAR:-default}` replaced from the environment (ARGUS_ASSETS defaults to ../shared/assets beside the working
 * directory), parsed and validated by the strict schema (every problem at once, with its path and line), relative
 * file sources resolved against the config file's folder.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ArgusError, errorMessage } from '../core/errors.js';
import { boundariesSchema, type MapConfig } from './map.js';
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

/** Relative file sources are relative to the config file's folder. */
function resolveSources(config: ArgusConfig, file: string): ArgusConfig {
  const base = dirname(resolve(file));
  const absolute = (source: string): string => (/^[a-z]+:/i.test(source) || source.startsWith('/') ? source : resolve(base, source));
  return { ...config, cameras: config.cameras.map((c) => ({ ...c, source: absolute(c.source) })) };
}

export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${file}: ${errorMessage(e)}` }] };
  }
  const defaults = { ARGUS_ASSETS: resolve(process.cwd(), '../shared/assets') };
  try {
    text = substituteEnv(text, { ...defaults, ...env });
  } catch (e) {
    return { ok: false, problems: [{ path: '(environment)', message: errorMessage(e) }] };
  }
  const r = parseConfig(text);
  if (!r.ok) return r;
  const assets = env['ARGUS_ASSETS'] || defaults.ARGUS_ASSETS;
  const config = resolveSources(r.config, file);
  const map = withDefaultBoundaries(config.map, join(assets, 'maps'), dirname(resolve(file)));
  return { ok: true, config: map === undefined ? config : { ...config, map } };
}

/** Load or throw an ArgusError('config_invalid') listing every problem. */
export async function loadConfigOrThrow(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ArgusConfig> {
  const r = await loadConfigFile(file, env);
  if (r.ok) return r.config;
  throw new ArgusError('config_invalid', `${file}: ${r.problems.length} problem(s)\n${r.problems.map(formatProblem).join('\n')}`);
}

export const formatProblem = (p: ConfigProblem): string => `  ${p.path}${p.line !== undefined ? ` (line ${p.line})` : ''}: ${p.message}`;

/**
 * The config's map with its default boundaries: without a `boundaries` setting and without tiles, the layers of
 * `assetsMaps` (`${ARGUS_ASSETS}/maps`) when its provinces file exists; a relative `dir` is resolved against `base`
 * (the config file's folder).
 */
export function withDefaultBoundaries(map: MapConfig | undefined, assetsMaps: string, base: string): MapConfig | undefined {
  const style = map?.style ?? 'blank';
  if (style !== 'blank' || map?.boundaries === false) return map;
  if (map?.boundaries) return { ...map, boundaries: { ...map.boundaries, dir: resolve(base, map.boundaries.dir) } };
  const defaults = boundariesSchema.parse({ dir: assetsMaps });
  if (!existsSync(join(assetsMaps, defaults.provinces))) return map;
  return { ...(map ?? { style: 'blank', tileType: 'raster' }), boundaries: { ...defaults, districts: defaults.districts !== null && existsSync(join(assetsMaps, defaults.districts)) ? defaults.districts : null } };
}
