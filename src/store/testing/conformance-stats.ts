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
      expect(s.byKindStatus).toEqual([
        { kind: 'red_light', status: 'pending', n: 2 }, { kind: 'red_light', status: 'confirmed', n: 1 },
        { kind: 'speeding', status: 'pending', n: 1 }, { kind: 'wrong_way', status: 'pending', n: 1 },
      ]);
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
      expect(s.byClassHour).toEqual([{ cls: 'car', byHour: hours({ 7: 4, 10: 5 }) }, { cls: 'motorcycle', byHour: hours({ 7: 6 }) }]);
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

    it('counts alerts raised and acknowledged, with the time to acknowledge', async () => {
      await seed();
      const { store } = h();
      await store.insertAlert({ id: 'k1', cameraId: 'c9', atMs: T0 + 3 * DAY, kind: 'watchlist_hit', severity: 'critical', message: 'x', payload: {} });
      await store.insertAlert({ id: 'k2', cameraId: 'c9', atMs: T0 + 3 * DAY + MIN, kind: 'watchlist_hit', severity: 'critical', message: 'x', payload: {} });
      await store.insertAlert({ id: 'k3', cameraId: 'c9', atMs: T0 + 3 * DAY + 2 * MIN, kind: 'signal_loss', severity: 'critical', message: 'x', payload: {} });
      await store.acknowledgeAlert('k1', 'op1', T0 + 3 * DAY + 30_000);
      await store.acknowledgeAlert('k3', 'op1', T0 + 3 * DAY + 12 * MIN);
      const s = await store.alertStats({ fromMs: T0 + 3 * DAY, toMs: T0 + 4 * DAY });
      expect(s).toEqual({
        total: 3, acknowledged: 2,
        byKind: [{ kind: 'watchlist_hit', n: 2, acknowledged: 1 }, { kind: 'signal_loss', n: 1, acknowledged: 1 }],
        responseMs: { p50: 10 * MIN, p90: 10 * MIN, max: 10 * MIN, mean: (30_000 + 10 * MIN) / 2 },
      });
      expect((await store.alertStats({ fromMs: T0 + 5 * DAY })).responseMs).toBeNull();
    });

    it("measures each camera's uptime from its signal-loss and signal-restored alerts, including an outage under way at the start", async () => {
      const { store } = h();
      const t = T0 + 10 * DAY;
      const sig = (id: string, cameraId: string, atMs: number, kind: 'signal_loss' | 'signal_restored') =>
        store.insertAlert({ id, cameraId, atMs, kind, severity: kind === 'signal_loss' ? 'critical' : 'info', message: kind, payload: {} });
      await sig('u1a', 'u1', t + HOUR, 'signal_loss');
      await sig('u1b', 'u1', t + 2 * HOUR, 'signal_restored');
      await sig('u1c', 'u1', t + 5 * HOUR, 'signal_loss');
      await sig('u2a', 'u2', t - 3 * HOUR, 'signal_restored');
      await sig('u2b', 'u2', t - HOUR, 'signal_loss');
      await sig('u2c', 'u2', t + HOUR, 'signal_restored');
      await sig('u4a', 'u4', t - HOUR, 'signal_loss');
      await sig('u4b', 'u4', t - HOUR / 2, 'signal_restored');
      const s = await store.uptimeStats({ fromMs: t, toMs: t + 10 * HOUR, cameraIds: ['u1', 'u2', 'u3', 'u4'] });
      expect(s).toEqual({
        fromMs: t, toMs: t + 10 * HOUR,
        byCamera: [
          { cameraId: 'u1', uptime: 0.4, downMs: 6 * HOUR, outages: 2 },
          { cameraId: 'u2', uptime: 0.9, downMs: HOUR, outages: 1 },
          { cameraId: 'u3', uptime: 1, downMs: 0, outages: 0 },
          { cameraId: 'u4', uptime: 1, downMs: 0, outages: 0 },
        ],
      });
      // A period that has not ended is measured up to now.
      const now = await store.uptimeStats({ fromMs: t, toMs: t + 100 * HOUR, cameraIds: ['u1'] }, t + 10 * HOUR);
      expect(now.toMs).toBe(t + 10 * HOUR);
      await expectArgusError(store.uptimeStats({ fromMs: t, cameraIds: ['u1'] }, t - 1), 'invalid_argument');
    });
  });

  describe('report schedules and files', () => {
    const h = useHarness(factory);
    it('keeps schedules, gives a due run to exactly one claimer, and keeps files with their bytes', async () => {
      const { store } = h();
      const sched = { id: 's1', name: 'Daily', period: 'daily' as const, area: { district: 'Q1', siteId: null, cameraIds: null }, formats: ['pdf', 'xlsx'] as const,
        lang: 'vi' as const, createdBy: 'u1', createdAtMs: T0, nextRunAtMs: T0 + DAY, lastRunAtMs: null };
      await store.createReportSchedule(sched);
      expect(await store.listReportSchedules()).toEqual([sched]);
      const claims = await Promise.all([1, 2, 3].map(() => store.claimReportRun('s1', T0 + DAY, T0 + 2 * DAY, T0 + DAY + 5)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.listReportSchedules())[0]).toMatchObject({ nextRunAtMs: T0 + 2 * DAY, lastRunAtMs: T0 + DAY + 5 });
      const bytes = Uint8Array.from([37, 80, 68, 70, 0, 255, 1]);
      const file = { id: 'f1', scheduleId: 's1', name: 'r.pdf', format: 'pdf' as const, fromMs: T0, toMs: T0 + DAY, bytes: bytes.length, sha256: 'ab', createdAtMs: T0 + DAY, createdBy: 'schedule' };
      await store.insertReportFile(file, bytes);
      await store.insertReportFile({ ...file, id: 'f2', createdAtMs: T0 + 2 * DAY }, bytes);
      expect((await store.listReportFiles(10)).map((f) => f.id)).toEqual(['f2', 'f1']);
      expect(await store.getReportFile('f1')).toEqual({ file, content: bytes });
      expect(await store.getReportFile('nope')).toBeNull();
      expect(await store.pruneReportFiles(T0 + 2 * DAY)).toBe(1);
      expect([await store.deleteReportSchedule('s1'), await store.deleteReportSchedule('s1')]).toEqual([true, false]);
    });
  });
}

const DAY = 24 * HOUR;
