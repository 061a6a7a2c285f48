/** Conformance: counts, events, violations, alerts, watch lists, evidence, cursors. */
import { describe, expect, it } from 'vitest';
import type { EventRecord, Page } from '../store.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';
import { HOSTILE } from './fixtures.js';

async function collect<T>(first: Page<T>, next: (cursor: string) => Promise<Page<T>>): Promise<T[]> {
  const out = [...first.items];
  let cursor = first.nextCursor;
  while (cursor !== null) {
    const p = await next(cursor);
    out.push(...p.items);
    cursor = p.nextCursor;
  }
  return out;
}

export function runRecordConformance(factory: StoreFactory): void {
  describe('counts, events, violations, alerts, watch lists, evidence', () => {
    const h = useHarness(factory);
    const T0 = 1_767_225_600_000; // 2026-01-01T00:00Z

    it('adds per-minute counts, merging repeats in one batch and across batches', async () => {
      const { store } = h();
      const c = { cameraId: 'c1', lineId: 'l1', cls: 'motorcycle', direction: 'pos', minuteMs: T0, n: 3 };
      await store.addCounts([c, { ...c, n: 2 }, { ...c, cls: 'car', n: 1 }, { ...c, minuteMs: T0 + 60_000, n: 4 }]);
      await store.addCounts([{ ...c, n: 10 }, { ...c, cameraId: 'c2', n: 7 }]);
      expect(await store.listCounts({ cameraIds: ['c1'], fromMs: T0, toMs: T0 + 60_000 })).toEqual([
        { ...c, cls: 'car', n: 1 },
        { ...c, n: 15 },
      ]);
      expect((await store.listCounts({ cls: 'motorcycle' })).map((r) => [r.cameraId, r.minuteMs, r.n])).toEqual([
        ['c1', T0, 15], ['c2', T0, 7], ['c1', T0 + 60_000, 4],
      ]);
      await expectArgusError(store.addCounts([{ ...c, minuteMs: T0 + 5 }]), 'invalid_argument');
    });

    it('inserts events idempotently and pages through them newest first without gaps or repeats', async () => {
      const { store } = h();
      const events: EventRecord[] = Array.from({ length: 57 }, (_, i) => ({
        id: `ev-${String(i).padStart(3, '0')}`, cameraId: i % 3 === 0 ? 'c2' : 'c1', atMs: T0 + Math.floor(i / 2) * 1000,
        kind: i % 5 === 0 ? 'violation' : 'line.cross', payload: { i, text: HOSTILE[i % HOSTILE.length]! },
      }));
      expect(await store.insertEvents(events)).toEqual({ inserted: 57 });
      expect(await store.insertEvents(events.slice(0, 10))).toEqual({ inserted: 0 });
      expect(await store.getEvent('ev-004')).toEqual(events[4]);
      const filter = { cameraIds: ['c1'], kinds: ['line.cross'], fromMs: T0 + 2000, limit: 7 };
      const all = await collect(await store.listEvents(filter), (cursor) => store.listEvents({ ...filter, cursor }));
      const expected = events.filter((e) => e.cameraId === 'c1' && e.kind === 'line.cross' && e.atMs >= T0 + 2000)
        .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? 1 : -1));
      expect(all.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      expect((await store.listEvents({ kinds: [] })).items).toEqual([]);
    });

    it('refuses bad cursors and limits with invalid_argument', async () => {
      const { store } = h();
      const page = await store.listEvents({ limit: 5 });
      const cursor = page.nextCursor!;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const [body, tag] = cursor.split('.') as [string, string];
      const forged = Buffer.from(JSON.stringify([T0 + 999_999, 'zzz'])).toString('base64url');
      for (const bad of ['garbage', '', `${forged}.${tag}`, `${body}.${tag.slice(0, -2)}AA`, "x' OR 1=1 --"]) {
        await expectArgusError(store.listEvents({ limit: 5, cursor: bad }), 'invalid_argument');
      }
      await expectArgusError(store.listEvents({ limit: 5, kinds: ['violation'], cursor }), 'invalid_argument');
      await expectArgusError(store.listAlerts({ limit: 5, cursor }), 'invalid_argument');
      for (const limit of [0, -1, 1.5, 100_000]) await expectArgusError(store.listEvents({ limit }), 'invalid_argument');
      const again = await (await h().reopen()).listEvents({ limit: 5, cursor });
      expect(again.items.map((e) => e.id)).toEqual((await store.listEvents({ limit: 5, cursor })).items.map((e) => e.id));
    });

    it('reviews violations with history, refusing stale decisions and rejections without reason', async () => {
      const { store } = h();
      const v = { id: 'v1', cameraId: 'c1', atMs: T0, kind: 'red_light', plateKey: '30A12345', plateDisplay: '30A-123.45', details: { phase: 'red', speedKmh: 42 } };
      await store.insertViolation(v);
      await store.insertViolation({ ...v, id: 'v2', atMs: T0 + 1, kind: 'speeding' });
      await store.insertViolation(v);
      expect(await store.getViolation('v1')).toEqual({ ...v, status: 'pending', updatedAtMs: T0, history: [], evidence: [] });
      const confirmed = await store.reviewViolation('v1', { status: 'confirmed', reviewer: 'u1', reason: 'clear', atMs: T0 + 10, expectedStatus: 'pending' });
      expect(confirmed.status).toBe('confirmed');
      await expectArgusError(store.reviewViolation('v1', { status: 'rejected', reviewer: 'u2', reason: 'x', atMs: T0 + 11, expectedStatus: 'pending' }), 'conflict');
      await expectArgusError(store.reviewViolation('v1', { status: 'rejected', reviewer: 'u2', reason: ' ', atMs: T0 + 11 }), 'invalid_argument');
      await expectArgusError(store.reviewViolation('nope', { status: 'confirmed', reviewer: 'u2', reason: '', atMs: T0 }), 'not_found');
      const rejected = await store.reviewViolation('v1', { status: 'rejected', reviewer: 'u2', reason: HOSTILE[0], atMs: T0 + 20 });
      expect(rejected.history).toEqual([
        { violationId: 'v1', atMs: T0 + 10, fromStatus: 'pending', toStatus: 'confirmed', reviewer: 'u1', reason: 'clear' },
        { violationId: 'v1', atMs: T0 + 20, fromStatus: 'confirmed', toStatus: 'rejected', reviewer: 'u2', reason: HOSTILE[0] },
      ]);
      expect((await store.listViolations({ status: 'pending' })).items.map((x) => x.id)).toEqual(['v2']);
      expect((await store.listViolations({ plateKey: '30A12345', kinds: ['red_light'] })).items.map((x) => [x.id, x.status])).toEqual([['v1', 'rejected']]);
      expect((await store.listViolations({ limit: 1 })).nextCursor).not.toBeNull();
    });

    it('attaches immutable evidence references and refuses paths that leave the evidence root', async () => {
      const { store } = h();
      const e = { id: 'e1', violationId: 'v1', eventId: null, kind: 'still', path: 'v1/still-1.jpg', sha256: 'ab'.repeat(32), bytes: 12345, createdAtMs: T0 };
      await store.putEvidence(e);
      await store.putEvidence({ ...e, id: 'e2', violationId: null, eventId: 'ev-001', kind: 'crop', path: 'ev/crop.jpg' });
      await expectArgusError(store.putEvidence({ ...e, path: 'v1/other.jpg' }), 'conflict');
      for (const path of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'C:\\x', 'a\\..\\b']) {
        await expectArgusError(store.putEvidence({ ...e, id: `bad-${path}`, path }), 'invalid_argument');
      }
      expect(await store.getEvidence('e1')).toEqual(e);
      expect((await store.listEvidence({ eventId: 'ev-001' })).map((x) => x.id)).toEqual(['e2']);
      expect((await store.getViolation('v1'))?.evidence).toEqual([e]);
      await expectArgusError(store.listEvidence({}), 'invalid_argument');
    });

    it('acknowledges alerts once and filters by acknowledgement', async () => {
      const { store } = h();
      const a = { id: 'a1', cameraId: 'c1', atMs: T0, kind: 'signal_loss', severity: 'critical' as const, message: 'Mất tín hiệu', payload: { lastFrameAgeMs: 5200 } };
      await store.insertAlert(a);
      await store.insertAlert({ ...a, id: 'a2', cameraId: null, kind: 'disk_full', atMs: T0 + 5 });
      expect(await store.getAlert('a1')).toEqual({ ...a, acknowledgedBy: null, acknowledgedAtMs: null });
      expect((await store.listAlerts({ acknowledged: false })).items.map((x) => x.id)).toEqual(['a2', 'a1']);
      expect(await store.acknowledgeAlert('a1', 'u1', T0 + 100)).toMatchObject({ acknowledgedBy: 'u1', acknowledgedAtMs: T0 + 100 });
      expect(await store.acknowledgeAlert('a1', 'u2', T0 + 200)).toMatchObject({ acknowledgedBy: 'u1', acknowledgedAtMs: T0 + 100 });
      expect((await store.listAlerts({ acknowledged: true })).items.map((x) => x.id)).toEqual(['a1']);
      expect((await store.listAlerts({ kinds: ['disk_full'], fromMs: T0 + 1 })).items.map((x) => x.id)).toEqual(['a2']);
      await expectArgusError(store.acknowledgeAlert('nope', 'u1', 1), 'not_found');
    });

    it('keeps watch lists and their entries, with expiry, and deletes entries with their list', async () => {
      const { store } = h();
      const l = { id: 'w1', name: 'Xe bị đánh cắp', description: 'stolen', severity: 'critical' as const, createdAtMs: T0 };
      await store.upsertWatchList(l);
      await store.upsertWatchList({ ...l, id: 'w2', name: 'Nợ phạt', severity: 'warning' });
      await store.upsertWatchList({ ...l, description: 'stolen vehicles' });
      expect(await store.getWatchList('w1')).toEqual({ ...l, description: 'stolen vehicles' });
      expect((await store.listWatchLists()).map((x) => x.id)).toEqual(['w2', 'w1']);
      const e = { id: 'we1', pattern: '30A-123.45', note: HOSTILE[1], createdAtMs: T0, expiresAtMs: null };
      await store.addWatchEntries('w1', [e, { ...e, id: 'we2', pattern: '51?-9*', expiresAtMs: T0 + 1000 }]);
      await store.addWatchEntries('w2', [{ ...e, id: 'we3' }]);
      await store.addWatchEntries('w1', [e]);
      await expectArgusError(store.addWatchEntries('ghost', [{ ...e, id: 'we9' }]), 'not_found');
      expect(await store.listWatchEntries('w1')).toEqual([{ ...e, listId: 'w1' }, { ...e, id: 'we2', pattern: '51?-9*', expiresAtMs: T0 + 1000, listId: 'w1' }]);
      expect((await store.activeWatchEntries(T0 + 2000)).map((x) => x.id)).toEqual(['we1', 'we3']);
      expect(await store.removeWatchEntry('we1')).toBe(true);
      expect(await store.deleteWatchList('w2')).toBe(true);
      expect((await store.activeWatchEntries(T0)).map((x) => x.id)).toEqual(['we2']);
      expect(await store.getWatchList('w2')).toBeNull();
    });
  });
}
