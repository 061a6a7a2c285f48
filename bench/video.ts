import { performance } from 'node:perf_hooks';
import { drawLine, drawRect, drawText, fillCircle } from '../src/core/raster.js';
import type { MotionConfig } from '../src/config/schema.js';
import { openFrameSource } from '../src/video/frame-source.js';
import { motionStep, type MotionInput, type MotionState } from '../src/video/motion.js';
import { probeSource } from '../src/video/probe.js';

/**
 * Video layer figures: ffmpeg decode throughput into RGB24 (640×360 real clip, native size and rate, as fast as
 * possible), the motion gate per frame, and annotation cost per frame.
 */

const CLIP = process.env.ARGUS_BENCH_CLIP ?? `${process.env.ARGUS_ASSETS ?? '../shared/assets'}/videos/opencv4nodejs_traffic.mp4`;
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export interface DecodeFigures {
  readonly decodeFps: number;
  readonly frames: number;
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly passes: number;
  /** Resident memory of this process before and after (MiB): should stay flat over passes. */
  readonly rssStartMb: number;
  readonly rssEndMb: number;
}

/** Decode the clip `passes` times (looped) at its native size and frame rate, as fast as possible. */
export async function benchDecode(opts: { url?: string; passes?: number } = {}): Promise<DecodeFigures> {
  const url = opts.url ?? CLIP;
  const passes = opts.passes ?? 2;
  const info = await probeSource(url);
  const fps = info.fps ?? 25;
  const want = Math.floor((info.durationSec ?? 10) * fps * passes) - passes;
  const rssStart = process.memoryUsage().rss;
  const t0 = performance.now();
  let frames = 0;
  const src = openFrameSource({ url, fps, width: info.width, height: info.height, loop: passes > 1, maxQueuedFrames: 8 });
  for await (const f of src) {
    if (f.rgb.length === 0) throw new Error('empty frame');
    if (++frames >= want) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    decodeFps: Math.round((frames / seconds) * 10) / 10,
    frames,
    seconds: Math.round(seconds * 100) / 100,
    width: info.width,
    height: info.height,
    passes,
    rssStartMb: mb(rssStart),
    rssEndMb: mb(process.memoryUsage().rss),
  };
}

/** Motion gate cost per frame (ms) at 1280×720 and 640×360, on decoded real frames. */
export async function benchMotion(): Promise<{ motionMs1280: number; motionMs640: number; motionRatio640: number }> {
  const cfg: MotionConfig = { enabled: true, threshold: 25, minAreaRatio: 0.002, holdSec: 0, keepAliveSec: 2 };
  const grab = async (width: number): Promise<MotionInput[]> => {
    const out: MotionInput[] = [];
    for await (const f of openFrameSource({ url: CLIP, fps: 5, width })) if (out.push(f) >= 40) break;
    return out;
  };
  const time = (frames: MotionInput[]): { ms: number; ratio: number } => {
    let state: MotionState | undefined;
    let moving = 0;
    const t0 = performance.now();
    for (let rep = 0; rep < 5; rep++) {
      state = undefined;
      for (const f of frames) {
        const r = motionStep(state, f, cfg);
        state = r.state;
        if (r.motion) moving++;
      }
    }
    return { ms: (performance.now() - t0) / (frames.length * 5), ratio: moving / (frames.length * 5) };
  };
  const big = time(await grab(1280));
  const small = time(await grab(640));
  return {
    motionMs1280: Math.round(big.ms * 1000) / 1000,
    motionMs640: Math.round(small.ms * 1000) / 1000,
    motionRatio640: Math.round(small.ratio * 100) / 100,
  };
}

/** Annotation cost (ms per 1280×720 frame) with 30 boxes, labels, trails and dots. */
export function benchAnnotate(): { annotateMs1280: number } {
  const w = 1280;
  const h = 720;
  const buf = new Uint8Array(w * h * 3);
  const reps = 200;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < 30; k++) {
      const x = (k * 41 + r) % (w - 100);
      const y = (k * 23) % (h - 80);
      drawRect(buf, w, h, x, y, x + 90, y + 60, { color: [0, 255, 0], thickness: 2 });
      drawText(buf, w, h, x, y - 12, `#${k} car 42km/h`, { color: [0, 0, 0], background: [0, 255, 0] });
      drawLine(buf, w, h, { x: x + 45, y: y + 60 }, { x: x + 20, y: y + 160 }, { color: [255, 200, 0], thickness: 2 });
      fillCircle(buf, w, h, x + 45, y + 60, 4, [255, 0, 0]);
    }
  }
  return { annotateMs1280: Math.round(((performance.now() - t0) / reps) * 1000) / 1000 };
}
