/**
 * THE detector registry: one line per kind of `analysis.detector` (its schema in src/config/detectors.ts). An entry
 * says what runs the detector, the model input and the label set of a configured detector, and builds it. The
 * `satisfies` clause makes a kind without its definition, or a definition of no kind, a compile error.
 */
import type { DetectorConfig, DetectorKind } from '../config/detectors.js';
import { ArgusError } from '../core/errors.js';
import type { Detector } from './detector.js';
import { LABEL_SETS, type LabelSet } from './labels.js';
import { findModelEntry, type ModelInput } from './models.js';
import { createOnnxDetector } from './onnx-detector.js';

/** A configured detector with its tiles decided for the analysed frame width (src/pipeline/settings.ts). */
export type ResolvedDetector = Exclude<DetectorConfig, { kind: 'onnx' }> | (Extract<DetectorConfig, { kind: 'onnx' }> & { readonly tiles: number });

/** Where detectors find their models, and how many worker threads they may use. */
export interface DetectorContext {
  readonly modelsDir?: string | undefined;
  readonly workers?: number | undefined;
}

/** What a configured detector is: its runtime, model, input and label set (for status, docs and evidence metadata). */
export interface DetectorDescription {
  readonly runtime: 'onnxruntime-node' | 'none';
  readonly model: string | null;
  readonly input: ModelInput | null;
  readonly labels: LabelSet | null;
}

export interface DetectorDefinition<C extends ResolvedDetector> {
  describe(config: C): DetectorDescription;
  create(config: C, context: DetectorContext): Promise<Detector>;
}

/** Frames flow, nothing is detected: health, recording, live view and signal loss without a model. */
export const NULL_DETECTOR: Detector = { name: 'none', detect: () => Promise.resolve([]), close: () => Promise.resolve() };

const onnx: DetectorDefinition<Extract<ResolvedDetector, { kind: 'onnx' }>> = {
  describe(c) {
    // An unknown model is reported when the detector is created (the camera then runs without detection).
    const entry = findModelEntry(c.model);
    return { runtime: 'onnxruntime-node', model: c.model, input: entry?.input ?? null, labels: entry?.labels ? LABEL_SETS[entry.labels] : null };
  },
  create: (c, ctx) =>
    createOnnxDetector({
      model: c.model, minScore: c.minScore, tiles: c.tiles, riders: { promoteLoneRiders: c.promoteLoneRiders },
      ...(ctx.modelsDir ? { modelsDir: ctx.modelsDir } : {}), ...(ctx.workers ? { workers: ctx.workers } : {}),
    }),
};

const none: DetectorDefinition<Extract<ResolvedDetector, { kind: 'none' }>> = {
  describe: () => ({ runtime: 'none', model: null, input: null, labels: null }),
  create: () => Promise.resolve(NULL_DETECTOR),
};

export const DETECTORS = { onnx, none } as const satisfies { readonly [K in DetectorKind]: DetectorDefinition<Extract<ResolvedDetector, { kind: K }>> };

function definition<K extends DetectorKind>(kind: K): DetectorDefinition<Extract<ResolvedDetector, { kind: K }>> {
  const d = (DETECTORS as Record<string, unknown>)[kind];
  if (!d) throw new ArgusError('invalid_argument', `unknown detector kind ${JSON.stringify(kind)} (known: ${Object.keys(DETECTORS).join(', ')})`);
  return d as DetectorDefinition<Extract<ResolvedDetector, { kind: K }>>;
}

export const describeDetector = (config: ResolvedDetector): DetectorDescription => definition(config.kind).describe(config as never);

/** The detector a camera's config chooses. */
export async function createDetector(config: ResolvedDetector, context: DetectorContext = {}): Promise<Detector> {
  return definition(config.kind).create(config as never, context);
}
