/**
 * THE tracker registry: one line per kind of `analysis.tracker` (its schema in src/config/trackers.ts), checked by
 * the `satisfies` clause. Each kind passes the shared tracker conformance suite (src/tracking/testing/conformance.ts).
 */
import type { TrackerConfig, TrackerKind } from '../config/trackers.js';
import { ArgusError } from '../core/errors.js';
import { ByteTracker } from './bytetrack/bytetrack.js';
import { IouTracker } from './iou-tracker.js';
import type { Tracker } from './tracker.js';

export interface TrackerDefinition<C extends TrackerConfig> {
  create(config: C): Tracker;
}

/** The options of a config entry: everything but its kind, without the keys left out (the tracker's defaults apply). */
function options<C extends TrackerConfig>(c: C): Omit<C, 'kind'> {
  return Object.fromEntries(Object.entries(c).filter(([k, v]) => k !== 'kind' && v !== undefined)) as Omit<C, 'kind'>;
}

export const TRACKERS = {
  bytetrack: { create: (c) => new ByteTracker(options(c)) },
  iou: { create: (c) => new IouTracker(options(c)) },
} as const satisfies { readonly [K in TrackerKind]: TrackerDefinition<Extract<TrackerConfig, { kind: K }>> };

/** The tracker a camera's config chooses (ByteTrack by default); invalid options throw `invalid_argument`. */
export function createTracker(config: TrackerConfig = { kind: 'bytetrack' }): Tracker {
  const d = (TRACKERS as Record<string, TrackerDefinition<TrackerConfig> | undefined>)[config.kind];
  if (!d) throw new ArgusError('invalid_argument', `unknown tracker kind ${JSON.stringify(config.kind)} (known: ${Object.keys(TRACKERS).join(', ')})`);
  return d.create(config);
}
