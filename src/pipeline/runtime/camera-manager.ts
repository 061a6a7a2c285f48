/**
 * The camera manager: one analysis loop per enabled camera, a detector shared by every camera with the same
 * detector settings, health per camera (online/degraded/offline, fps, age of the last frame) from the frame
 * source, a watchdog per camera that raises a signal-loss alert within `signalLossMs` of frames stopping, and
 * add/update/remove at run time without touching the other cameras. Without the detector model the cameras
 * still run (health and signal loss keep working) and the status says what is missing.
 * Beside the analysis, a camera whose config asks for it is recorded (ffmpeg segment copy into
 * `<recordingsDir>/<cameraId>/`, restarted with backoff); the recorder's health is part of the status.
 */
import { join } from 'node:path';
import type { CameraConfig } from '../../config/schema.js';
import { errorMessage, isArgusError } from '../../core/errors.js';
import type { ArgusEvent } from '../../core/events.js';
import type { Frame } from '../../core/frame.js';
import { ulid } from '../../core/ids.js';
import { countLineFromConfig } from '../../rules/line-counter.js';
import { createByteTracker } from '../../tracking/bytetrack/bytetrack.js';
import { openFrameSource } from '../../video/frame-source.js';
import { Recorder } from '../../video/recorder.js';
import type { BackoffPolicy } from '../../video/supervisor.js';
import type { FrameSource, SourceLogger } from '../../video/source.js';
import type { Detector } from '../../vision/detector.js';
import { createOnnxDetector, type OnnxDetectorOptions } from '../../vision/onnx-detector.js';
import { runAnalysis, type FrameStage } from '../analysis.js';
import { runAnpr } from '../anpr.js';
import type { PlateHost } from '../plate-host.js';
import { resolveAnalysis } from '../settings.js';

export type CameraHealth = 'starting' | 'online' | 'degraded' | 'offline' | 'disabled';

export interface CameraStatus {
  readonly id: string;
  readonly health: CameraHealth;
  /** Analysis state: running with a detector, running without one (`no_model`), or not running. */
  readonly analysis: 'running' | 'no_model' | 'stopped';
  readonly fps: number;
  /** Age of the last frame received, ms (null before the first). */
  readonly lastFrameAgeMs: number | null;
  readonly framesAnalysed: number;
  readonly restarts: number;
  readonly signalLost: boolean;
  /** What is wrong, in words (missing model, last source error). */
  readonly message: string | null;
  /** Continuous recording: null when the camera does not record. */
  readonly recording: RecordingStatus | null;
  /** Plate reading since the camera's analysis last started: null when the camera reads no plates. */
  readonly plates: PlateStatus | null;
}

export interface PlateStatus {
  /** `vehicles`: plates of the detected vehicles; `anpr`: the whole picture. */
  readonly mode: 'vehicles' | 'anpr';
  /** Pictures sent to the reader (vehicle crops, or frames of an ANPR camera). */
  readonly read: number;
  /** Pictures not read because the reader was busy (the camera never falls behind the stream). */
  readonly skipped: number;
  /** Plates reported (one per vehicle pass). */
  readonly plates: number;
}

export interface RecordingStatus {
  /** ffmpeg is running (false while it waits to restart). */
  readonly running: boolean;
  /** Segments finished since the recorder started; the last one's file name and when it was finished (ms). */
  readonly segments: number;
  readonly lastSegment: string | null;
  readonly lastSegmentAtMs: number | null;
  readonly restarts: number;
  readonly lastError: string | null;
}

export interface CameraStageSet {
  readonly stages: readonly FrameStage[];
  /** An ANPR camera (`plates: anpr`): the plate reader for the whole picture; no detector, tracker or stages run. */
  readonly anpr?: PlateHost | undefined;
  /** The plate stage's counters (cameras that read the plates of their vehicles). */
  plateStatus?(): PlateStatus;
  close?(): Promise<void>;
}

