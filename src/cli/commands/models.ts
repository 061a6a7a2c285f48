import { statSync } from 'node:fs';
import { ArgusError } from '../../core/errors.js';
import { installModels } from '../../vision/model-install.js';
import { findFileIn, MODEL_CATALOG, modelsDir } from '../../vision/models.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage:
  argus models list [--json] [--dir DIR]
  argus models install --from DIR|URL|upstream [--dir DIR] [NAME…]

The models directory is --dir, else $ARGUS_MODELS, else ./models. Files may sit flat or in sub-folders.
install copies from a folder (every catalogued model found there when no NAME is given), or downloads from
a base URL (URL/<subdir>/<file> or URL/<file>), one .onnx URL, or each model's upstream address; every
file is checked against its catalogued sha256 before it is put in place.`;

export interface ModelRow {
  readonly name: string;
  readonly installed: boolean;
  readonly path: string | null;
  readonly sizeBytes: number;
  readonly licence: string;
  readonly task: string;
  readonly decoder: string;
}

export function listModels(dir: string): ModelRow[] {
  return MODEL_CATALOG.map((m) => {
    const path = findFileIn(dir, m.file) ?? null;
    return { name: m.name, installed: path !== null, path, sizeBytes: path ? statSync(path).size : m.sizeBytes, licence: m.licence, task: m.task, decoder: m.decoder };
  });
}

const mb = (n: number): string => `${(n / 1_048_576).toFixed(1)} MB`;

function table(rows: readonly ModelRow[]): string {
  const cells = [['NAME', 'INSTALLED', 'SIZE', 'LICENCE'], ...rows.map((r) => [r.name, r.installed ? 'yes' : 'no', mb(r.sizeBytes), r.licence])];
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => (i < 3 ? v.padEnd(widths[i]!) : v)).join('  ')).join('\n');
}

export async function models(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    dir: { type: 'string' },
    from: { type: 'string' },
  });
  const [sub, ...names] = positionals;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const dir = modelsDir(values.dir);
  if (sub === 'list' && names.length === 0) {
    const rows = listModels(dir);
    process.stdout.write(values.json ? `${JSON.stringify({ dir, models: rows }, null, 2)}\n` : `Models directory: ${dir}\n${table(rows)}\n`);
    return 0;
  }
  if (sub === 'install') {
    if (values.from === undefined) throw new ArgusError('invalid_argument', 'install needs --from DIR|URL|upstream');
    const results = await installModels({ from: values.from, names, dir });
    if (values.json) process.stdout.write(`${JSON.stringify({ dir, results }, null, 2)}\n`);
    else for (const r of results) process.stdout.write(`${r.name}: ${r.status === 'installed' ? `installed ${r.path}` : `already installed (${r.path})`}\n`);
    return 0;
  }
  process.stderr.write(`${HELP}\n`);
  return 2;
}
