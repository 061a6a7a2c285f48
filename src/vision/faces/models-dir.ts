/**
 * Where face models are looked up. Shared third-party files (YuNet, the MobileFaceNet fixture) sit in the models
 * directory the caller gives (ARGUS_MODELS). Models the project makes itself (the face-api ResNet converted to
 * ONNX at set-up) sit in the project's own models folder, `<repo>/data/models` (git-ignored), or
 * ARGUS_PROJECT_MODELS when set; a lookup searches the given directory first, then the project's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgusError } from '../../core/errors.js';
import { findFileIn } from '../models.js';

/** The checkout or installed package root: the nearest folder above this file with Argus's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'argus') return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function projectModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.ARGUS_PROJECT_MODELS;
  return set !== undefined && set !== '' ? resolve(set) : join(packageRoot(), 'data', 'models');
}

/** Path of a face model file: `modelsDir` (two levels deep), then the project models dir, else model_missing. */
export function findFaceModel(file: string, modelsDir: string, hint: string): string {
  const found = findFileIn(modelsDir, file) ?? findFileIn(projectModelsDir(), file);
  if (found) return found;
  throw new ArgusError('model_missing', `${file} not found in ${modelsDir} nor in ${projectModelsDir()}: ${hint}`);
}
