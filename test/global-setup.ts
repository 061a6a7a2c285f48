/**
 * Once before the suite: the demo's ANPR gate video (scripts/demo-media.sh: the shared assets' handheld plate
 * pictures as a 2 fps video under data/demo-media/, made here, never committed; quick when it exists), so tests that
 * load config/demo.yaml find every camera's source on a clean clone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ASSETS, REPO_ROOT } from './assets.js';

export default function setup(): void {
  execFileSync('bash', [join(REPO_ROOT, 'scripts/demo-media.sh')], { stdio: 'inherit', env: { ...process.env, ARGUS_ASSETS: ASSETS } });
}
