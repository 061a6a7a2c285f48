import { px, type PixelPoint } from './geometry.js';

/** Axis-aligned box in source pixels, corners (x1,y1) top-left and (x2,y2) bottom-right. */
export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
export const boxWidth = (b: Box): number => Math.max(0, b.x2 - b.x1);
export const boxHeight = (b: Box): number => Math.max(0, b.y2 - b.y1);
export const boxArea = (b: Box): number => boxWidth(b) * boxHeight(b);
export const boxCenter = (b: Box): PixelPoint => px((b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2);
/** The anchor used by line counting and ground projection: the bottom-centre of the box. */
export const bottomCenter = (b: Box): PixelPoint => px((b.x1 + b.x2) / 2, b.y2);

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = ix * iy;
  const union = boxArea(a) + boxArea(b) - inter;
  return union <= 0 ? 0 : inter / union;
}

export function clipBox(b: Box, width: number, height: number): Box {
  return box(
    Math.min(Math.max(b.x1, 0), width),
    Math.min(Math.max(b.y1, 0), height),
    Math.min(Math.max(b.x2, 0), width),
    Math.min(Math.max(b.y2, 0), height),
  );
}

export function scaleBox(b: Box, sx: number, sy: number): Box {
  return box(b.x1 * sx, b.y1 * sy, b.x2 * sx, b.y2 * sy);
}

/** cx, cy, aspect (w/h), height: the state space of the ByteTrack Kalman filter. */
export function toXyah(b: Box): [number, number, number, number] {
  const w = boxWidth(b);
  const h = Math.max(boxHeight(b), 1e-6);
  return [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2, w / h, h];
}

export function fromXyah(cx: number, cy: number, a: number, h: number): Box {
  const w = a * h;
  return box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
}
