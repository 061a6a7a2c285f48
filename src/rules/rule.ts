import type { z } from 'zod';
import type { FrameMeta } from '../core/frame.js';
import type { NormPoint, PixelPoint, WorldPoint } from '../core/geometry.js';
import type { Track, TrackId } from '../core/track.js';
import type { AlertEvent, RuleEvent, SignalColour, ViolationEvent, ZoneEvent } from '../core/violation.js';
import { ArgusError } from '../core/errors.js';
import type { Scene } from './calibration/scene.js';

/**
 * The Rule port. A rule is a pure state machine: `init(params, ctx)` builds its first state (a value, which
 * also carries the resolved parameters), `step(state, tracks, meta, ended)` returns the next state and the
 * events of this frame. Per-track state is evicted for the ids in `ended`. Hysteresis is explicit in each
 * rule's parameters. The same code runs live, on replay and in tests.
 */

/** A track as the rules see it: the tracker's track plus its anchor point in every space, computed once. */
export interface SceneTrack {
  readonly track: Track;
  /** Bottom-centre of the box (where the vehicle touches the road), source pixels. */
  readonly anchorPx: PixelPoint;
  /** The same, normalised 0–1 of the picture (config geometry space). */
  readonly anchor: NormPoint;
  /** The same on the ground, metres, when the camera is calibrated. */
  readonly ground?: WorldPoint;
}

/** The state of one signal as the engine tracks it from observations. */
export interface SignalState {
  readonly colour: SignalColour;
  /** Capture time when this colour was first observed (after a different colour), ms. */
  readonly sinceMs: number;
}

/** Frame timing plus the signal states at this frame. */
export interface RuleMeta extends FrameMeta {
  readonly signals: ReadonlyMap<string, SignalState>;
}

/** What a rule knows about where it runs. */
export interface RuleContext {
  readonly cameraId: string;
  readonly scene: Scene;
  /** IANA time zone of the site (time windows are local time). */
  readonly timeZone: string;
}

/** A line of the camera's scene that a rule needs (the config check already refuses unknown ids). */
export function sceneLine(ctx: RuleContext, ruleId: string, lineId: string): NonNullable<ReturnType<Scene['lines']['get']>> {
  const line = ctx.scene.lines.get(lineId);
  if (!line) throw new ArgusError('config_invalid', `rule ${ruleId}: unknown line "${lineId}"`);
  return line;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its id: the engine stamps ids, so rules stay pure. */
export type EventDraft = DistributiveOmit<RuleEvent, 'id'>;
export type ViolationDraft = Omit<ViolationEvent, 'id'>;
export type AlertDraft = Omit<AlertEvent, 'id'>;
export type ZoneDraft = Omit<ZoneEvent, 'id'>;

export interface StepResult<S> {
  readonly state: S;
  readonly events: readonly EventDraft[];
}

/** Rule parameters always carry the rule id and kind. */
export interface RuleParamsBase {
  readonly id: string;
  readonly kind: string;
}

export interface RuleDefinition<P extends RuleParamsBase, S> {
  readonly kind: P['kind'];
  readonly schema: z.ZodType<P>;
  init(params: P, ctx: RuleContext): S;
  step(state: S, tracks: readonly SceneTrack[], meta: RuleMeta, ended: readonly TrackId[]): StepResult<S>;
  /** Per-track entries held (for leak checks). */
  size(state: S): number;
}

/** Identity helper that infers the parameter and state types of a rule. */
export function defineRule<P extends RuleParamsBase, S>(def: RuleDefinition<P, S>): RuleDefinition<P, S> {
  return def;
}

/** The common header of every event a rule emits. */
export interface EventHeader {
  readonly cameraId: string;
  readonly atMs: number;
  readonly ptsSec: number;
  readonly ruleId: string;
  readonly ruleKind: string;
}

export const header = (ctx: RuleContext, params: RuleParamsBase, meta: FrameMeta): EventHeader => ({
  cameraId: ctx.cameraId,
  atMs: meta.capturedAtMs,
  ptsSec: meta.ptsSec,
  ruleId: params.id,
  ruleKind: params.kind,
});

/** A copy of `map` without the ended ids (per-track eviction). */
export function evict<V>(map: ReadonlyMap<number, V>, ended: readonly TrackId[]): Map<number, V> {
  const out = new Map(map);
  for (const id of ended) out.delete(id);
  return out;
}
