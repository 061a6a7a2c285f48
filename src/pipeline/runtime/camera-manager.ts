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
import { errorMessage } from '../../core/errors.js';
import type { ArgusEvent } from '../../core/events.js';
import type { Frame } from '../../core/frame.js';
import { ulid } from '../../core/ids.js';
import { probeSource } from '../../video/probe.js';
import { Recorder } from '../../video/recorder.js';
import { backoffDelayMs, type BackoffPolicy } from '../../video/supervisor.js';
import type { FrameSource, SourceLogger } from '../../video/source.js';
import type { RulesStage } from '../rules-stage.js';
import { analysisSettings, type AnalysisSettings } from '../settings.js';
import type { EventBus } from '../../bus/bus.js';
import type { CameraHealth, CameraMessage, CameraStatus, PlateStatus, Producer, RecordingStatus } from '../../bus/messages.js';
import type { HeatmapBucket } from '../../core/heatmap.js';
import { CrowdCounter } from '../crowd.js';
import { HeatmapAccumulator } from '../heatmap.js';
import { buildCameraChain } from './build.js';
import { sharedDetectors, type DetectorLatency, type DetectorStatus, type SharedDetectors } from './detectors.js';
import { busOutputs, type CameraOutputs, type OutputBlobs } from './outputs.js';
import { overlayFrame, OverlayTap } from './overlay.js';
import type { StageProvider } from './stages.js';

export type { DetectorLatency, DetectorStatus } from './detectors.js';
export type { CameraAlert, CameraHealth, CameraStatus, PlateStatus, RecordingStatus } from '../../bus/messages.js';

export interface CameraManagerOptions {
  /** The runtime's only output: events, camera alerts and health go onto the bus. */
  readonly bus: EventBus<CameraMessage>;
  /** Where plate crops and evidence packages go (the messages carry their references). */
  readonly blobs: OutputBlobs;
  readonly logger: SourceLogger & { child?: (b: object) => SourceLogger };
  /** No frame for this long → signal-loss alert (default 3000 ms: the alert is up within 5 s). */
  readonly signalLossMs?: number;
  /** A camera that never delivered a frame is reported lost only after this long (default 15 000 ms: connect, probe, model load). */
  readonly startupGraceMs?: number;
  /** Watchdog tick (default 250 ms). */
  readonly tickMs?: number;
  readonly modelsDir?: string;
  /** The stages after tracking per camera (plates, rules, evidence), built at each (re)start, closed when it stops. */
  readonly stages?: StageProvider;
  /** Pause before an analysis loop that ended is started again (default 2000 ms), doubled while it keeps failing (at most 30 s). */
  readonly restartDelayMs?: number;
  /** Folder of the recordings (`<data>/recordings`); without it no camera records. */
  readonly recordingsDir?: string;
  /** Restart policy of the recorders' ffmpeg (default: the video layer's). */
  readonly recorderBackoff?: BackoffPolicy;
  /** The scaled mode: who produces a camera's messages (worker, lease revision), stamped on each. The single box passes none. */
  readonly producer?: (cameraId: string) => Producer | undefined;
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
  plateStatus: (() => PlateStatus | null) | undefined;
  settings: AnalysisSettings | null;
  /** Delay of the last analysed frame behind its capture, ms (null before the first). */
  lagMs: number | null;
  /** Frames dropped and ffmpeg restarts of the sources this camera had before the current one. */
  droppedBefore: number;
  sourceRestartsBefore: number;
  /** Persons per zone on the latest analysed frame (the running chain's counter). */
  crowd: CrowdCounter | undefined;
  /** The heatmap's open bucket (the running chain's accumulator). */
  heat: HeatmapAccumulator | undefined;
}

/** A running camera's counters for /metrics (monotonic over the camera's life in this process, not per source). */
export interface CameraRuntimeMetrics {
  readonly id: string;
  readonly name: string;
  readonly site: string;
  readonly health: CameraHealth;
  /** Analysed frames per second (watchdog average). */
  readonly fps: number;
  /** How far behind its capture the last analysed frame was, ms (null before the first). */
  readonly lagMs: number | null;
  readonly framesAnalysed: number;
  /** Frames the live source dropped because the analysis was behind. */
  readonly framesDropped: number;
  /** Reconnects: analysis loop restarts plus ffmpeg restarts of the source. */
  readonly reconnects: number;
  readonly signalLost: boolean;
}

const sameRecording = (a: CameraConfig, b: CameraConfig): boolean =>
  a.source === b.source && a.enabled === b.enabled && a.recording.enabled === b.recording.enabled && a.recording.segmentSec === b.recording.segmentSec;

