/**
 * Once before the suite: face-api's ResNet converted to ONNX in the project models folder when it is not there
 * yet (as `argus faces convert` does, well under a second; scripts/setup.sh makes it too), and the demo's ANPR gate
 * video (scripts/demo-media.sh: the shared assets' handheld plate pictures as a 2 fps video under
 * data/demo-media/, made here, never committed; quick when it exists), so tests that load config/demo.yaml find
 * every camera's source on a clean clone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { convertFaceApiResnet } from '../src/vision/faces/convert/index.js';
import { projectModelsDir } from '../src/vision/faces/models-dir.js';
import { ASSETS, REPO_ROOT } from './assets.js';

export default function setup(): void {
  const faceModel = join(projectModelsDir(), 'face', 'faceapi_resnet_128d.onnx');
  if (!existsSync(faceModel)) convertFaceApiResnet(faceModel);
  execFileSync('bash', [join(REPO_ROOT, 'scripts/demo-media.sh')], { stdio: 'inherit', env: { ...process.env, ARGUS_ASSETS: ASSETS } });
}
