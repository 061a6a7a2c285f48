import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { motionSchema } from '../src/config/schema.js';
import type { ArgusEvent } from '../src/core/events.js';
import type { ViolationEvent } from '../src/core/violation.js';
import { verifyEvidenceTree } from '../src/evidence/verify.js';
import { runAnalysis, type AnalysisSummary } from '../src/pipeline/analysis.js';
import { createCameraStages } from '../src/pipeline/camera-stages.js';
import { DEFAULT_TRACKER } from '../src/pipeline/settings.js';
import { px } from '../src/core/geometry.js';
import { createByteTracker } from '../src/tracking/bytetrack/bytetrack.js';
import { probeDurationSec } from '../src/evidence/clip.js';
import { openFrameSource } from '../src/video/frame-source.js';
import { createOnnxDetector } from '../src/vision/onnx-detector.js';
import { video } from './assets.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras, until } from './rtsp-camera.js';

/**
 * The whole analysis on a live RTSP camera (GStreamer's RTSP server via scripts/rtsp-server.py) that dies and
 * comes back: the analysis resumes by itself, the rules keep running, and evidence for a live source (clip
 * encoded from the kept frames) is written and verifies. The run is ended by an AbortSignal.
 */
const CLIP = video('opencv4nodejs_traffic.mp4');

const missing = gstreamerMissing();

// The traffic clip: rightbound cars in the lower half of the picture. A "lane" over that half whose travel
// direction is LEFTWARD makes every rightbound car a wrong-way violation: real footage, a known answer.
const CONFIG = `
version: 1
sites: [{ id: s, name: Test site }]
cameras:
  - id: live
    name: Live test camera
    site: s
    kind: overview
    source: rtsp://127.0.0.1/cam
    location: { lat: 16.05, lng: 108.2 }
    lanes:
      - id: lower
        polygon: [[0, 0.45], [1, 0.45], [1, 1], [0, 1]]
        direction: { vector: [-1, 0] }
    rules:
      - { id: ww, kind: wrong_way, lanes: [lower], minDistancePx: 60 }
`;

let dir = '';
let longClip = '';
const cameras = new RtspCameras();

async function startServer(port: number): Promise<ChildProcess> {
  return cameras.start(longClip, port);
}

const stopServer = (child: ChildProcess): Promise<void> => cameras.stop(child);

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'argus-analyze-rtsp-'));
  longClip = join(dir, 'long.mp4');
  loopClip(CLIP, longClip, 3);
});
afterAll(async () => {
  await cameras.stopAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('analysis of a live RTSP camera', () => {
  it.skipIf(missing !== undefined)(
    `resumes by itself after the camera dies and comes back, with rules and live evidence${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const parsed = parseConfig(CONFIG);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const camera = parsed.config.cameras[0]!;
      const port = await freePort();
      let server = await startServer(port);
      const source = openFrameSource({ url: `rtsp://127.0.0.1:${port}/cam`, fps: 5, width: 320, backoff: { initialMs: 200, maxMs: 1000 }, socketTimeoutMs: 2000 });
      const detector = await createOnnxDetector({ model: 'yolox_nano_416_coco', minScore: 0.1, tiles: 1 });
      const problems: string[] = [];
      const stages = await createCameraStages({
        camera,
        site: parsed.config.sites[0],
        evidence: { dir: join(dir, 'evidence'), onProblem: (_v, p) => problems.push(p) },
      });
      const abort = new AbortController();
      const frameTimes: number[] = [];
      const events: ArgusEvent[] = [];
      let summary: AnalysisSummary | undefined;
      const running = runAnalysis({
        cameraId: camera.id,
        source,
        detector,
        tracker: createByteTracker(DEFAULT_TRACKER),
        lines: [{ id: 'mid', a: px(320, 45), b: px(320, 345) }],
        motion: motionSchema.parse({}),
        stages: stages.stages,
        onFrame: (r) => void frameTimes.push(r.frame.ptsSec),
        onEvent: (e) => void events.push(e),
        signal: abort.signal,
      }).then((s) => (summary = s));
      try {
        await until(() => frameTimes.length >= 15, 30_000, 'the first analysed frames');
        await stopServer(server);
        await until(() => source.health() === 'degraded' || source.health() === 'offline', 8000, 'the source to notice');
        const before = frameTimes.length;
        await new Promise((r) => setTimeout(r, 1000));
        server = await startServer(port);
        await until(() => frameTimes.length >= before + 25, 30_000, 'analysed frames after the restart');
        // Let a violation found after the restart get its after-frames, then end the run.
        await until(() => events.some((e) => e.kind === 'violation' && e.evidence !== undefined), 20_000, 'a violation with evidence');
      } finally {
        abort.abort();
        await running;
        await source.close();
        await detector.close();
        await stopServer(server);
      }
      expect(summary!.frames).toBe(frameTimes.length);
      expect(source.stats().restarts).toBeGreaterThanOrEqual(1);
      frameTimes.forEach((t, k) => k > 0 && expect(t).toBeGreaterThan(frameTimes[k - 1]!));

      const violations = events.filter((e): e is ViolationEvent => e.kind === 'violation');
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.violation === 'wrong_way' && v.laneId === 'lower')).toBe(true);
      // Every held violation came out: with evidence, or named in a problem.
      expect(violations.filter((v) => v.evidence === undefined)).toHaveLength(problems.length);
      const written = violations.filter((v) => v.evidence !== undefined);
      const tree = await verifyEvidenceTree(join(dir, 'evidence'));
      expect(tree.ok, JSON.stringify(tree.problems)).toBe(true);
      expect(tree.entries).toHaveLength(written.length);
      expect((await readdir(written[0]!.evidence!.uri)).sort()).toContain('clip.mp4');
      expect(await probeDurationSec(join(written[0]!.evidence!.uri, 'clip.mp4'))).toBeGreaterThanOrEqual(5);
    },
    120_000,
  );
});
