/**
 * Where a camera chain gets its detector (from the detector registry, as the camera's config chooses). The service shares one detector per settings between its cameras (a
 * detector is a pool of worker threads: one per camera would oversubscribe the cores) and keeps running without
 * detection when a model cannot load, saying why; `argus analyze` opens its own and fails when it cannot.
 */
import { errorMessage, isArgusError } from '../../core/errors.js';
import { Histogram, type HistogramSnapshot } from '../../core/metrics.js';
import type { SourceLogger } from '../../video/source.js';
import type { Detector } from '../../vision/detector.js';
import { createDetector, describeDetector, type ResolvedDetector } from '../../vision/registry.js';
import type { DetectorSource } from './build.js';

export interface DetectorStatus {
  readonly model: string;
  readonly ok: boolean;
  readonly message: string | null;
}

/** Time of each detect call of one shared detector (queue wait in the pool, letterbox, inference, decode), seconds. */
export interface DetectorLatency {
  readonly model: string;
  readonly histogram: HistogramSnapshot;
}

export interface SharedDetectors extends DetectorSource {
  status(): DetectorStatus[];
  latency(): DetectorLatency[];
  close(): Promise<void>;
}

interface Entry {
  readonly promise: Promise<Detector | null>;
  readonly status: DetectorStatus;
  readonly histogram: Histogram;
}

/** The detector with the time of each successful detect call observed. */
function timed(det: Detector, histogram: Histogram): Detector {
  return {
    name: det.name,
    async detect(frame) {
      const t0 = performance.now();
      const out = await det.detect(frame);
      histogram.observe((performance.now() - t0) / 1000);
      return out;
    },
    close: () => det.close(),
  };
}

/** One detector per settings, loaded once and shared; a model that cannot load gives null and its status says why. */
export function sharedDetectors(o: { readonly modelsDir?: string | undefined; readonly logger: SourceLogger }): SharedDetectors {
  const detectors = new Map<string, Entry>();
  const entry = (options: ResolvedDetector): Entry => {
    const key = JSON.stringify(options);
    let d = detectors.get(key);
    if (d) return d;
    const model = describeDetector(options).model ?? options.kind;
    const status = { model, ok: false, message: 'loading' as string | null };
    const histogram = new Histogram();
    const promise = createDetector(options, { modelsDir: o.modelsDir }).then(
      (det): Detector => {
        status.ok = true;
        status.message = null;
        return timed(det, histogram);
      },
      (e: unknown) => {
        status.message = isArgusError(e, 'model_missing') ? errorMessage(e) : `detector failed to load: ${errorMessage(e)}`;
        o.logger.error({ model, err: errorMessage(e) }, `no detector: ${status.message} — cameras run without detection`);
        return null;
      },
    );
    d = { promise, status, histogram };
    detectors.set(key, d);
    return d;
  };
  return {
    acquire: (options) => entry(options).promise,
    problem: (options) => detectors.get(JSON.stringify(options))?.status.message ?? null,
    status: () => [...detectors.values()].map((d) => ({ ...d.status })),
    latency: () => [...detectors.values()].filter((d) => d.status.ok).map((d) => ({ model: d.status.model, histogram: d.histogram.snapshot() })),
    async close() {
      for (const d of detectors.values()) await (await d.promise)?.close();
      detectors.clear();
    },
  };
}

/** Detectors of one run of `argus analyze`: a model that cannot load fails the run with its reason. */
export function ownDetectors(): DetectorSource & { close(): Promise<void> } {
  const opened: Detector[] = [];
  return {
    async acquire(options) {
      const d = await createDetector(options);
      opened.push(d);
      return d;
    },
    problem: () => null,
    async close() {
      for (const d of opened.splice(0)) await d.close();
    },
  };
}