function recordingStatus(rec: Recorder | undefined): RecordingStatus | null {
  if (!rec) return null;
  const s = rec.status();
  return { running: s.running, segments: s.segments, lastSegment: s.lastSegment, lastSegmentAtMs: s.lastSegmentAtMs, restarts: s.restarts, lastError: s.lastError };
}

/**
 * Decoder threads of a live camera. A box runs many cameras, each ffmpeg decoding its whole stream: ffmpeg's own
 * choice (a thread per core and more, frame threading) costs ~20 % more CPU per camera than one thread on a 640×360
 * H.264 clip and adds a frame of latency per thread. One thread up to 1080p; two above, where one would not keep up.
 */
export const liveDecodeThreads = (info: { readonly width: number; readonly height: number }): number => (info.width * info.height <= 1920 * 1088 ? 1 : 2);

/** Without a stage provider: no plates, rules or evidence. */
const NO_STAGES: StageProvider = { stages: () => Promise.resolve({ stages: [] }), close: () => Promise.resolve() };

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

export class CameraManager {
  private readonly cameras = new Map<string, Runtime>();
  private readonly detectors: SharedDetectors;
  private readonly outputs: CameraOutputs;
  private readonly signalLossMs: number;
  private closed = false;
  /** The analysis overlay of this process's cameras: frames are built only for cameras somebody watches. */
  readonly overlay = new OverlayTap();

  constructor(private readonly opts: CameraManagerOptions) {
    this.signalLossMs = opts.signalLossMs ?? 3000;
    this.detectors = sharedDetectors({ modelsDir: opts.modelsDir, logger: opts.logger });
    this.outputs = busOutputs({ bus: opts.bus, blobs: opts.blobs, logger: opts.logger, producer: opts.producer });
  }

  ids(): string[] {
    return [...this.cameras.keys()];
  }

