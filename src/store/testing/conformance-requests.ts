/** Conformance: requests between agencies — stored as given, listed per agency, decided once, found by their link. */
import { describe, expect, it } from 'vitest';
import type { ShareRequestRecord } from '../store.js';
import { useHarness, type StoreFactory } from './harness.js';

const T0 = 1_767_225_600_000;

const request = (id: string, over: Partial<ShareRequestRecord> = {}): ShareRequestRecord => ({
  id, kind: 'footage', cameraId: 'c1', plateKey: null, violationId: null, fromMs: T0, toMs: T0 + 600_000, reason: 'Điều tra vụ trộm xe',
  legalBasis: 'Điều 88 BLTTHS 2015', agency: 'Công an tỉnh Quảng Nam', requestedBy: 'apikey:k1', requesterUserId: 'u-partner', requesterName: 'QNam',
  area: ['c1', 'c2'], status: 'pending', decidedBy: null, deciderName: null, decidedAtMs: null, decisionReason: null, expiresAtMs: null,
  tokenHash: null, packageSha256: null, progress: null, buildError: null, createdAtMs: T0, updatedAtMs: T0, ...over,
});

export function runRequestConformance(factory: StoreFactory): void {
  describe('requests between agencies', () => {
    const h = useHarness(factory);

    it('stores a request as given and lists them newest first, per agency (a user and their keys) or actor', async () => {
      const { store } = h();
      await store.insertShareRequest(request('r1'));
      await store.insertShareRequest(request('r2', { kind: 'plate_trace', cameraId: null, plateKey: '43A12345', area: null, requestedBy: 'u-partner', createdAtMs: T0 + 1 }));
      await store.insertShareRequest(request('r3', { kind: 'evidence', violationId: 'v1', fromMs: null, toMs: null, requestedBy: 'u-inv', requesterUserId: 'u-inv', createdAtMs: T0 + 2 }));
      expect(await store.getShareRequest('r1')).toEqual(request('r1'));
      expect(await store.getShareRequest('r2')).toEqual(request('r2', { kind: 'plate_trace', cameraId: null, plateKey: '43A12345', area: null, requestedBy: 'u-partner', createdAtMs: T0 + 1 }));
      expect((await store.listShareRequests({ limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
      expect((await store.listShareRequests({ requesterUserId: 'u-partner', limit: 10 })).map((r) => r.id)).toEqual(['r2', 'r1']);
      expect((await store.listShareRequests({ requestedBy: 'u-inv', limit: 10 })).map((r) => r.id)).toEqual(['r3']);
      expect((await store.listShareRequests({ limit: 1 })).map((r) => r.id)).toEqual(['r3']);
      await store.updateShareRequest('r2', 'pending', { status: 'preparing', progress: 0 }, T0 + 3);
      expect((await store.listShareRequests({ statuses: ['preparing'], limit: 10 })).map((r) => r.id)).toEqual(['r2']);
      expect((await store.listShareRequests({ statuses: ['pending', 'preparing'], limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
      expect((await store.listShareRequests({ statuses: ['pending'], requestedBy: 'u-inv', limit: 10 })).map((r) => r.id)).toEqual(['r3']);
      expect(await store.listShareRequests({ statuses: [], limit: 10 })).toEqual([]);
      expect(await store.getShareRequest('nope')).toBeNull();
    });

    it('decides a request once: a second decision from pending finds it decided; the link finds it by its token hash', async () => {
      const { store } = h();
      await store.insertShareRequest(request('d1'));
      const approved = await store.updateShareRequest('d1', 'pending', {
        status: 'approved', decidedBy: 'u-sup', deciderName: 'supervisor', decidedAtMs: T0 + 5, decisionReason: 'ok', expiresAtMs: T0 + 86_400_000,
        tokenHash: 'ab'.repeat(32), packageSha256: 'cd'.repeat(32),
      }, T0 + 5);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'u-sup', expiresAtMs: T0 + 86_400_000, tokenHash: 'ab'.repeat(32), updatedAtMs: T0 + 5 });
      expect(await store.updateShareRequest('d1', 'pending', { status: 'refused', decisionReason: 'late' }, T0 + 6)).toBeNull();
      expect((await store.getShareRequest('d1'))?.status).toBe('approved');
      expect((await store.getShareRequestByToken('ab'.repeat(32)))?.id).toBe('d1');
      expect(await store.getShareRequestByToken('ef'.repeat(32))).toBeNull();
      expect(await store.updateShareRequest('d1', 'approved', { status: 'revoked' }, T0 + 7)).toMatchObject({ status: 'revoked', decisionReason: 'ok' });
      expect(await store.updateShareRequest('nope', 'pending', { status: 'approved' }, T0)).toBeNull();
    });

    it('keeps a package build\'s progress and why it failed, and clears them when the request goes on', async () => {
      const { store } = h();
      await store.insertShareRequest(request('b1'));
      expect(await store.updateShareRequest('b1', 'pending', { status: 'preparing', decidedBy: 'u-sup', expiresAtMs: T0 + 3_600_000, progress: 0 }, T0 + 1)).toMatchObject({ status: 'preparing', progress: 0, buildError: null });
      expect(await store.updateShareRequest('b1', 'preparing', { progress: 0.375 }, T0 + 2)).toMatchObject({ status: 'preparing', progress: 0.375, updatedAtMs: T0 + 2 });
      const failed = await store.updateShareRequest('b1', 'preparing', { status: 'failed', progress: null, buildError: 'the recording 20260101T000000Z.mp4 cannot be cut' }, T0 + 3);
      expect(failed).toMatchObject({ status: 'failed', progress: null, buildError: 'the recording 20260101T000000Z.mp4 cannot be cut' });
      expect(await store.getShareRequest('b1')).toEqual(failed);
      expect(await store.updateShareRequest('b1', 'failed', { status: 'preparing', progress: 0, buildError: null }, T0 + 4)).toMatchObject({ status: 'preparing', progress: 0, buildError: null });
    });
  });
}
