/** Trace playback of the UI, pure part (web/src/pages/plates/playback.ts): where the vehicle is at a moment of its trace. */
import { describe, expect, it } from 'vitest';
import { currentIndex, positionAt, PLAYBACK_BASE_MS, traceMsPerMs, type Stop } from '../web/src/pages/plates/playback.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const stops: Stop[] = [
  { atMs: T0, at: [108.0, 15.0] },
  { atMs: T0 + 10 * MIN, at: [108.2, 15.4] },
  { atMs: T0 + 15 * MIN, at: null }, // a camera without a location
  { atMs: T0 + 30 * MIN, at: [108.6, 15.4] },
];

describe('trace playback', () => {
  it.each([
    [0, 0], [5 * MIN, 0], [10 * MIN, 1], [14 * MIN, 1], [15 * MIN, 2], [29 * MIN, 2], [30 * MIN, 3], [99 * MIN, 3],
  ])('at %i ms into the trace the vehicle last passed sighting %i', (t, i) => {
    expect(currentIndex(stops, t)).toBe(i);
  });

  it('moves along straight lines between located sightings, in proportion to time, skipping unlocated ones', () => {
    expect(positionAt(stops, 0)).toEqual([108.0, 15.0]);
    expect(positionAt(stops, 5 * MIN)).toEqual([108.1, 15.2]);
    expect(positionAt(stops, 10 * MIN)).toEqual([108.2, 15.4]);
    const at20 = positionAt(stops, 20 * MIN)!; // half-way from the 10th to the 30th minute
    expect(at20[0]).toBeCloseTo(108.4, 10);
    expect(at20[1]).toBeCloseTo(15.4, 10);
    expect(positionAt(stops, 30 * MIN)).toEqual([108.6, 15.4]);
    expect(positionAt(stops, 45 * MIN)).toEqual([108.6, 15.4]);
  });

  it('has no position without any located sighting, and stays on a single one', () => {
    expect(positionAt([{ atMs: T0, at: null }], 0)).toBeNull();
    expect(positionAt([], 0)).toBeNull();
    expect(positionAt([{ atMs: T0, at: [108, 16] }], 5 * MIN)).toEqual([108, 16]);
  });

  it('plays any trace in the same time at 1×, and 4× and 16× faster', () => {
    const span = 30 * MIN;
    expect(span / traceMsPerMs(span, 1)).toBe(PLAYBACK_BASE_MS);
    expect(span / traceMsPerMs(span, 4)).toBe(PLAYBACK_BASE_MS / 4);
    expect(span / traceMsPerMs(span, 16)).toBe(PLAYBACK_BASE_MS / 16);
  });
});
