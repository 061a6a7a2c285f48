/** Trace playback, pure: where a vehicle was at a moment of its trace, from its sightings in time order. */
export type LngLat = [number, number];

export interface Stop {
  readonly atMs: number;
  /** Where the camera that saw it stands; null when the camera has no location. */
  readonly at: LngLat | null;
}

/** At 1× the whole trace plays in this long (4× and 16× faster); gaps between sightings keep their proportions. */
export const PLAYBACK_BASE_MS = 32_000;
export const SPEEDS = [1, 4, 16] as const;
export type Speed = (typeof SPEEDS)[number];

/** Trace time (ms since the first sighting) covered by one real millisecond of playback at `speed`. */
export const traceMsPerMs = (spanMs: number, speed: Speed): number => (spanMs / PLAYBACK_BASE_MS) * speed;

/** Index of the sighting last passed at trace time `t` (ms since the first sighting). */
export function currentIndex(stops: readonly Stop[], t: number): number {
  const t0 = stops[0]?.atMs ?? 0;
  let i = 0;
  while (i + 1 < stops.length && stops[i + 1]!.atMs - t0 <= t) i++;
  return i;
}

/** Position at trace time `t`: along the straight line between the located sightings before and after, by time. */
export function positionAt(stops: readonly Stop[], t: number): LngLat | null {
  const located = stops.filter((s): s is Stop & { at: LngLat } => s.at !== null);
  if (located.length === 0) return null;
  const at = (stops[0]?.atMs ?? 0) + t;
  const next = located.findIndex((s) => s.atMs > at);
  if (next === -1) return located.at(-1)!.at;
  if (next === 0) return located[0]!.at;
  const a = located[next - 1]!;
  const b = located[next]!;
  const f = (at - a.atMs) / (b.atMs - a.atMs);
  return [a.at[0] + (b.at[0] - a.at[0]) * f, a.at[1] + (b.at[1] - a.at[1]) * f];
}
