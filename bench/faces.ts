/**
 * Face figures (issue 24): YuNet ms per frame on a real 1280×720 frame (london_street_bus_TestV4.mp4 at 4.5 s,
 * pedestrians facing the camera) at several input widths, the default marked; embedding ms per face for each
 * embedder on the dev faces (batches of 16, alignment re-cut and pre-processing included). One onnxruntime
 * thread per session. Models: ARGUS_MODELS, then the project's data/models (`argus faces convert`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Frame } from '../src/core/frame.js';
import { createFaceDetector, createFaceEmbedder, DEFAULT_FACE_EMBEDDER, DEFAULT_FACE_INPUT_WIDTH, EMBEDDERS, loadImageFrame, type AlignedFace } from '../src/vision/faces/index.js';

const ASSETS = process.env.ARGUS_ASSETS ?? resolve(process.cwd(), '../shared/assets');
const MODELS = process.env.ARGUS_MODELS ?? resolve(ASSETS, 'models');
const CLIP = resolve(ASSETS, 'videos/london_street_bus_TestV4.mp4');
const FACES = resolve(ASSETS, 'data/faces_celeb24_aligned');

const round = (n: number): number => Math.round(n * 100) / 100;
const pct = (xs: readonly number[], p: number): number => round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN);

async function streetFrame(): Promise<Frame> {
  const W = 1280, H = 720;
  const args = ['-v', 'error', '-ss', '4.5', '-i', CLIP, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const chunks: Buffer[] = [];
  await new Promise<void>((ok, fail) => {
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`ffmpeg exited ${code} on ${CLIP}`))));
  });
  const buf = Buffer.concat(chunks);
  if (buf.length !== W * H * 3) throw new Error(`ffmpeg gave ${buf.length} bytes`);
  const size = { width: W, height: H };
  return { index: 0, ptsSec: 4.5, capturedAtMs: 0, size, sourceSize: size, rgb: new Uint8Array(buf) };
}

export async function benchFaces(): Promise<unknown> {
  const frame = await streetFrame();
  const detectMsPerFrame: Record<string, { msP50: number; msP95: number; faces: number; default: boolean }> = {};
  for (const width of [640, DEFAULT_FACE_INPUT_WIDTH, 1280].filter((w, i, a) => a.indexOf(w) === i)) {
    const d = await createFaceDetector({ modelsDir: MODELS, inputWidth: width });
    try {
      for (let i = 0; i < 3; i++) await d.detect(frame);
      const ms: number[] = [];
      let faces = 0;
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        faces = (await d.detect(frame)).length;
        ms.push(performance.now() - t0);
      }
      detectMsPerFrame[String(width)] = { msP50: pct(ms, 50), msP95: pct(ms, 95), faces, default: width === DEFAULT_FACE_INPUT_WIDTH };
    } finally {
      await d.close();
    }
  }
  const names = readFileSync(resolve(FACES, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
  const faces: AlignedFace[] = await Promise.all(names.map(async (n) => ({ rgb: (await loadImageFrame(resolve(FACES, 'images', n))).rgb, size: 112, template: 'arcface' as const })));
  const embedMsPerFace: Record<string, { msPerFace: number; shippable: boolean; default: boolean }> = {};
  for (const model of Object.keys(EMBEDDERS)) {
    const e = await createFaceEmbedder({ modelsDir: MODELS, model });
    try {
      await e.embed(faces.slice(0, 16));
      const t0 = performance.now();
      for (let i = 0; i < faces.length; i += 16) await e.embed(faces.slice(i, i + 16));
      embedMsPerFace[model] = { msPerFace: round((performance.now() - t0) / faces.length), shippable: EMBEDDERS[model]!.shippable, default: model === DEFAULT_FACE_EMBEDDER };
    } finally {
      await e.close();
    }
  }
  return { frame: '1280x720 london_street_bus_TestV4.mp4@4.5s', detectMsPerFrame, embedMsPerFace, faces: faces.length };
}
