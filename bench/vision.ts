/**
 * Detector benchmarks on a real 640×360 frame (opencv4nodejs_traffic.mp4 at 5 s), through the worker pool,
 * pre- and post-processing included. Models come from ARGUS_MODELS (else ../shared/assets/models).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Frame } from '../src/core/frame.js';
import { letterbox } from '../src/vision/letterbox.js';
import { MODEL_CATALOG, findFileIn } from '../src/vision/models.js';
import { createOnnxDetector, type OnnxDetector } from '../src/vision/onnx-detector.js';

const ASSETS = process.env.ARGUS_ASSETS ?? resolve(process.cwd(), '../shared/assets');
const MODELS = process.env.ARGUS_MODELS ?? resolve(ASSETS, 'models');
const CLIP = resolve(ASSETS, 'videos/opencv4nodejs_traffic.mp4');
const W = 640;
const H = 360;

export interface DetectorFigures {
  /** detect() wall time: letterbox + transfer + session.run + decode + NMS + rider fusion. */
  readonly msP50: number;
  readonly msP95: number;
  readonly runs: number;
  /** session.run alone, measured inside the worker. */
  readonly runMsP50: number;
  readonly runMsP95: number;
  /** letterbox alone (main thread). */
  readonly preMsP50: number;
  readonly detections: number;
}

export interface PoolConfigFigures {
  readonly workers: number;
  readonly threadsPerWorker: number;
  /** Frames per second with `workers` detect() calls in flight. */
  readonly fps: number;
  /** Latency of one detect() at a time. */
  readonly msP50: number;
}

const round = (n: number): number => Math.round(n * 100) / 100;

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
}

async function benchFrame(): Promise<Frame> {
  const args = ['-v', 'error', '-ss', '5', '-i', CLIP, '-frames:v', '1', '-vf', `scale=${W}:${H}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const chunks: Buffer[] = [];
  await new Promise<void>((ok, fail) => {
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`ffmpeg exited ${code} on ${CLIP}`))));
  });
  const buf = Buffer.concat(chunks);
  if (buf.length !== W * H * 3) throw new Error(`ffmpeg gave ${buf.length} bytes, expected ${W * H * 3}`);
  const size = { width: W, height: H };
  return { index: 0, ptsSec: 5, capturedAtMs: 0, size, sourceSize: size, rgb: new Uint8Array(buf) };
}

async function sequential(d: OnnxDetector, frame: Frame, runs: number, warmup = 3) {
  for (let i = 0; i < warmup; i++) await d.detect(frame);
  const total: number[] = [];
  const run: number[] = [];
  const pre: number[] = [];
  let detections = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    detections = (await d.detect(frame)).length;
    total.push(performance.now() - t0);
    const t = d.lastTimings();
    if (t) {
      run.push(t.runMs);
      pre.push(t.preMs);
    }
  }
  return { total, run, pre, detections };
}

/** Each installed COCO detector, one detect() at a time, default pool shape (1 worker × 2 threads on 2 cores). */
export async function benchDetectors(runs = 25): Promise<Record<string, DetectorFigures>> {
  const frame = await benchFrame();
  const out: Record<string, DetectorFigures> = {};
  for (const m of MODEL_CATALOG) {
    if (m.decoder === 'none' || !findFileIn(MODELS, m.file)) continue;
    const d = await createOnnxDetector({ model: m.name, modelsDir: MODELS });
    try {
      const r = await sequential(d, frame, runs);
      out[m.name] = {
        msP50: pct(r.total, 50),
        msP95: pct(r.total, 95),
        runs,
        runMsP50: pct(r.run, 50),
        runMsP95: pct(r.run, 95),
        preMsP50: pct(r.pre, 50),
        detections: r.detections,
      };
    } finally {
      await d.close();
    }
  }
  return out;
}

/** Pool shapes for one model: latency one-at-a-time and throughput with `workers` frames in flight. */
export async function benchPoolConfigs(model = 'yolox_nano_416_coco', frames = 40): Promise<PoolConfigFigures[]> {
  const frame = await benchFrame();
  const shapes = [
    { workers: 1, threadsPerWorker: 1 },
    { workers: 1, threadsPerWorker: 2 },
    { workers: 2, threadsPerWorker: 1 },
  ];
  const out: PoolConfigFigures[] = [];
  for (const shape of shapes) {
    const d = await createOnnxDetector({ model, modelsDir: MODELS, ...shape });
    try {
      const lat = await sequential(d, frame, 15);
      const t0 = performance.now();
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next++ < frames) await d.detect(frame);
      };
      await Promise.all(Array.from({ length: shape.workers }, lane));
      out.push({ ...shape, fps: round((frames * 1000) / (performance.now() - t0)), msP50: pct(lat.total, 50) });
    } finally {
      await d.close();
    }
  }
  return out;
}

/** letterbox() alone (main thread), ms per call: a 1568×778 frame to 416² (YOLOX) and to 640² (YOLOv8). */
export function benchLetterbox(runs = 50): Record<string, { msP50: number; msP95: number; runs: number }> {
  const size = { width: 1568, height: 778 };
  const rgb = new Uint8Array(size.width * size.height * 3).map((_, i) => (i * 31) & 0xff);
  const out: Record<string, { msP50: number; msP95: number; runs: number }> = {};
  for (const side of [416, 640]) {
    const times: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const t0 = performance.now();
      letterbox({ rgb, size }, { width: side, height: side, channelOrder: 'bgr' });
      if (i >= 5) times.push(performance.now() - t0);
    }
    out[`1568x778_to_${side}`] = { msP50: pct(times, 50), msP95: pct(times, 95), runs };
  }
  return out;
}
