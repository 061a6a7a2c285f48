import { iou, type Box } from '../core/box.js';

export interface Scored {
  readonly box: Box;
  readonly score: number;
}

/**
 * Greedy non-maximum suppression, class by class: keeps the best-scoring box and drops every box of the same
 * class (`classOf`) that overlaps a kept one with IoU above `iouThreshold`. Pure; returns the kept items by
 * descending score. Without `classOf` all boxes are one class (class-agnostic).
 */
export function nms<T extends Scored>(items: readonly T[], iouThreshold: number, classOf?: (item: T) => string | number): T[] {
  const order = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  const keptByClass = new Map<string | number, T[]>();
  for (const item of order) {
    const cls = classOf ? classOf(item) : 0;
    const same = keptByClass.get(cls);
    if (same?.some((k) => iou(k.box, item.box) > iouThreshold)) continue;
    kept.push(item);
    if (same) same.push(item);
    else keptByClass.set(cls, [item]);
  }
  return kept;
}