export interface DetectorStatus {
  readonly model: string;
  readonly ok: boolean;
  readonly message: string | null;
}

/** An alert about a camera itself (its picture lost or back), outside the event stream. */
export interface CameraAlert {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly kind: 'signal_loss' | 'signal_restored';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly payload: Readonly<Record<string, string | number | boolean | null>>;
}

/** Where the runtime's outputs go: the events of the analysis, the camera alerts, the health changes. */
export interface CameraOutputs {
  /** Resolves once the event is taken (the camera waits only while the receiver is full). */
  event(e: ArgusEvent): Promise<void>;
  alert(a: CameraAlert): Promise<void>;
  health(status: CameraStatus): void;
}

export interface CameraManagerOptions {
  readonly outputs: CameraOutputs;
  readonly logger: SourceLogger & { child?: (b: object) => SourceLogger };
  /** No frame for this long → signal-loss alert (default 3000 ms: the alert is up within 5 s). */
  readonly signalLossMs?: number;
  /** A camera that never delivered a frame is reported lost only after this long (default 15 000 ms: connect, probe, model load). */
  readonly startupGraceMs?: number;
  /** Watchdog tick (default 250 ms). */
  readonly tickMs?: number;
  /** Analysis width when the camera config does not say (default 640: several cameras on few cores). */
  readonly defaultWidth?: number;
  readonly modelsDir?: string;
  /** Later pipeline stages per camera (plates, rules, evidence), built at each (re)start, closed when it stops. */
  readonly stages?: (camera: CameraConfig, logger: SourceLogger) => Promise<CameraStageSet> | CameraStageSet;
  /** Pause before an analysis loop that ended is started again (default 2000 ms). */
  readonly restartDelayMs?: number;
  /** Folder of the recordings (`<data>/recordings`); without it no camera records. */
  readonly recordingsDir?: string;
  /** Restart policy of the recorders' ffmpeg (default: the video layer's). */
  readonly recorderBackoff?: BackoffPolicy;
}

interface Runtime {
  readonly config: CameraConfig;
  readonly abort: AbortController;
  source: FrameSource | undefined;
  health: CameraHealth;
  noModel: boolean;
  message: string | null;
  readonly startedAtMs: number;
  framesAnalysed: number;
  restarts: number;
  fps: number;
  lastDelivered: number;
  lastTickMs: number;
  signalLost: boolean;
  /** Last frame received over every source this camera had (a restart opens a new source). */
  lastFrameAtMs: number | undefined;
  /** The latest analysed frame (a buffer the reader handed over, not copied): live snapshots without a new ffmpeg. */
  latest: Frame | undefined;
  watchdog: NodeJS.Timeout | undefined;
  done: Promise<void>;
  recorder: Recorder | undefined;
  /** The plate counters of the running analysis, if it reads plates. */
  plateStatus: (() => PlateStatus) | undefined;
}

/** Analysis width of a camera that reads plates when its config gives none (a plate ~40 px wide at 1280 is ~20 at 640). */
export const PLATE_WIDTH = 1280;

const sameRecording = (a: CameraConfig, b: CameraConfig): boolean =>
  a.source === b.source && a.enabled === b.enabled && a.recording.enabled === b.recording.enabled && a.recording.segmentSec === b.recording.segmentSec;

function recordingStatus(rec: Recorder | undefined): RecordingStatus | null {
  if (!rec) return null;
  const s = rec.status();
  return { running: s.running, segments: s.segments, lastSegment: s.lastSegment, lastSegmentAtMs: s.lastSegmentAtMs, restarts: s.restarts, lastError: s.lastError };
}

/** Frames flow, nothing is detected: keeps health and signal loss working when the model is missing. */
const NULL_DETECTOR: Detector = { name: 'none', detect: () => Promise.resolve([]), close: () => Promise.resolve() };

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

