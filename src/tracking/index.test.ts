import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { ByteTracker, IouTracker, createTracker, type TrackerSpec } from './index.js';

describe('createTracker', () => {
  it('builds ByteTrack by default and the greedy IoU tracker on request', () => {
    expect(createTracker()).toBeInstanceOf(ByteTracker);
    expect(createTracker({ kind: 'iou', options: { lostBufferSec: 3 } })).toBeInstanceOf(IouTracker);
  });

  it('rejects an unknown kind and invalid options with invalid_argument', () => {
    for (const spec of [{ kind: 'sort' } as unknown as TrackerSpec, { kind: 'bytetrack', options: { minHits: 0 } } as const]) {
      let err: unknown;
      try {
        createTracker(spec);
      } catch (e) {
        err = e;
      }
      expect(isArgusError(err, 'invalid_argument')).toBe(true);
    }
  });
});
