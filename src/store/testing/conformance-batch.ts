/** Conformance: the ingest batch (`writeBatch`) is all-or-nothing and idempotent, counts included. */
import { describe, expect, it } from 'vitest';
import type { IngestBatch } from '../store.js';
import { sighting } from './fixtures.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

export function runBatchConformance(factory: StoreFactory): void {
  describe('ingest batches', () => {
    const h = useHarness(factory);
    const T0 = 1_767_225_600_000;
    const cross = (id: string) => ({ id, cameraId: 'c1', atMs: T0 + 1000, kind: 'line.cross', payload: { lineId: 'l1' } });
    const count = (eventId: string) => ({ eventId, cameraId: 'c1', lineId: 'l1', cls: 'car', direction: 'pos', minuteMs: T0, n: 1 });
    const batch = (tag: string): IngestBatch => ({
      events: [cross(`${tag}-x1`), cross(`${tag}-x2`), { id: `${tag}-p1`, cameraId: 'c1', atMs: T0 + 2000, kind: 'plate.read', payload: {} }],
      counts: [count(`${tag}-x1`), count(`${tag}-x2`)],
      sightings: [sighting(`${tag}-p1`, '51G88812', T0 + 2000, 'c1')],
      violations: [{ id: `${tag}-v1`, cameraId: 'c1', atMs: T0, kind: 'red_light', plateKey: '51G88812', plateDisplay: '51G-888.12', details: {} }],
      evidence: [{ id: `${tag}-v1-pkg`, violationId: `${tag}-v1`, eventId: null, kind: 'manifest', path: `${tag}/manifest.json`, sha256: 'ab', bytes: 0, createdAtMs: T0 }],
      alerts: [{ id: `${tag}-a1`, cameraId: 'c1', atMs: T0 + 2000, kind: 'watchlist_hit', severity: 'critical', message: 'hit', payload: { sightingId: `${tag}-p1` } }],
    });

    it('stores every part of a batch, and a retried batch stores and counts nothing twice', async () => {
      const { store } = h();
      expect(await store.writeBatch(batch('b1'))).toEqual({ events: 3, sightings: 1, violations: 1, newAlertIds: ['b1-a1'] });
      expect(await store.writeBatch(batch('b1'))).toEqual({ events: 0, sightings: 0, violations: 0, newAlertIds: [] });
      expect((await store.listCounts({ cameraIds: ['c1'] })).map((c) => c.n)).toEqual([2]);
      expect(await store.getSighting('b1-p1')).toMatchObject({ plateKey: '51G88812' });
      expect((await store.getViolation('b1-v1'))?.evidence.map((e) => e.id)).toEqual(['b1-v1-pkg']);
      expect((await store.getAlert('b1-a1'))?.severity).toBe('critical');
      expect((await store.searchPlates({ query: '51G88812', mode: 'exact' })).items.map((s) => s.id)).toEqual(['b1-p1']);
      // A second burst with new ids adds to the same minute.
      await store.writeBatch(batch('b2'));
      expect((await store.listCounts({ cameraIds: ['c1'] })).map((c) => c.n)).toEqual([4]);
    });

    it('refuses a batch with one bad row and writes none of it', async () => {
      const { store } = h();
      const bad = batch('b3');
      await expectArgusError(store.writeBatch({ ...bad, sightings: [...bad.sightings!, sighting('b3-p2', 'not a plate', T0)] }), 'invalid_argument');
      expect(await store.getEvent('b3-x1')).toBeNull();
      expect(await store.getSighting('b3-p1')).toBeNull();
      expect(await store.getAlert('b3-a1')).toBeNull();
    });

    it('rolls the whole batch back when the database refuses a row inside the transaction', async () => {
      const { store } = h();
      const b = batch('b4');
      // The LAST statement of the transaction fails (an alert without a kind breaks NOT NULL in SQL): the
      // events, counts, sightings and violation written before it in the same transaction must roll back.
      const broken = { ...b, alerts: [{ ...b.alerts![0]!, kind: null as unknown as string }] };
      await expect(store.writeBatch(broken)).rejects.toThrow();
      expect(await store.getEvent('b4-x1')).toBeNull();
      expect(await store.getSighting('b4-p1')).toBeNull();
      expect(await store.getViolation('b4-v1')).toBeNull();
      expect((await store.listCounts({ cameraIds: ['c1'] })).map((c) => c.n)).toEqual([4]);
    });
  });
}