export class CameraManager {
  private readonly cameras = new Map<string, Runtime>();
  private readonly detectors = new Map<string, { promise: Promise<Detector | null>; status: DetectorStatus }>();
  private readonly signalLossMs: number;
  private closed = false;

  constructor(private readonly opts: CameraManagerOptions) {
    this.signalLossMs = opts.signalLossMs ?? 3000;
  }

  ids(): string[] {
    return [...this.cameras.keys()];
  }

  /**
   * Starts a camera (a disabled one is kept, not run). Replaces a running camera of the same id; its recorder
   * keeps running (no gap in the recording) when the source and the recording settings did not change.
   */
  async add(config: CameraConfig): Promise<void> {
    if (this.closed) return;
    const old = this.cameras.get(config.id);
    const kept = old?.recorder && this.records(config) && sameRecording(old.config, config) ? old.recorder : undefined;
    if (kept) old!.recorder = undefined;
    await this.remove(config.id);
    const rt: Runtime = {
      config, abort: new AbortController(), source: undefined, health: config.enabled ? 'starting' : 'disabled', noModel: false,
      message: null, startedAtMs: Date.now(), framesAnalysed: 0, restarts: 0, fps: 0, lastDelivered: 0, lastTickMs: Date.now(),
      signalLost: false, lastFrameAtMs: undefined, latest: undefined, watchdog: undefined, done: Promise.resolve(), recorder: kept, plateStatus: undefined,
    };
    this.cameras.set(config.id, rt);
    if (!config.enabled) return;
    rt.recorder ??= this.startRecorder(config);
    rt.watchdog = setInterval(() => this.tick(rt), this.opts.tickMs ?? 250);
    rt.done = this.loop(rt);
  }

  /** Same as add: the old loop stops, the new one starts; other cameras are untouched. */
  update(config: CameraConfig): Promise<void> {
    return this.add(config);
  }

  async remove(id: string): Promise<boolean> {
    const rt = this.cameras.get(id);
    if (!rt) return false;
    this.cameras.delete(id);
    rt.abort.abort();
    if (rt.watchdog) clearInterval(rt.watchdog);
    await Promise.all([rt.source?.close(), rt.recorder?.stop()]);
    await rt.done;
    return true;
  }

  /** The latest analysed frame of a running camera when it is at most `maxAgeMs` old (wall clock), else undefined. */
  latestFrame(id: string, maxAgeMs = 5_000): Frame | undefined {
    const rt = this.cameras.get(id);
    const f = rt?.latest;
    if (!rt || !f || rt.signalLost || rt.lastFrameAtMs === undefined || Date.now() - rt.lastFrameAtMs > maxAgeMs) return undefined;
    return f;
  }

  status(id?: string): CameraStatus[] {
    const now = Date.now();
    const out: CameraStatus[] = [];
    for (const rt of this.cameras.values()) {
      if (id !== undefined && rt.config.id !== id) continue;
      const last = rt.source?.stats().lastFrameAtMs ?? rt.lastFrameAtMs;
      out.push({
        id: rt.config.id, health: rt.health, analysis: !rt.config.enabled ? 'stopped' : rt.noModel ? 'no_model' : 'running',
        fps: Math.round(rt.fps * 10) / 10, lastFrameAgeMs: last === undefined ? null : now - last, framesAnalysed: rt.framesAnalysed,
        restarts: rt.restarts, signalLost: rt.signalLost, message: rt.message, recording: recordingStatus(rt.recorder),
        plates: rt.plateStatus?.() ?? null,
      });
    }
    return out;
  }

  /** Whether this camera is to be recorded here. */
  private records(config: CameraConfig): boolean {
    return config.enabled && config.recording.enabled && this.opts.recordingsDir !== undefined;
  }

