import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { foldBuckets, localBucketStart, localHour, zoneOffsetMs } from './local-time.js';

describe('local hours of a site time zone', () => {
  it('reads the offset of Vietnam, a half-hour zone and a daylight-saving zone', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), 'Asia/Ho_Chi_Minh')).toBe(7 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 1), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(localHour(Date.UTC(2026, 0, 1, 17, 30), 'Asia/Ho_Chi_Minh')).toBe(0);
  });

  it('starts local days at local midnight, also on the day the clocks change', () => {
    expect(localBucketStart(Date.UTC(2026, 0, 1, 16, 59), 'Asia/Ho_Chi_Minh', 'day')).toBe(Date.UTC(2025, 11, 31, 17));
    expect(localBucketStart(Date.UTC(2026, 0, 1, 17, 0), 'Asia/Ho_Chi_Minh', 'day')).toBe(Date.UTC(2026, 0, 1, 17));
    // 29 March 2026: Berlin moves from +1 to +2 at 02:00 local; the day still began at 23:00Z the evening before.
    expect(localBucketStart(Date.UTC(2026, 2, 29, 12), 'Europe/Berlin', 'day')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(localBucketStart(Date.UTC(2026, 0, 1, 0, 40), 'Asia/Kolkata', 'hour')).toBe(Date.UTC(2026, 0, 1, 0, 30));
  });

  it('folds 15-minute buckets into hours of the day and a series, and refuses unknown zones', () => {
    const b = Date.UTC(2026, 0, 1) / 900_000;
    const f = foldBuckets([{ bucket: b, n: 2 }, { bucket: b + 3, n: 1 }, { bucket: b + 4, n: 5 }], 'Asia/Ho_Chi_Minh', 'hour');
    expect(f.total).toBe(8);
    expect(f.byHour[7]).toBe(3);
    expect(f.byHour[8]).toBe(5);
    expect(f.series).toEqual([{ startMs: Date.UTC(2026, 0, 1), n: 3 }, { startMs: Date.UTC(2026, 0, 1, 1), n: 5 }]);
    let caught: unknown;
    try {
      localHour(0, 'Nowhere/Land');
    } catch (e) {
      caught = e;
    }
    expect(isArgusError(caught, 'invalid_argument')).toBe(true);
  });
});
