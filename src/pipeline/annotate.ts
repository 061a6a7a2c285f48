import { bottomCenter, type Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { FrameSize } from '../core/geometry.js';
import { drawLine, drawRect, drawText, fillCircle, measureText, type Rgb } from '../core/raster.js';
import type { TrackId } from '../core/track.js';
import type { CountLine } from '../rules/line-counter.js';
import type { FrameResult } from './analysis.js';

/** Colours per class: distinct at a glance on a wall screen. */
const CLASS_COLOURS: Record<ObjectClass, Rgb> = {
  car: [0, 200, 255],
  motorcycle: [255, 190, 0],
  bus: [190, 90, 255],
  truck: [255, 90, 90],
  bicycle: [120, 255, 120],
  person: [255, 255, 255],
  traffic_light: [255, 0, 200],
};
const LINE_COLOUR: Rgb = [255, 40, 40];
const FLASH_COLOUR: Rgb = [60, 255, 60];
const TRAIL_POINTS = 30;

export interface LineTotals {
  readonly pos: number;
  readonly neg: number;
}

/**
 * Draws boxes, track ids, trails and line counters on frames (in place, at the analysed size). Keeps a short
 * trail per live track; trails of ended tracks are dropped, so memory stays bounded.
 */
export class Annotator {
  private readonly trails = new Map<TrackId, Array<{ x: number; y: number }>>();
  private readonly totals = new Map<string, { pos: number; neg: number }>();
  private readonly flashUntilPts = new Map<string, number>();

  constructor(private readonly lines: (sourceSize: FrameSize) => readonly CountLine[]) {}

  draw(r: FrameResult): void {
    const { rgb, size, sourceSize } = r.frame;
    const sx = size.width / sourceSize.width;
    const sy = size.height / sourceSize.height;
    const scaleText = size.width >= 1000 ? 2 : 1;
    for (const id of r.ended) this.trails.delete(id);
    for (const e of r.events) {
      if (e.kind !== 'line.cross') continue;
      const t = this.totals.get(e.lineId) ?? { pos: 0, neg: 0 };
      this.totals.set(e.lineId, { ...t, [e.direction]: t[e.direction] + 1 });
      this.flashUntilPts.set(e.lineId, r.frame.ptsSec + 0.5);
    }
    for (const l of this.lines(sourceSize)) {
      const flashing = (this.flashUntilPts.get(l.id) ?? -1) >= r.frame.ptsSec;
      const a = { x: l.a.x * sx, y: l.a.y * sy };
      const b = { x: l.b.x * sx, y: l.b.y * sy };
      drawLine(rgb, size.width, size.height, a, b, { color: flashing ? FLASH_COLOUR : LINE_COLOUR, thickness: 3 });
      const t = this.totals.get(l.id) ?? { pos: 0, neg: 0 };
      drawText(rgb, size.width, size.height, a.x + 4, a.y + 6, `${l.id} +${t.pos} -${t.neg}`, {
        color: [255, 255, 255],
        background: [0, 0, 0],
        scale: scaleText + 1,
        padding: 3,
      });
    }
    for (const t of r.tracks) {
      const colour = CLASS_COLOURS[t.cls];
      const b = scaled(t.box, sx, sy);
      drawRect(rgb, size.width, size.height, b.x1, b.y1, b.x2, b.y2, { color: colour, thickness: 2 });
      const label = `#${t.id} ${t.cls}${t.riders && t.riders > 1 ? ` x${t.riders}` : ''}`;
      const m = measureText(label, scaleText);
      drawText(rgb, size.width, size.height, b.x1, Math.max(0, b.y1 - m.height - 2), label, { color: [0, 0, 0], background: colour, scale: scaleText, padding: 1 });
      const anchor = bottomCenter(t.box);
      const trail = this.trails.get(t.id) ?? [];
      trail.push({ x: anchor.x * sx, y: anchor.y * sy });
      if (trail.length > TRAIL_POINTS) trail.shift();
      this.trails.set(t.id, trail);
      for (let i = 1; i < trail.length; i++) drawLine(rgb, size.width, size.height, trail[i - 1]!, trail[i]!, { color: colour, thickness: 2 });
      fillCircle(rgb, size.width, size.height, anchor.x * sx, anchor.y * sy, 3, colour);
    }
    const banner = `t=${r.frame.ptsSec.toFixed(2)}s tracks=${r.tracks.length}${r.motion ? '' : ' (no motion)'}`;
    drawText(rgb, size.width, size.height, 6, size.height - 8 * (scaleText + 1) - 6, banner, { color: [255, 255, 255], background: [0, 0, 0], scale: scaleText, padding: 2 });
  }

  /** Trails held (for leak checks). */
  size(): number {
    return this.trails.size;
  }
}

const scaled = (b: Box, sx: number, sy: number): Box => ({ x1: b.x1 * sx, y1: b.y1 * sy, x2: b.x2 * sx, y2: b.y2 * sy });
