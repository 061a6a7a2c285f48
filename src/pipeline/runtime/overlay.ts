/**
 * The analysis overlay: per analysed frame, what the analysis sees (tracks with class and id, the counting lines with
 * their counts, zones, signal states), in normalised picture coordinates, for drawing over the live video.
 * Demand-driven: a frame is built and handed on only for a camera somebody watches with the overlay on, so a
 * service of 500 cameras spends nothing on it while nobody looks. Class and track id only, never plate text.
 */
import type { CameraConfig } from '../../config/schema.js';
import type { ObjectClass } from '../../core/classes.js';
import type { CrowdStatus } from '../../core/heatmap.js';
import type { SignalColour } from '../../core/violation.js';
import type { FrameResult } from '../analysis.js';
import type { ClassCounts } from '../../rules/line-counter.js';

type Norm = readonly [number, number];

export interface OverlayFrame {
  readonly cameraId: string;
  /** Capture time of the analysed frame, ms since epoch. */
  readonly capturedAtMs: number;
  readonly tracks: ReadonlyArray<{ readonly id: number; readonly cls: ObjectClass; readonly box: readonly [number, number, number, number] }>;
  readonly lines: ReadonlyArray<{ readonly id: string; readonly name: string | null; readonly a: Norm; readonly b: Norm; readonly pos: number; readonly neg: number }>;
  readonly zones: ReadonlyArray<{ readonly id: string; readonly name: string | null; readonly polygon: readonly Norm[]; readonly persons?: number }>;
  readonly signals: ReadonlyArray<{ readonly id: string; readonly colour: SignalColour }>;
}

/** Line totals by line id and class (line-counter.ts `counts`). */
export type LineTotals = Record<string, Partial<Record<ObjectClass, ClassCounts>>>;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Math.round(v * 10_000) / 10_000);

/** The overlay of one analysed frame. Pure. Boxes are normalised by the source size (boxes are in source pixels). */
export function overlayFrame(
  camera: Pick<CameraConfig, 'id' | 'lines' | 'zones'>,
  r: Pick<FrameResult, 'frame' | 'tracks'>,
  totals: LineTotals,
  signals: ReadonlyMap<string, { readonly colour: SignalColour }> = new Map(),
  crowd?: CrowdStatus | null,
): OverlayFrame {
  const persons = new Map(crowd?.zones.map((z) => [z.id, z.persons]) ?? []);
  const { width, height } = r.frame.sourceSize;
  return {
    cameraId: camera.id,
    capturedAtMs: r.frame.capturedAtMs,
    // Tracks not matched on this frame (lost, waiting to be re-found) are not where their box says: not drawn.
    tracks: r.tracks.filter((t) => t.state !== 'lost' && t.state !== 'removed').map((t) => ({
      id: t.id, cls: t.cls, box: [clamp01(t.box.x1 / width), clamp01(t.box.y1 / height), clamp01(t.box.x2 / width), clamp01(t.box.y2 / height)] as const,
    })),
    lines: camera.lines.map((l) => {
      let pos = 0;
      let neg = 0;
      for (const c of Object.values(totals[l.id] ?? {})) {
        pos += c.pos;
        neg += c.neg;
      }
      return { id: l.id, name: l.name ?? null, a: [l.points[0][0], l.points[0][1]] as const, b: [l.points[1][0], l.points[1][1]] as const, pos, neg };
    }),
    zones: camera.zones.map((z) => {
      const n = persons.get(z.id);
      return { id: z.id, name: z.name ?? null, polygon: z.polygon.map((p) => [p[0], p[1]] as const), ...(n !== undefined ? { persons: n } : {}) };
    }),
    signals: [...signals].map(([id, s]) => ({ id, colour: s.colour })),
  };
}

export type OverlayListener = (frame: OverlayFrame) => void;

/**
 * Who watches which camera's overlay. The runtime asks `wants(camera)` per analysed frame and builds a frame only then;
 * `published` counts the frames built (a camera nobody watches adds nothing to it).
 */
export class OverlayTap {
  private readonly listeners = new Map<string, Set<OverlayListener>>();
  private readonly enders = new Set<() => void>();
  private publishedCount = 0;

  /** Starts listening to a camera's overlay; returns the function that stops it. `onClose`: the runtime stops (shutdown). */
  watch(cameraId: string, listener: OverlayListener, onClose?: () => void): () => void {
    let set = this.listeners.get(cameraId);
    if (!set) this.listeners.set(cameraId, (set = new Set()));
    set.add(listener);
    if (onClose) this.enders.add(onClose);
    return () => {
      set.delete(listener);
      if (onClose) this.enders.delete(onClose);
      if (set.size === 0 && this.listeners.get(cameraId) === set) this.listeners.delete(cameraId);
    };
  }

  /** Calls `fn` when the runtime stops (a stream relayed from elsewhere ends with this process too); returns the undo. */
  onClose(fn: () => void): () => void {
    this.enders.add(fn);
    return () => this.enders.delete(fn);
  }

  /** Ends every watch (the runtime stops). */
  close(): void {
    const enders = [...this.enders];
    this.enders.clear();
    this.listeners.clear();
    for (const e of enders) e();
  }

  wants(cameraId: string): boolean {
    return this.listeners.has(cameraId);
  }

  /** Viewers of a camera's overlay in this process. */
  viewers(cameraId: string): number {
    return this.listeners.get(cameraId)?.size ?? 0;
  }

  publish(frame: OverlayFrame): void {
    this.publishedCount++;
    for (const l of this.listeners.get(frame.cameraId) ?? []) l(frame);
  }

  /** Overlay frames built and published since the start (whether anybody still listened). */
  get published(): number {
    return this.publishedCount;
  }
}
