import { box, boxArea, type Box } from '../core/box.js';
import type { FrameSize } from '../core/geometry.js';
import type { Region } from './letterbox.js';
import { nms } from './nms.js';

/**
 * `count` overlapping columns covering the frame side by side, each overlapping its neighbour by `overlap`
 * (a fraction of the tile width). count 1 → the whole frame.
 */
export function tileRegions(size: FrameSize, count: number, overlap = 0.25): Region[] {
  const n = Math.max(1, Math.floor(count));
  if (n === 1) return [{ x: 0, y: 0, width: size.width, height: size.height }];
  const ov = Math.min(Math.max(overlap, 0), 0.9);
  const tileW = Math.min(size.width, Math.ceil(size.width / (n - (n - 1) * ov)));
  const step = (size.width - tileW) / (n - 1);
  return Array.from({ length: n }, (_, i) => ({ x: Math.round(i * step), y: 0, width: tileW, height: size.height }));
}

/** A detection found in one tile, in source pixels, with the tile's inner edges in source pixels. */
export interface TileDetection<C> {
  readonly box: Box;
  readonly score: number;
  readonly cls: C;
  readonly tile: number;
}

export interface TileEdges {
  /** Inner (shared) edges of the tile in source x: a box touching one was cut by the seam. */
  readonly left?: number;
  readonly right?: number;
}

const interArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) * Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));

function isCut(b: Box, e: TileEdges | undefined, tol: number): boolean {
  return (e?.left !== undefined && b.x1 <= e.left + tol) || (e?.right !== undefined && b.x2 >= e.right - tol);
}

/**
 * Merge per-tile detections (source pixels): a box cut by a seam is dropped when another tile holds most of it
 * (intersection ≥ 60 % of the cut box); two cut halves of one object from two tiles are joined; then class-wise
 * NMS removes the remaining duplicates of the overlap band.
 */
export function mergeTiles<C extends string | number>(dets: readonly TileDetection<C>[], edges: readonly TileEdges[], iouThreshold: number, tolPx = 3): TileDetection<C>[] {
  const cut = dets.map((d) => isCut(d.box, edges[d.tile], tolPx));
  const drop = new Set<number>();
  const joined: TileDetection<C>[] = [];
  dets.forEach((d, i) => {
    if (!cut[i] || drop.has(i)) return;
    dets.forEach((o, j) => {
      if (drop.has(i) || j === i || o.tile === d.tile || o.cls !== d.cls || drop.has(j)) return;
      const inter = interArea(d.box, o.box);
      if (inter <= 0) return;
      if (!cut[j] && inter >= 0.6 * boxArea(d.box)) {
        drop.add(i);
      } else if (cut[j] && sameRows(d.box, o.box)) {
        drop.add(i).add(j);
        const u = box(Math.min(d.box.x1, o.box.x1), Math.min(d.box.y1, o.box.y1), Math.max(d.box.x2, o.box.x2), Math.max(d.box.y2, o.box.y2));
        joined.push({ box: u, score: Math.max(d.score, o.score), cls: d.cls, tile: d.tile });
      }
    });
  });
  const rest = dets.filter((_, i) => !drop.has(i));
  return nms([...rest, ...joined], iouThreshold, (d) => d.cls);
}

/** Two boxes covering mostly the same rows (vertical IoU ≥ 0.6). */
function sameRows(a: Box, b: Box): boolean {
  const inter = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const union = Math.max(a.y2, b.y2) - Math.min(a.y1, b.y1);
  return union > 0 && inter / union >= 0.6;
}
