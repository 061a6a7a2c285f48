import { describe, expect, it } from 'vitest';
import { trackerSchema, type TrackerConfig } from '../config/trackers.js';
import { isArgusError } from '../core/errors.js';
import { ByteTracker, IouTracker, createTracker } from './index.js';

describe('the tracker registry', () => {
  it("builds ByteTrack by default and the greedy IoU tracker when the camera's config chooses it", () => {
    expect(createTracker()).toBeInstanceOf(ByteTracker);
    expect(createTracker(trackerSchema.parse({ highScore: 0.2 }))).toBeInstanceOf(ByteTracker);
    expect(createTracker(trackerSchema.parse({ kind: 'iou', lostBufferSec: 3 }))).toBeInstanceOf(IouTracker);
  });

  it('rejects an unknown kind and invalid options with invalid_argument', () => {
    for (const spec of [{ kind: 'sort' } as unknown as TrackerConfig, { kind: 'iou', lowScore: 0.9, newTrackScore: 0.5 } as const]) {
      let err: unknown;
      try {
        createTracker(spec);
      } catch (e) {
        err = e;
      }
      expect(isArgusError(err, 'invalid_argument')).toBe(true);
    }
  });

  it('refuses a config of an unknown kind, naming the known ones', () => {
    const r = trackerSchema.safeParse({ kind: 'sort' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/bytetrack|iou/);
  });
});