  private startRecorder(config: CameraConfig): Recorder | undefined {
    if (!this.records(config)) return undefined;
    const log = this.opts.logger.child?.({ cameraId: config.id, component: 'recorder' }) ?? this.opts.logger;
    const rec = new Recorder({
      cameraId: config.id, url: config.source, dir: join(this.opts.recordingsDir!, config.id), segmentSeconds: config.recording.segmentSec,
      logger: log, ...(this.opts.recorderBackoff ? { backoff: this.opts.recorderBackoff } : {}),
    });
    rec.start();
    return rec;
  }

  detectorStatus(): DetectorStatus[] {
    return [...this.detectors.values()].map((d) => d.status);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.cameras.keys()].map((id) => this.remove(id)));
    for (const d of this.detectors.values()) await (await d.promise)?.close();
    this.detectors.clear();
  }

  private detectorFor(options: OnnxDetectorOptions): { promise: Promise<Detector | null>; status: DetectorStatus } {
    const key = JSON.stringify(options);
    let d = this.detectors.get(key);
    if (d) return d;
    const status = { model: options.model, ok: false, message: 'loading' as string | null };
    const promise = createOnnxDetector({ ...options, ...(this.opts.modelsDir ? { modelsDir: this.opts.modelsDir } : {}) }).then(
      (det) => { status.ok = true; status.message = null; return det as Detector; },
      (e: unknown) => {
        status.message = isArgusError(e, 'model_missing') ? errorMessage(e) : `detector failed to load: ${errorMessage(e)}`;
        this.opts.logger.error({ model: options.model, err: errorMessage(e) }, `no detector: ${status.message} — cameras run without detection`);
        return null;
      },
    );
    d = { promise, status };
    this.detectors.set(key, d);
    return d;
  }

  private async loop(rt: Runtime): Promise<void> {
    const signal = rt.abort.signal;
    while (!signal.aborted && !this.closed) {
      try {
        await this.runOnce(rt);
      } catch (e) {
        rt.message = errorMessage(e);
        this.opts.logger.warn({ cameraId: rt.config.id, err: rt.message }, 'camera analysis stopped');
      }
      if (signal.aborted) break;
      rt.restarts++;
      await sleep(this.opts.restartDelayMs ?? 2000, signal);
    }
  }

  private async runOnce(rt: Runtime): Promise<void> {
    const cam = rt.config;
    // Plates need pixels: a plate camera is analysed at PLATE_WIDTH unless its config says otherwise.
    const width = cam.analysis.width ?? (cam.plates ? PLATE_WIDTH : (this.opts.defaultWidth ?? 640));
    const settings = resolveAnalysis(cam.analysis, { width, height: Math.round((width * 9) / 16), fps: undefined });
    const anpr = cam.plates === 'anpr';
    const det = anpr ? undefined : this.detectorFor(settings.detector);
    const detector = (await det?.promise) ?? NULL_DETECTOR;
    rt.noModel = det !== undefined && detector === NULL_DETECTOR;
    if (rt.noModel) rt.message = det?.status.message ?? null;
    const isFile = !/^(rtsp|rtsps|http|https):/i.test(cam.source);
    const log = this.opts.logger.child?.({ cameraId: cam.id }) ?? this.opts.logger;
    const source = openFrameSource({
      url: cam.source, fps: settings.fps, width: settings.size.width, realtime: isFile, loop: isFile, logger: log,
      onEvent: (ev) => {
        if (ev.type === 'error') rt.message = ev.error.message;
        if (ev.type === 'health' && !rt.signalLost) this.setHealth(rt, ev.health === 'ended' ? 'offline' : ev.health);
      },
    });
    rt.source = source;
    let extra: CameraStageSet | undefined;
    try {
      extra = await this.opts.stages?.(cam, this.opts.logger);
      if (extra?.anpr) {
        const counters = { frames: 0, reads: 0, skipped: 0, plates: 0 };
        rt.plateStatus = () => ({ mode: 'anpr', read: counters.reads, skipped: counters.skipped, plates: counters.plates });
        await runAnpr({
          cameraId: cam.id, source, host: extra.anpr, motion: cam.analysis.motion, masks: cam.analysis.masks, live: true, keepCrop: true, counters,
          onEvent: (e) => this.opts.outputs.event(e),
          onFrame: (frame) => {
            rt.framesAnalysed++;
            rt.latest = frame;
          },
          signal: rt.abort.signal,
        });
      } else {
        rt.plateStatus = extra?.plateStatus?.bind(extra);
        await runAnalysis({
          cameraId: cam.id, source, detector, tracker: createByteTracker(settings.tracker),
          lines: (size) => cam.lines.map((l) => countLineFromConfig(l, size)),
          motion: cam.analysis.motion, masks: cam.analysis.masks,
          stages: extra?.stages ?? [],
          onEvent: (e) => this.opts.outputs.event(e),
          onFrame: ({ frame }) => {
            rt.framesAnalysed++;
            rt.latest = frame;
          },
          signal: rt.abort.signal,
        });
      }
      const err = source.lastError();
      if (err && !rt.abort.signal.aborted) rt.message = err.message;
    } finally {
      await source.close();
      await extra?.close?.();
    }
  }

  private setHealth(rt: Runtime, health: CameraHealth): void {
    if (rt.health === health || !this.cameras.has(rt.config.id)) return;
    rt.health = health;
    const status = this.status(rt.config.id)[0];
    if (status) this.opts.outputs.health(status);
  }

  /** The watchdog: fps from delivered frames, and signal loss when no frame arrived for `signalLossMs`. */
  private tick(rt: Runtime): void {
    const now = Date.now();
    const stats = rt.source?.stats();
    const delivered = stats?.framesDelivered ?? 0;
    const dt = (now - rt.lastTickMs) / 1000;
    if (dt >= 1) {
      const inst = Math.max(0, delivered - rt.lastDelivered) / dt;
      rt.fps = rt.fps === 0 ? inst : 0.5 * rt.fps + 0.5 * inst;
      rt.lastDelivered = delivered;
      rt.lastTickMs = now;
    }
    if (stats?.lastFrameAtMs !== undefined && stats.lastFrameAtMs > (rt.lastFrameAtMs ?? 0)) rt.lastFrameAtMs = stats.lastFrameAtMs;
    const lastFrame = rt.lastFrameAtMs;
    const silentMs = now - (lastFrame ?? rt.startedAtMs);
    const limitMs = lastFrame === undefined ? Math.max(this.signalLossMs, this.opts.startupGraceMs ?? 15_000) : this.signalLossMs;
    if (!rt.signalLost && silentMs > limitMs) {
      rt.signalLost = true;
      this.setHealth(rt, 'offline');
      this.opts.logger.warn({ cameraId: rt.config.id, silentMs }, 'signal lost');
      void this.opts.outputs
        .alert({ id: ulid(), cameraId: rt.config.id, atMs: now, kind: 'signal_loss', severity: 'critical', message: `${rt.config.name}: no picture for ${Math.round(silentMs / 100) / 10} s`, payload: { silentMs, lastError: rt.message } })
        .catch((e: unknown) => this.opts.logger.error({ cameraId: rt.config.id, err: errorMessage(e) }, 'cannot store signal-loss alert'));
    } else if (rt.signalLost && lastFrame !== undefined && silentMs <= this.signalLossMs) {
      rt.signalLost = false;
      this.setHealth(rt, 'online');
      this.opts.logger.info({ cameraId: rt.config.id }, 'signal restored');
      void this.opts.outputs
        .alert({ id: ulid(), cameraId: rt.config.id, atMs: now, kind: 'signal_restored', severity: 'info', message: `${rt.config.name}: picture restored`, payload: {} })
        .catch((e: unknown) => this.opts.logger.error({ cameraId: rt.config.id, err: errorMessage(e) }, 'cannot store signal-restored alert'));
    }
  }
}
