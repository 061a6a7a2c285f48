import type { CameraConfig } from '../config/schema.js';
import type { ArgusEvent } from '../core/events.js';
import type { TrackId } from '../core/track.js';
import type { RuleEvent, SignalObservation, ViolationEvent } from '../core/violation.js';
import { createRuleEngine, type RuleEngine, type RuleEngineOptions } from '../rules/engine.js';
import { toReplayLine, type ReplayLine } from '../rules/replay.js';
import { createSignalReader } from '../rules/signal-lamps.js';
import type { FrameResult, FrameStage } from './analysis.js';

export interface RulesStageOptions extends RuleEngineOptions {
  /** The camera whose lanes, zones, signals, calibration and rules are run. */
  readonly camera: CameraConfig;
  /** IANA time zone of the camera's site (time windows of the rules). */
  readonly siteTz: string;
  /** Signal observations from an external controller feed for this frame (feed-sourced signals). */
  readonly feed?: (capturedAtMs: number) => readonly SignalObservation[];
  /** Called with every analysed frame's track log line (`--record-tracks`), in order. */
  readonly record?: (line: ReplayLine) => Promise<void> | void;
  /**
   * Violations are handed here instead of being returned (the evidence stage holds them until their
   * evidence is written and releases them with the reference). Return false to let one through as is.
   */
  readonly holdViolation?: (event: ViolationEvent) => boolean;
}

export interface RulesStage extends FrameStage {
  readonly engine: RuleEngine;
}

/** Plate text read for each live track (from `plate.read` events of earlier stages), to put on violations. */
class PlateMemory {
  private readonly plates = new Map<TrackId, string>();
  see(events: readonly ArgusEvent[], ended: readonly TrackId[]): void {
    for (const e of events) if (e.kind === 'plate.read') this.plates.set(e.trackId, e.read.display);
    for (const id of ended) this.plates.delete(id);
  }
  get(id: TrackId): string | undefined {
    return this.plates.get(id);
  }
  get size(): number {
    return this.plates.size;
  }
}

/**
 * The camera's rule engine as a pipeline stage. Runs on EVERY analysed frame, also the motion-gated ones:
 * there the tracks are the last known ones (the scene did not change), and dwell-type rules (illegal
 * stopping, zone dwell, crowd) must keep counting time. Signal colours of classifier-sourced signals are
 * read from this frame's pixels (the analysed picture; regions are normalised), which lamp of the head is lit,
 * with hysteresis (signal-lamps.ts).
 */
export function createRulesStage(opts: RulesStageOptions): RulesStage {
  const engine = createRuleEngine(opts.camera, opts.siteTz, opts);
  const hasClassifier = [...engine.scene.signals.values()].some((s) => s.source === 'classifier' && s.region);
  const reader = createSignalReader(engine.scene.signals);
  const plates = new PlateMemory();
  return {
    name: 'rules',
    engine,
    async step(r: FrameResult): Promise<readonly ArgusEvent[]> {
      const observed = hasClassifier ? reader.read(r.frame) : [];
      const signals = opts.feed ? [...observed, ...opts.feed(r.frame.capturedAtMs)] : observed;
      await opts.record?.(toReplayLine(r.frame, r.tracks, r.ended, signals));
      const events = engine.step(r.tracks, r.frame, r.ended, signals);
      plates.see(r.events, []);
      const out: RuleEvent[] = [];
      for (const e of events) {
        const withPlate = e.kind === 'violation' ? withPlateOf(e, plates.get(e.trackId)) : e;
        if (withPlate.kind === 'violation' && opts.holdViolation?.(withPlate) === true) continue;
        out.push(withPlate);
      }
      plates.see([], r.ended);
      return out;
    },
  };
}

const withPlateOf = (e: ViolationEvent, plate: string | undefined): ViolationEvent =>
  plate === undefined || e.plate !== undefined ? e : { ...e, plate };