  /** The config a camera runs with now (undefined: not here). */
  config(id: string): CameraConfig | undefined {
    return this.cameras.get(id)?.config;
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
      signalLost: false, lastFrameAtMs: undefined, latest: undefined, watchdog: undefined, done: Promise.resolve(), recorder: kept, plateStatus: undefined, settings: null,
      lagMs: null, droppedBefore: 0, sourceRestartsBefore: 0, crowd: undefined, heat: undefined,
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
        plates: rt.plateStatus?.() ?? null, settings: rt.settings, crowd: rt.crowd?.latest() ?? null,
      });
    }
    return out;
  }

  /** The open (not yet flushed) heatmap bucket of a camera running here, for one class; undefined otherwise. */
  openHeatmap(id: string, cls: string): HeatmapBucket | undefined {
    return this.cameras.get(id)?.heat?.peek(cls);
  }

  /** Counters of every camera of this process for /metrics. */
  metrics(): CameraRuntimeMetrics[] {
    return [...this.cameras.values()].map((rt) => {
      const s = rt.source?.stats();
      return {
        id: rt.config.id, name: rt.config.name, site: rt.config.site, health: rt.health, fps: rt.fps, lagMs: rt.lagMs, framesAnalysed: rt.framesAnalysed,
        framesDropped: rt.droppedBefore + (s?.framesDropped ?? 0), reconnects: rt.restarts + rt.sourceRestartsBefore + (s?.restarts ?? 0), signalLost: rt.signalLost,
      };
    });
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
    return this.detectors.status();
  }

  /** Latency of each shared detector's calls. */
  detectorLatency(): DetectorLatency[] {
    return this.detectors.latency();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.overlay.close();
    await Promise.all([...this.cameras.keys()].map((id) => this.remove(id)));
    await this.detectors.close();
  }

  /** Runs the camera's chain again and again; a run that fails at once (source unreachable) waits longer each time. */
  private async loop(rt: Runtime): Promise<void> {
    const signal = rt.abort.signal;
    const policy: BackoffPolicy = { initialMs: this.opts.restartDelayMs ?? 2000, maxMs: 30_000, factor: 2, resetAfterMs: 60_000, jitter: 0.2 };
    let failures = 0;
    while (!signal.aborted && !this.closed) {
      const frames = rt.framesAnalysed;
      try {
        await this.runOnce(rt);
      } catch (e) {
        rt.message = errorMessage(e);
        this.opts.logger.warn({ cameraId: rt.config.id, err: rt.message }, 'camera analysis stopped');
      }
      if (signal.aborted) break;
      rt.restarts++;
      failures = rt.framesAnalysed > frames ? 1 : failures + 1;
      if (rt.framesAnalysed === frames && !rt.signalLost) this.setHealth(rt, failures >= 3 ? 'offline' : 'degraded');
      await sleep(backoffDelayMs(policy, failures), signal);
    }
  }

  /** One run: probe the source (the settings depend on its real size and rate), build the chain, run it until it ends. */
  private async runOnce(rt: Runtime): Promise<void> {
    const cam = rt.config;
    const log = this.opts.logger.child?.({ cameraId: cam.id }) ?? this.opts.logger;
    const info = await probeSource(cam.source, { signal: rt.abort.signal });
    const isFile = info.kind === 'file';
    const chain = await buildCameraChain({
      camera: cam, info, detectors: this.detectors, stages: this.opts.stages ?? NO_STAGES, logger: log,
      source: {
        realtime: isFile, loop: isFile, decodeThreads: liveDecodeThreads(info),
        onEvent: (ev) => {
          if (ev.type === 'error') rt.message = ev.error.message;
          if (ev.type === 'health' && !rt.signalLost) this.setHealth(rt, ev.health === 'ended' ? 'offline' : ev.health);
        },
      },
    });
    rt.source = chain.source;
    rt.settings = analysisSettings(chain.settings);
    rt.noModel = chain.noDetector !== null;
    if (rt.noModel) rt.message = chain.noDetector;
    rt.plateStatus = () => chain.plateStatus();
    const rules = chain.stageSet.stages.find((s): s is RulesStage => s.name === 'rules' && 'engine' in s);
    // People per zone (live status) and the heatmap's open bucket: one grid per class, flushed on the bus when a bucket closes.
    const crowd = chain.mode === 'vehicles' ? new CrowdCounter(cam) : undefined;
    const heat = chain.mode === 'vehicles' ? new HeatmapAccumulator({ cameraId: cam.id }) : undefined;
    rt.crowd = crowd;
    rt.heat = heat;
    const sendHeat = (buckets: readonly HeatmapBucket[]): Promise<void> =>
      Promise.all(buckets.map((b) => this.outputs.heatmap(b))).then(
        () => undefined,
        (e: unknown) => log.warn({ cameraId: cam.id, err: errorMessage(e) }, 'heatmap bucket not sent'),
      );
    try {
      await chain.run({
        onEvent: (e: ArgusEvent) => this.outputs.event(e),
        onFrame: (r) => {
          const frame = r.frame;
          rt.framesAnalysed++;
          rt.latest = frame;
          // Fresh now (the watchdog also reads the source's clock, every few seconds): latestFrame serves it at once.
          rt.lastFrameAtMs = Math.max(rt.lastFrameAtMs ?? 0, Date.now());
          rt.lagMs = Math.max(0, Date.now() - frame.capturedAtMs);
          const people = crowd?.count(frame, r.tracks);
          const closed = heat?.add(frame, r.tracks);
          if (closed && closed.length > 0) void sendHeat(closed);
          if (this.overlay.wants(cam.id)) this.overlay.publish(overlayFrame(cam, r, r.lineTotals?.() ?? {}, rules?.engine.signals(), people));
        },
        signal: rt.abort.signal,
      });
      const err = chain.source.lastError();
      if (err && !rt.abort.signal.aborted) rt.message = err.message;
    } finally {
      const s = chain.source.stats();
      rt.droppedBefore += s.framesDropped;
      rt.sourceRestartsBefore += s.restarts;
      rt.source = undefined;
      rt.crowd = undefined;
      rt.heat = undefined;
      if (heat) await sendHeat(heat.flush());
      await chain.close();
    }
  }

  private setHealth(rt: Runtime, health: CameraHealth): void {
    if (rt.health === health || !this.cameras.has(rt.config.id)) return;
    rt.health = health;
    const status = this.status(rt.config.id)[0];
    if (status) this.outputs.health(status);
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
      void this.outputs
        .alert({ id: ulid(), cameraId: rt.config.id, atMs: now, kind: 'signal_loss', severity: 'critical', message: `${rt.config.name}: no picture for ${Math.round(silentMs / 100) / 10} s`, payload: { silentMs, lastError: rt.message } })
        .catch((e: unknown) => this.opts.logger.error({ cameraId: rt.config.id, err: errorMessage(e) }, 'cannot store signal-loss alert'));
    } else if (rt.signalLost && lastFrame !== undefined && silentMs <= this.signalLossMs) {
      rt.signalLost = false;
      this.setHealth(rt, 'online');
      this.opts.logger.info({ cameraId: rt.config.id }, 'signal restored');
      void this.outputs
        .alert({ id: ulid(), cameraId: rt.config.id, atMs: now, kind: 'signal_restored', severity: 'info', message: `${rt.config.name}: picture restored`, payload: {} })
        .catch((e: unknown) => this.opts.logger.error({ cameraId: rt.config.id, err: errorMessage(e) }, 'cannot store signal-restored alert'));
    }
  }
}
