import { box, boxArea, boxHeight, boxWidth, type Box } from '../core/box.js';
import type { Detection } from '../core/detection.js';

export interface RiderOptions {
  /** Share of the person's lower half that must lie inside the two-wheeler's box (default 0.3). */
  readonly minOverlap?: number;
  /**
   * Turn a lone, rider-shaped `person` (no two-wheeler under it) into a `motorcycle` with one rider. For dense
   * motorbike traffic seen from above/behind, where the detector sees riders better than their bikes. Default
   * false: a pedestrian on a kerb can look like that too.
   */
  readonly promoteLoneRiders?: boolean;
  /** Rider shape: height/width at most this (a walking pedestrian is taller and thinner). Default 2.4. */
  readonly riderMaxAspect?: number;
  /** Promoted riders: how far the box grows downwards to cover the bike, as a share of the person's height. Default 0.35. */
  readonly bikeBelowRatio?: number;
  /**
   * Relabel `car` boxes taller than wide (height/width ≥ `tallCarMinAspect`, default 1.4) as `motorcycle`: a car
   * seen from any side is about as tall as wide or flatter; YOLOX-nano calls many far motorbikes+riders `car`.
   * Default false.
   */
  readonly tallCarsAsMotorcycles?: boolean;
  readonly tallCarMinAspect?: number;
}

const TWO_WHEELERS = new Set(['motorcycle', 'bicycle']);

const interArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) * Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));

const union = (a: Box, b: Box): Box => box(Math.min(a.x1, b.x1), Math.min(a.y1, b.y1), Math.max(a.x2, b.x2), Math.max(a.y2, b.y2));

/** How much of the person's lower half lies on the vehicle, 0..1; 0 unless the person's centre is over it. */
export function riderOverlap(person: Box, vehicle: Box): number {
  const cx = (person.x1 + person.x2) / 2;
  if (cx < vehicle.x1 || cx > vehicle.x2) return 0;
  const lower = box(person.x1, person.y1 + boxHeight(person) / 2, person.x2, person.y2);
  const a = boxArea(lower);
  return a <= 0 ? 0 : interArea(lower, vehicle) / a;
}

/** Index of the two-wheeler this person rides, or -1. */
function vehicleUnder(person: Detection, dets: readonly Detection[], minOverlap: number): number {
  let best = -1;
  let bestCover = minOverlap;
  dets.forEach((v, i) => {
    if (!TWO_WHEELERS.has(v.cls)) return;
    const cover = riderOverlap(person.box, v.box);
    if (cover >= bestCover) {
      bestCover = cover;
      best = i;
    }
  });
  return best;
}

export const isRiderShaped = (b: Box, maxAspect = 2.4): boolean => boxWidth(b) > 0 && boxHeight(b) / boxWidth(b) <= maxAspect;

/**
 * Fuse riders with their two-wheelers (pure): a `person` whose lower half lies on a `motorcycle`/`bicycle` box
 * disappears into it; the vehicle's box grows to cover its riders and `riders` counts them. Lone persons stay
 * persons, unless `promoteLoneRiders` turns rider-shaped ones into motorcycles.
 */
export function fuseRiders(input: readonly Detection[], opts: RiderOptions = {}): Detection[] {
  const dets = opts.tallCarsAsMotorcycles ? relabelTallCars(input, opts.tallCarMinAspect) : input;
  const minOverlap = opts.minOverlap ?? 0.3;
  const ridersOf = new Map<number, Detection[]>();
  const lone: Detection[] = [];
  for (const d of [...dets].filter((x) => x.cls === 'person').sort((a, b) => b.score - a.score)) {
    const v = vehicleUnder(d, dets, minOverlap);
    if (v < 0) lone.push(d);
    else ridersOf.set(v, [...(ridersOf.get(v) ?? []), d]);
  }
  const out: Detection[] = [];
  dets.forEach((d, i) => {
    if (d.cls === 'person') return;
    const riders = ridersOf.get(i);
    if (!riders) return void out.push(d);
    const grown = riders.reduce((b, r) => union(b, r.box), d.box);
    out.push({ ...d, box: grown, riders: (d.riders ?? 0) + riders.length });
  });
  for (const p of lone) {
    if (opts.promoteLoneRiders && isRiderShaped(p.box, opts.riderMaxAspect)) {
      const below = boxHeight(p.box) * (opts.bikeBelowRatio ?? 0.35);
      out.push({ box: box(p.box.x1, p.box.y1, p.box.x2, p.box.y2 + below), cls: 'motorcycle', score: p.score, riders: 1 });
    } else {
      out.push(p);
    }
  }
  return out;
}

/** `car` boxes with height/width ≥ minAspect become `motorcycle` (pure). */
export function relabelTallCars(dets: readonly Detection[], minAspect = 1.4): Detection[] {
  return dets.map((d) => (d.cls === 'car' && boxWidth(d.box) > 0 && boxHeight(d.box) / boxWidth(d.box) >= minAspect ? { ...d, cls: 'motorcycle' } : d));
}
