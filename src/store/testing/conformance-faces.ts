/** Conformance: faces (batch-written, listed by time and camera, pruned by data class), face lists, persons, decisions. */
import { describe, expect, it } from 'vitest';
import type { FaceEnrolmentRecord, FacePersonRecord, FaceRecord } from '../store.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

const T0 = 1_700_000_000_000;
const unit = (seed: number, dim = 8): Float32Array => {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const face = (id: string, extra: Partial<FaceRecord> = {}): FaceRecord => ({
  id, cameraId: 'c1', atMs: T0, trackId: 4, box: { x1: 10, y1: 20, x2: 40, y2: 60 } as FaceRecord['box'], quality: 0.75, model: 'm1', embedding: unit(id.length),
  cropRef: `2023-11-14/${id}.jpg`, matched: false, ...extra,
});
const person = (id: string, listId: string, extra: Partial<FacePersonRecord> = {}): FacePersonRecord => ({
  id, listId, name: `Nguyễn Văn ${id}`, reason: 'truy nã', legalBasis: 'Quyết định 12/QĐ', note: '', expiresAtMs: T0 + 86_400_000, createdBy: 'u1', createdAtMs: T0, ...extra,
});
const enrolment = (id: string, personId: string, seed: number): FaceEnrolmentRecord => ({
  id, personId, model: 'm1', embedding: unit(seed), quality: 0.9, photoRef: null, createdAtMs: T0,
});

export function runFaceConformance(factory: StoreFactory): void {
  describe('faces', () => {
    const h = useHarness(factory);

    it('stores the faces of a batch once, with their embedding bit for bit, and lists them by time, camera and model', async () => {
      const { store } = h();
      const a = face('fa', { atMs: T0 + 1 });
      const b = face('fb', { atMs: T0 + 2, cameraId: 'c2', trackId: null, box: null, cropRef: null, matched: true });
      const c = face('fc', { atMs: T0 + 2, model: 'm2' });
      await store.writeBatch({ faces: [a, b, c] });
      await store.writeBatch({ faces: [{ ...a, quality: 0.1 }] }); // a retry: ignored, never overwritten
      const all = await store.listFaces({ limit: 10 });
      expect(all.map((f) => f.id)).toEqual(['fa', 'fb', 'fc']);
      expect(all[0]).toEqual(a);
      expect(Array.from(all[1]!.embedding)).toEqual(Array.from(b.embedding));
      expect(all[1]).toMatchObject({ trackId: null, box: null, cropRef: null, matched: true });
      expect((await store.listFaces({ limit: 10, cameraIds: ['c2'] })).map((f) => f.id)).toEqual(['fb']);
      expect(await store.listFaces({ limit: 10, cameraIds: [] })).toEqual([]);
      expect((await store.listFaces({ limit: 10, model: 'm2' })).map((f) => f.id)).toEqual(['fc']);
      expect((await store.listFaces({ limit: 10, fromMs: T0 + 2, toMs: T0 + 3 })).map((f) => f.id)).toEqual(['fb', 'fc']);
      expect((await store.listFaces({ limit: 1, after: { atMs: T0 + 2, id: 'fb' } })).map((f) => f.id)).toEqual(['fc']);
      expect((await store.getFaces(['fc', 'zz'])).map((f) => f.id)).toEqual(['fc']);
    });

    it('refuses a batch with a face whose embedding is not finite, writing nothing of it', async () => {
      const { store } = h();
      const bad = face('fx', { cameraId: 'c-bad', embedding: Float32Array.from([0.5, Number.NaN]) });
      await expectArgusError(store.writeBatch({ faces: [face('fy', { cameraId: 'c-bad' }), bad] }), 'invalid_argument');
      expect(await store.listFaces({ limit: 10, cameraIds: ['c-bad'] })).toEqual([]);
    });

    it('prunes faces that matched nothing sooner than those that matched, and returns their crops', async () => {
      const { store } = h();
      // Long before the other tests' faces (the store is shared by this file's tests).
      const t = T0 - 1e9;
      const cp = { cameraId: 'c-prune' };
      await store.writeBatch({ faces: [
        face('old-unmatched', { ...cp, atMs: t }), face('old-matched', { ...cp, atMs: t, matched: true }),
        face('new-unmatched', { ...cp, atMs: t + 10_000 }), face('ancient-matched', { ...cp, atMs: t - 10_000, matched: true }),
      ] });
      const refs = await store.pruneFaces(t + 1, t - 1);
      expect(refs.sort()).toEqual(['2023-11-14/ancient-matched.jpg', '2023-11-14/old-unmatched.jpg']);
      expect((await store.listFaces({ limit: 10, cameraIds: ['c-prune'] })).map((f) => f.id).sort()).toEqual(['new-unmatched', 'old-matched']);
    });

    it('keeps face lists with persons and their photos; an expired person is not active; a list deleted takes its persons', async () => {
      const { store } = h();
      await store.upsertFaceList({ id: 'l1', name: 'Truy nã', description: '', threshold: 0.42, severity: 'critical', createdAtMs: T0 });
      await store.upsertFaceList({ id: 'l2', name: 'Mất tích', description: 'trẻ lạc', threshold: 0.5, severity: 'warning', createdAtMs: T0 });
      await expectArgusError(store.upsertFaceList({ id: 'l3', name: 'Truy nã', description: '', threshold: 0.4, severity: 'info', createdAtMs: T0 }), 'conflict');
      await store.upsertFaceList({ id: 'l1', name: 'Truy nã đặc biệt', description: '', threshold: 0.45, severity: 'critical', createdAtMs: T0 });
      expect((await store.listFaceLists()).map((l) => [l.id, l.name, l.threshold])).toEqual([['l2', 'Mất tích', 0.5], ['l1', 'Truy nã đặc biệt', 0.45]]);

      await store.addFacePerson(person('p1', 'l1'), [enrolment('e1', 'p1', 1), enrolment('e2', 'p1', 2)]);
      await store.addFacePerson(person('p2', 'l2', { expiresAtMs: T0 + 10 }), [enrolment('e3', 'p2', 3)]);
      await expectArgusError(store.addFacePerson(person('p9', 'ghost'), []), 'not_found');
      await expectArgusError(store.addFacePerson(person('p1', 'l1'), []), 'conflict');
      expect(await store.getFacePerson('p1')).toEqual(person('p1', 'l1'));
      expect((await store.listFaceEnrolments('p1')).map((e) => e.id)).toEqual(['e1', 'e2']);
      expect(Array.from((await store.listFaceEnrolments('p1'))[1]!.embedding)).toEqual(Array.from(unit(2)));
      const active = await store.activeFaceEnrolments(T0 + 100);
      expect(active.map((a) => [a.person.id, a.enrolment.id])).toEqual([['p1', 'e1'], ['p1', 'e2']]);

      expect(await store.deleteFaceList('l1')).toBe(true);
      expect(await store.getFacePerson('p1')).toBeNull();
      expect(await store.listFaceEnrolments('p1')).toEqual([]);
      expect(await store.deleteFacePerson('p2')).toBe(true);
      expect(await store.deleteFacePerson('p2')).toBe(false);
    });

    it('takes one decision per match: a second one changes nothing', async () => {
      const { store } = h();
      const first = { alertId: 'a1', decision: 'confirmed' as const, note: 'đúng người', decidedBy: 'u1', decidedAtMs: T0 };
      expect(await store.decideFaceMatch(first)).toEqual(first);
      expect(await store.decideFaceMatch({ ...first, decision: 'rejected', decidedBy: 'u2' })).toBeNull();
      expect(await store.getFaceDecisions(['a1', 'a2'])).toEqual([first]);
    });
  });
}
