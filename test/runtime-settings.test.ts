/**
 * One camera config, one analysis, wherever it runs: the demo's Vietnamese boulevard camera (a 2 s cut of its
 * clip, 1568×778, about 2:1) resolves to the same settings in the service (`buildServer`, the camera status) and
 * in the built `argus analyze --config … --camera …` (its summary), with `${VAR}` in the config's source expanded
 * by both, and the frames keep the source's aspect (not 16:9).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../src/config/load.js';
import { startTestServer, type TestServer } from '../src/server/testing/harness.js';
import { REPO_ROOT, video } from './assets.js';
import { waitFor } from './sse-client.js';

const exec = promisify(execFile);
const CAMERA = 'cam-nguyen-van-linh';
let dir = '';
let configFile = '';
let env: NodeJS.ProcessEnv = {};
let t: TestServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-runtime-settings-'));
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'), '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-an', join(dir, 'boulevard-2s.mp4')]);
  // The demo's camera as configured, its source through a variable as in the demo (${ARGUS_ASSETS}/videos/…).
  const demo = await readFile(join(REPO_ROOT, 'config/demo.yaml'), 'utf8');
  configFile = join(dir, 'demo.yaml');
  await writeFile(configFile, demo.replace('${ARGUS_ASSETS}/videos/vn_street_cctv_wrong_way_nguoc_chieu.mp4', '${CLIP_DIR}/boulevard-2s.mp4'));
  env = { ...process.env, CLIP_DIR: dir };
}, 60_000);

afterAll(async () => {
  await t?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the service and argus analyze on the same camera config', () => {
  it('analyse the boulevard camera with the same settings, at the aspect of its source', async () => {
    const r = await exec(process.execPath, [join(REPO_ROOT, 'bin/argus.js'), 'analyze', '--config', configFile, '--camera', CAMERA, '--summary'], { env, timeout: 240_000, maxBuffer: 1 << 24 });
    const cli = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { analysis: unknown }).analysis;

    const config = await loadConfigOrThrow(configFile, env);
    const camera = config.cameras.find((c) => c.id === CAMERA)!;
    t = await startTestServer('sqlite', { config: { ...config, cameras: [{ ...camera, recording: { ...camera.recording, enabled: false } }] }, startCameras: true });
    const mgr = t.server.ctx.cameras;
    const status = await waitFor('the service analysing the camera', async () => {
      const s = mgr.status(CAMERA)[0];
      return s?.settings && s.framesAnalysed > 0 ? s : undefined;
    }, 90_000);

    expect(status.settings).toEqual(cli);
    expect(cli).toEqual({ width: 1280, height: 636, fps: 10, tiles: 2, model: 'yolox_nano_416_coco' });
    expect(mgr.latestFrame(CAMERA, 60_000)?.size).toEqual({ width: 1280, height: 636 });
  }, 300_000);
});
