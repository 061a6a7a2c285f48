/** Conformance: monitoring centres, their members (one centre per user) and the layouts and filters they share. */
import { describe, expect, it } from 'vitest';
import type { CentreRecord } from '../store.js';
import { user } from './fixtures.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

const centre = (id: string, extra: Partial<CentreRecord> = {}): CentreRecord => ({
  id, name: `Trung tâm ${id}`, scope: { districts: ['Hải Châu'] }, createdAtMs: 1_700_000_000_000, updatedAtMs: 1_700_000_000_000, ...extra,
});

export function runCentreConformance(factory: StoreFactory): void {
  describe('monitoring centres', () => {
    const h = useHarness(factory);

    it('creates, lists, renames, re-scopes and deletes centres, refusing a duplicate id or name', async () => {
      const { store } = h();
      await store.createCentre(centre('ca'));
      await store.createCentre(centre('cb', { name: 'Bắc', scope: { cameraIds: ['c1', 'c2'] } }));
      await expectArgusError(store.createCentre(centre('ca', { name: 'khác' })), 'conflict');
      await expectArgusError(store.createCentre(centre('cc', { name: 'Bắc' })), 'conflict');
      expect((await store.listCentres()).map((c) => c.id)).toEqual(['cb', 'ca']);
      expect(await store.getCentre('cb')).toEqual(centre('cb', { name: 'Bắc', scope: { cameraIds: ['c1', 'c2'] } }));
      const moved = await store.updateCentre('ca', { scope: { wards: ['Thạch Thang'] }, updatedAtMs: 1_700_000_000_500 });
      expect(moved).toMatchObject({ id: 'ca', name: 'Trung tâm ca', scope: { wards: ['Thạch Thang'] }, updatedAtMs: 1_700_000_000_500 });
      await expectArgusError(store.updateCentre('ca', { name: 'Bắc', updatedAtMs: 1 }), 'conflict');
      await expectArgusError(store.updateCentre('ghost', { name: 'x', updatedAtMs: 1 }), 'not_found');
      expect(await store.deleteCentre('cb')).toBe(true);
      expect(await store.deleteCentre('cb')).toBe(false);
      expect(await store.getCentre('cb')).toBeNull();
    });

    it('keeps one centre per user: setting members moves users, drops the ones left out, and dies with the user or centre', async () => {
      const { store } = h();
      for (const id of ['m1', 'm2', 'm3']) await store.createUser(user(id));
      await store.createCentre(centre('x1'));
      await store.createCentre(centre('x2'));
      await store.setCentreMembers('x1', ['m1', 'm2']);
      await store.setCentreMembers('x2', ['m2', 'm3']);
      expect(await store.listCentreMembers('x1')).toEqual(['m1']);
      expect(await store.listCentreMembers('x2')).toEqual(['m2', 'm3']);
      expect((await store.getCentreOfUser('m2'))?.id).toBe('x2');
      expect(await store.getCentreOfUser('nobody')).toBeNull();
      await expectArgusError(store.setCentreMembers('x1', ['ghost']), 'not_found');
      expect(await store.listCentreMembers('x1')).toEqual(['m1']); // the refused change left nothing behind
      await expectArgusError(store.setCentreMembers('no-centre', ['m1']), 'not_found');
      await store.setCentreMembers('x1', []);
      expect(await store.listCentreMembers('x1')).toEqual([]);
      expect(await store.getCentreOfUser('m1')).toBeNull();
      expect(await store.deleteUser('m3')).toBe(true);
      expect(await store.listCentreMembers('x2')).toEqual(['m2']);
      expect(await store.deleteCentre('x2')).toBe(true);
      expect(await store.getCentreOfUser('m2')).toBeNull();
    });

    it('saves wall layouts and alert filters per centre and kind, replacing one of the same name in place', async () => {
      const { store } = h();
      await store.createCentre(centre('v1'));
      await store.createCentre(centre('v2'));
      const base = { centreId: 'v1', kind: 'layout' as const, updatedBy: 'm1', updatedAtMs: 10 };
      const a = await store.saveCentreView({ ...base, id: 'L1', name: 'Sáng', body: { size: 4, tiles: ['c1', null, 'c2', null] } });
      expect(a).toEqual({ ...base, id: 'L1', name: 'Sáng', body: { size: 4, tiles: ['c1', null, 'c2', null] } });
      const again = await store.saveCentreView({ ...base, id: 'L9', name: 'Sáng', body: { size: 1, tiles: ['c2'] }, updatedAtMs: 20 });
      expect(again).toMatchObject({ id: 'L1', body: { size: 1, tiles: ['c2'] }, updatedAtMs: 20 });
      await store.saveCentreView({ ...base, id: 'F1', kind: 'filter', name: 'Sáng', body: { severities: ['critical'] } });
      await store.saveCentreView({ ...base, id: 'L2', centreId: 'v2', name: 'Sáng', body: { size: 1, tiles: [null] } });
      expect((await store.listCentreViews('v1', 'layout')).map((v) => v.id)).toEqual(['L1']);
      expect((await store.listCentreViews('v1', 'filter')).map((v) => v.id)).toEqual(['F1']);
      await expectArgusError(store.saveCentreView({ ...base, id: 'L3', centreId: 'ghost', name: 'x', body: {} }), 'not_found');
      expect(await store.deleteCentreView('v2', 'L1')).toBe(false); // another centre's view
      expect(await store.deleteCentreView('v1', 'L1')).toBe(true);
      expect(await store.deleteCentre('v2')).toBe(true);
      expect(await store.listCentreViews('v2', 'layout')).toEqual([]);
    });
  });
}
