/**
 * End-to-end figures of the analysis spine: analysed frames/s for a 640×360 source with YOLOX-nano at 416,
 * the motion gate's cut in detector calls on a mostly static scene, and resident memory over a long loop.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { motionSchema, type MotionConfig } from '../src/config/schema.js';
import { px } from '../src/core/geometry.js';
import { runAnalysis, type AnalysisSummary } from '../src/pipeline/analysis.js';
import { createByteTracker } from '../src/tracking/bytetrack/bytetrack.js';
import { openFrameSource } from '../src/video/frame-source.js';
import { createOnnxDetector } from '../src/vision/onnx-detector.js';

const videos = (): string => join(process.env.ARGUS_ASSETS ?? '../shared/assets', 'videos');

/**
 * A mostly static scene made from real footage: a real frame of the traffic clip held for 10 s with temporal
 * sensor noise, 2 s of the real moving traffic, then another real frame held for 10 s (a quiet street).
 */
async function makeQuietClip(dir: string): Promise<string> {
  const out = join(dir, 'quiet.mp4');
  const graph =
    '[0:v]split=3[a][b][c];' +
    '[a]trim=start_frame=120:end_frame=121,setpts=N/24/TB,loop=loop=239:size=1:start=0[s1];' +
    '[b]trim=start=5:end=7,setpts=PTS-STARTPTS[m];' +
    '[c]trim=start_frame=168:end_frame=169,setpts=N/24/TB,loop=loop=239:size=1:start=0[s2];' +
    '[s1][m][s2]concat=n=3:v=1:a=0,noise=alls=6:allf=t+u,format=yuv420p';
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', join(videos(), 'opencv4nodejs_traffic.mp4'), '-filter_complex', graph, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-r', '24', out]);
  return out;
}

async function analyse(file: string, fps: number, motion: MotionConfig, opts: { loop?: boolean; signal?: AbortSignal; onFrame?: () => void } = {}): Promise<AnalysisSummary> {
  const detector = await createOnnxDetector({ model: 'yolox_nano_416_coco' });
  const source = openFrameSource({ url: file.startsWith('/') ? file : join(videos(), file), fps, loop: opts.loop === true });
  try {
    return await runAnalysis({
      cameraId: 'bench',
      source,
      detector,
      tracker: createByteTracker(),
      lines: [{ id: 'L1', a: px(320, 45), b: px(320, 345) }],
      motion,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onFrame ? { onFrame: opts.onFrame } : {}),
    });
  } finally {
    await source.close();
    await detector.close();
  }
}

/** Analysed frames per second of wall time, 640×360 traffic clip at its native 24 fps, every frame detected. */
export async function benchEndToEnd(): Promise<Record<string, number>> {
  const s = await analyse('opencv4nodejs_traffic.mp4', 24, motionSchema.parse({ enabled: false }));
  return {
    endToEndFps640x360: s.fps,
    frames: s.frames,
    detectMsMean: s.stages.detect?.meanMs ?? 0,
    trackMsMean: s.stages.track?.meanMs ?? 0,
    motionMsMean: s.stages.motion?.meanMs ?? 0,
  };
}

async function gateFigures(clip: string): Promise<Record<string, number>> {
  const off = await analyse(clip, 10, motionSchema.parse({ enabled: false }));
  const on = await analyse(clip, 10, motionSchema.parse({}));
  return {
    framesAnalysed: on.frames,
    detectorCallsWithoutGate: off.detectorCalls,
    detectorCallsWithGate: on.detectorCalls,
    detectorCallReduction: Math.round((100 * off.detectorCalls) / Math.max(1, on.detectorCalls)) / 100,
    endToEndFpsWithGate: on.fps,
  };
}

/**
 * Detector calls with and without the motion gate: on a mostly static scene (10 s still + 2 s traffic +
 * 10 s still, real frames with sensor noise), and on the parking-lane clip (cars pass ~40 % of the time).
 */
export async function benchMotionGate(): Promise<Record<string, Record<string, number>>> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-bench-'));
  try {
    const quiet = await makeQuietClip(dir);
    return { mostlyStaticScene: await gateFigures(quiet), parkingLane: await gateFigures('intel_car-detection.mp4') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resident memory over a loop of a clip for `seconds` (default 600, env ARGUS_BENCH_SOAK_SEC). */
export async function benchMemorySoak(seconds = Number(process.env.ARGUS_BENCH_SOAK_SEC ?? 600)): Promise<Record<string, number>> {
  const abort = new AbortController();
  const samples: number[] = [];
  const started = Date.now();
  const warmupMs = Math.min(60_000, (seconds * 1000) / 5);
  let lastSample = 0;
  const timer = setTimeout(() => abort.abort(), seconds * 1000);
  const s = await analyse('opencv4nodejs_traffic.mp4', 24, motionSchema.parse({ enabled: false }), {
    loop: true,
    signal: abort.signal,
    onFrame: () => {
      const now = Date.now();
      if (now - started >= warmupMs && now - lastSample >= 5_000) {
        lastSample = now;
        samples.push(process.memoryUsage().rss / 2 ** 20);
      }
    },
  });
  clearTimeout(timer);
  const first = samples[0] ?? 0;
  const last = samples[samples.length - 1] ?? 0;
  const max = Math.max(...samples, 0);
  return {
    soakSeconds: seconds,
    frames: s.frames,
    rssAfterWarmupMb: Math.round(first),
    rssEndMb: Math.round(last),
    rssMaxMb: Math.round(max),
    rssGrowthPct: first > 0 ? Math.round((1000 * (last - first)) / first) / 10 : 0,
    rssMaxOverFirstPct: first > 0 ? Math.round((1000 * (max - first)) / first) / 10 : 0,
  };
}
