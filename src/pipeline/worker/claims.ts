/**
 * Which free cameras a worker tries to claim in one scan (pure). Every worker computes the same answer from the same
 * view (specs, leases, live workers), so two fresh workers split the cameras between them at once without talking:
 * cameras are taken in id order, each given by {@link chooseWorker} to the worker with the lowest load ratio after
 * taking it, and that worker's load grows by the camera's cost before the next camera is placed. Loads come from the
 * leases (who holds what now), not from the registry's heartbeats (seconds old).
 *
 * A camera placed on another worker that stays free for more than {@link PATIENCE_SCANS} scans (that worker is broken,
 * or its view differs) is taken by a worker with room, so a broken peer cannot stall it.
 */
import type { CameraConfig } from '../../config/schema.js';
import { cameraCost, chooseWorker } from './protocol.js';

export const PATIENCE_SCANS = 2;
/**
 * A camera moves to rebalance only when the worker taking it stays this much (a share of its capacity) below the
 * giver's load ratio before the move: the move cannot be undone by the same rule (stable), and a near-even spread
 * is left alone (a move costs the camera a second or two of analysis).
 */
export const REBALANCE_MIN_GAIN = 0.05;

export interface ClaimView {
  readonly me: string;
  /** Cameras by id (disabled ones are never claimed). */
  readonly specs: ReadonlyMap<string, CameraConfig>;
  /** Holder of each leased camera. */
  readonly leases: ReadonlyMap<string, string>;
  /** Live workers (this one included) and what each says it can carry. */
  readonly workers: readonly { readonly name: string; readonly capacity: number }[];
  /** Scans each free camera has waited for the worker it was placed on. */
  readonly waited: ReadonlyMap<string, number>;
}

export interface ClaimPlan {
  /** Cameras to claim now, in order. */
  readonly claim: readonly string[];
  /** The new waiting counts (free cameras placed elsewhere). */
  readonly waited: ReadonlyMap<string, number>;
}

/** Load of each worker: the cost of the cameras it holds. */
export function loads(specs: ReadonlyMap<string, CameraConfig>, leases: ReadonlyMap<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [cam, worker] of leases) {
    const spec = specs.get(cam);
    out.set(worker, (out.get(worker) ?? 0) + (spec ? cameraCost(spec) : 0));
  }
  return out;
}

export function planClaims(v: ClaimView): ClaimPlan {
  const load = loads(v.specs, v.leases);
  const workers = v.workers.map((w) => ({ name: w.name, capacity: w.capacity, load: load.get(w.name) ?? 0 }));
  const mine = workers.find((w) => w.name === v.me);
  const claim: string[] = [];
  const waited = new Map<string, number>();
  if (!mine) return { claim, waited };
  const free = [...v.specs.values()].filter((c) => c.enabled && !v.leases.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const cam of free) {
    const cost = cameraCost(cam);
    const chosen = workers.find((w) => w.name === chooseWorker(cost, workers));
    if (!chosen) break;
    const patience = (v.waited.get(cam.id) ?? 0) + 1;
    const take = chosen === mine || (patience > PATIENCE_SCANS && mine.load + cost <= mine.capacity);
    if (take) {
      claim.push(cam.id);
      mine.load += cost;
    } else {
      chosen.load += cost;
      waited.set(cam.id, patience);
    }
  }
  return { claim, waited };
}

/**
 * Which camera this worker should hand over so that the spread evens out (pure), or undefined. Only once every camera
 * is placed (claims first). Among `movable` (cameras held long enough to move) and the live workers with room, the
 * move minimising max(giver's ratio after, taker's ratio after), where the taker's ratio after taking stays
 * {@link REBALANCE_MIN_GAIN} below the giver's now. The freed camera then goes, by
 * {@link planClaims}, to the worker with the lowest ratio after taking it, which is never the giver.
 */
export function planShed(v: Omit<ClaimView, 'waited'> & { readonly movable: readonly string[] }): string | undefined {
  if ([...v.specs.values()].some((c) => c.enabled && !v.leases.has(c.id))) return undefined;
  const me = v.workers.find((w) => w.name === v.me);
  if (!me || !(me.capacity > 0)) return undefined;
  const load = loads(v.specs, v.leases);
  const mine = load.get(me.name) ?? 0;
  const ratio = mine / me.capacity;
  let best: { id: string; after: number } | undefined;
  for (const id of [...v.movable].sort()) {
    const spec = v.specs.get(id);
    const cost = spec ? cameraCost(spec) : 0;
    if (cost <= 0 || v.leases.get(id) !== v.me) continue;
    for (const w of v.workers) {
      if (w.name === v.me || !(w.capacity > 0)) continue;
      const theirs = (load.get(w.name) ?? 0) + cost;
      if (theirs > w.capacity || theirs / w.capacity + REBALANCE_MIN_GAIN > ratio) continue;
      const after = Math.max(theirs / w.capacity, (mine - cost) / me.capacity);
      if (!best || after < best.after) best = { id, after };
    }
  }
  return best?.id;
}
