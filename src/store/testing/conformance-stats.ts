/** Conformance: dashboard statistics (violations, flow, congestion) with local hours of the site's time zone. */
import { describe, expect, it } from 'vitest';
import type { NewAlert } from '../store.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00Z = 07:00 in Hồ Chí Minh City
const MIN = 60_000;
const HOUR = 3_600_000;

const hours = (entries: Record<number, number>): number[] => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

export function runStatsConformance(factory: StoreFactory): void {
  describe('dashboard statistics', () => {
    const h = useHarness(factory);
    const seeded = { done: false };
    async function seed(): Promise<void> {
      if (seeded.done) return;
      seeded.done = true;
      const { store } = h();
      const v = (id: string, cameraId: string, atMs: number, kind: string) => ({ id, cameraId, atMs, kind, plateKey: null, plateDisplay: null, details: {} });
      await store.insertViolation(v('v1', 'c1', T0, 'red_light'));
      await store.insertViolation(v('v2', 'c1', T0 + 30 * MIN, 'red_light'));
      await store.insertViolation(v('v3', 'c2', T0 + 17 * HOUR + 10 * MIN, 'speeding')); // 00:10 local, the next day
      await store.insertViolation(v('v4', 'c2', T0 - HOUR, 'wrong_way'));
      await store.insertViolation(v('v5', 'c3', T0 + 20 * MIN, 'red_light'));
      await store.reviewViolation('v2', { status: 'confirmed', reviewer: 'u1', reason: 'clear', atMs: T0 + HOUR });
      const c = { cameraId: 'c1', lineId: 'l1', cls: 'car', direction: 'pos', minuteMs: T0, n: 3 };
      await store.addCounts([
        c, { ...c, cls: 'motorcycle', direction: 'neg', minuteMs: T0 + MIN, n: 2 }, { ...c, cls: 'motorcycle', n: 4 },
        { ...c, cameraId: 'c2', minuteMs: T0 + 3 * HOUR, n: 5 }, { ...c, lineId: 'l2', minuteMs: T0 + 40 * MIN, n: 1 },
      ]);
      const a = (id: string, cameraId: string | null, atMs: number, kind: string, payload: NewAlert['payload']): NewAlert =>
        ({ id, cameraId, atMs, kind, severity: 'warning', message: kind, payload });
      await store.insertAlert(a('a1', 'c1', T0, 'congestion', { level: 2, zoneId: 'road' }));
      await store.insertAlert(a('a2', 'c1', T0 + 5 * MIN, 'congestion', { level: 3 }));
      await store.insertAlert(a('a3', 'c1', T0 + 20 * MIN, 'congestion', { level: 1 }));
      await store.insertAlert(a('a4', 'c2', T0 + 2 * HOUR, 'congestion', { level: 1 }));
      await store.insertAlert(a('a5', 'c2', T0 + 2 * HOUR + MIN, 'congestion', ['not', 'an', 'object']));
      await store.insertAlert(a('a6', 'c1', T0, 'signal_loss', { level: 3 }));
      await store.insertAlert(a('a7', null, T0, 'congestion', { level: 2 }));
    }

    it('counts violations by kind, local hour, camera and status', async () => {
      await seed();
      const s = await h().store.violationStats({ fromMs: T0 - 2 * HOUR, toMs: T0 + DAY });
      expect(s.total).toBe(5);
      expect(s.byKind).toEqual([{ kind: 'red_light', n: 3 }, { kind: 'speeding', n: 1 }, { kind: 'wrong_way', n: 1 }]);
      expect(s.byCamera).toEqual([{ cameraId: 'c1', n: 2 }, { cameraId: 'c2', n: 2 }, { cameraId: 'c3', n: 1 }]);
      expect(s.byStatus).toEqual([{ status: 'pending', n: 4 }, { status: 'confirmed', n: 1 }]);
      expect(s.byHour).toEqual(hours({ 0: 1, 6: 1, 7: 3 }));
      expect(s.series).toEqual([{ startMs: T0 - HOUR, n: 1 }, { startMs: T0, n: 3 }, { startMs: T0 + 17 * HOUR, n: 1 }]);
    });

    it('filters statistics by time range and camera, and an empty camera list sees nothing', async () => {
      await seed();
      const { store } = h();
      const s = await store.violationStats({ fromMs: T0, toMs: T0 + 30 * MIN, cameraIds: ['c1', 'c2'] });
      expect([s.total, s.byKind, s.byCamera]).toEqual([1, [{ kind: 'red_light', n: 1 }], [{ cameraId: 'c1', n: 1 }]]);
      const none = await store.violationStats({ cameraIds: [] });
      expect([none.total, none.byKind, none.byHour, none.series]).toEqual([0, [], hours({}), []]);
      const flow = await store.flowStats({ cameraIds: [] });
      expect([flow.total, flow.byCameraDirection]).toEqual([0, []]);
    });

    it('folds hours into the site time zone, including half-hour zones, and series into local days', async () => {
      await seed();
      const { store } = h();
      const kolkata = await store.violationStats({ timeZone: 'Asia/Kolkata' }); // +05:30: 00:20Z is 05:50, 00:30Z is 06:00
      expect(kolkata.byHour).toEqual(hours({ 4: 1, 5: 2, 6: 1, 22: 1 }));
      const utc = await store.violationStats({ timeZone: 'UTC' });
      expect(utc.byHour).toEqual(hours({ 0: 3, 17: 1, 23: 1 }));
      const days = await store.violationStats({ step: 'day' });
      expect(days.series).toEqual([{ startMs: T0 - 7 * HOUR, n: 4 }, { startMs: T0 + 17 * HOUR, n: 1 }]);
      await expectArgusError(store.violationStats({ timeZone: 'Mars/Olympus' }), 'invalid_argument');
      await expectArgusError(store.flowStats({ step: 'week' as 'day' }), 'invalid_argument');
    });

    it('sums per-minute counts by camera and direction, class and local hour', async () => {
      await seed();
      const s = await h().store.flowStats({ fromMs: T0, toMs: T0 + DAY });
      expect(s.total).toBe(15);
      expect(s.byCameraDirection).toEqual([
        { cameraId: 'c1', direction: 'pos', n: 8 }, { cameraId: 'c2', direction: 'pos', n: 5 }, { cameraId: 'c1', direction: 'neg', n: 2 },
      ]);
      expect(s.byClass).toEqual([{ cls: 'car', n: 9 }, { cls: 'motorcycle', n: 6 }]);
      expect(s.byHour).toEqual(hours({ 7: 10, 10: 5 }));
      expect(s.series).toEqual([{ startMs: T0, n: 10 }, { startMs: T0 + 3 * HOUR, n: 5 }]);
      const c2 = await h().store.flowStats({ cameraIds: ['c2'], fromMs: T0 + 3 * HOUR });
      expect([c2.total, c2.byClass]).toEqual([5, [{ cls: 'car', n: 5 }]]);
    });

    it('counts congestion alerts by camera with the highest level, by level and by hour', async () => {
      await seed();
      const s = await h().store.congestionStats({ fromMs: T0, toMs: T0 + DAY });
      expect(s.total).toBe(6);
      expect(s.byCamera).toEqual([{ cameraId: 'c1', n: 3, maxLevel: 3 }, { cameraId: 'c2', n: 2, maxLevel: 1 }]);
      expect(s.byLevel).toEqual([{ level: 1, n: 2 }, { level: 2, n: 2 }, { level: 3, n: 1 }]);
      expect(s.byHour).toEqual(hours({ 7: 4, 9: 2 }));
      const c2 = await h().store.congestionStats({ cameraIds: ['c2'] });
      expect([c2.total, c2.byCamera, c2.series]).toEqual([2, [{ cameraId: 'c2', n: 2, maxLevel: 1 }], [{ startMs: T0 + 2 * HOUR, n: 2 }]]);
    });
  });
}

const DAY = 24 * HOUR;
