import { bottomCenter } from '../core/box.js';
import type { FrameMeta } from '../core/frame.js';
import { pixelToNorm } from '../core/geometry.js';
import { ulid } from '../core/ids.js';
import type { Track, TrackId } from '../core/track.js';
import type { RuleEvent, SignalObservation } from '../core/violation.js';
import type { RuleConfig } from '../config/rules.js';
import type { CameraConfig } from '../config/schema.js';
import { buildScene, groundOf, type Scene } from './calibration/scene.js';
import { ruleDefinition } from './registry.js';
import type { EventDraft, RuleContext, RuleMeta, SceneTrack, SignalState } from './rule.js';

export interface RuleEngineOptions {
  /** Event id factory (default: a ULID of the event time). Tests inject a deterministic one. */
  readonly newId?: (atMs: number) => string;
  /** A signal whose last known colour is older than this becomes `unknown`, ms (default 2000). */
  readonly signalStaleMs?: number;
}

/** The rules of one camera composed: feed it every analysed frame's tracks, get its events. */
export interface RuleEngine {
  readonly cameraId: string;
  readonly scene: Scene;
  /**
   * One frame: the tracker's tracks (source pixels), frame timing, the ids of tracks that ended on this
   * frame (their state is evicted everywhere), and this frame's signal observations (classifier or feed).
   */
  step(tracks: readonly Track[], meta: FrameMeta, ended: readonly TrackId[], signals?: readonly SignalObservation[]): RuleEvent[];
  /** Current signal states. */
  signals(): ReadonlyMap<string, SignalState>;
  /** Per-track entries held over all rules (must not grow with time). */
  size(): number;
}

interface Instance {
  step(tracks: readonly SceneTrack[], meta: RuleMeta, ended: readonly TrackId[]): readonly EventDraft[];
  size(): number;
}

function instantiate(rule: RuleConfig, ctx: RuleContext): Instance {
  const def = ruleDefinition(rule.kind);
  let state = def.init(rule as never, ctx);
  return {
    step(tracks, meta, ended) {
      const r = def.step(state, tracks, meta, ended);
      state = r.state;
      return r.events;
    },
    size: () => def.size(state),
  };
}

/** Scene tracks: the anchor of every track in pixels, normalised and on the ground, once per frame. */
export function sceneTracks(scene: Scene, tracks: readonly Track[], meta: FrameMeta): SceneTrack[] {
  return tracks.map((track) => {
    const anchorPx = bottomCenter(track.box);
    const anchor = pixelToNorm(anchorPx, meta.sourceSize);
    const ground = groundOf(scene, anchor);
    return ground ? { track, anchorPx, anchor, ground } : { track, anchorPx, anchor };
  });
}

/** Next signal states from this frame's observations (`unknown` only replaces a stale known colour). */
export function updateSignals(
  prev: ReadonlyMap<string, SignalState & { readonly knownAtMs: number }>,
  observations: readonly SignalObservation[],
  nowMs: number,
  staleMs: number,
): Map<string, SignalState & { readonly knownAtMs: number }> {
  const next = new Map(prev);
  for (const o of observations) {
    const p = next.get(o.signalId);
    if (o.colour === 'unknown') {
      if (p && p.colour !== 'unknown' && nowMs - p.knownAtMs <= staleMs) continue;
      if (p?.colour !== 'unknown') next.set(o.signalId, { colour: 'unknown', sinceMs: nowMs, knownAtMs: p?.knownAtMs ?? nowMs });
      continue;
    }
    next.set(o.signalId, { colour: o.colour, sinceMs: p?.colour === o.colour ? p.sinceMs : nowMs, knownAtMs: nowMs });
  }
  return next;
}

/** Compose a camera's rules. Throws `config_invalid` when its calibration is degenerate. */
export function createRuleEngine(camera: CameraConfig, siteTz: string, options: RuleEngineOptions = {}): RuleEngine {
  const scene = buildScene(camera);
  const ctx: RuleContext = { cameraId: camera.id, scene, timeZone: siteTz };
  const rules = camera.rules.map((r) => instantiate(r, ctx));
  const newId = options.newId ?? ulid;
  const staleMs = options.signalStaleMs ?? 2000;
  let signals = new Map<string, SignalState & { readonly knownAtMs: number }>();
  return {
    cameraId: camera.id,
    scene,
    step(tracks, meta, ended, observations = []) {
      signals = updateSignals(signals, observations, meta.capturedAtMs, staleMs);
      const ruleMeta: RuleMeta = { ...meta, signals };
      const st = sceneTracks(scene, tracks, meta);
      const out: RuleEvent[] = [];
      for (const rule of rules) for (const e of rule.step(st, ruleMeta, ended)) out.push({ ...e, id: newId(e.atMs) } as RuleEvent);
      return out;
    },
    signals: () => signals,
    size: () => rules.reduce((s, r) => s + r.size(), 0),
  };
}
