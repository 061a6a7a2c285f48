import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import type { LineCrossEvent } from '../core/events.js';
import type { PlateReadEvent } from '../core/plate.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import type { ViolationEvent } from '../core/violation.js';
import { cropRefOf } from './crops.js';
import { evidencePath, Ingest, watchAlertId } from './ingest.js';
import { LiveHub } from './live.js';

const silent = { warn: () => {}, info: () => {} };
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const cross = (id: string): LineCrossEvent => ({
  id, cameraId: 'cam-a', atMs: T0, ptsSec: 0, kind: 'line.cross', lineId: 'L1', trackId: 1, cls: 'car', direction: 'pos', box: box(0, 0, 1, 1),
});
const plate = (id: string, key: string): PlateReadEvent => ({
  id, cameraId: 'cam-a', atMs: T0, ptsSec: 0, kind: 'plate.read', trackId: 2, cls: 'car', reads: 1,
  read: { plate: key, display: key, confidence: 0.9, category: 'private', lines: [] },
});

describe('Ingest over SQLite', () => {
  let dir: string;
  let store: SqliteStore;
  let other: SqliteStore;
  const hub = new LiveHub();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-ingest-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
    // A second connection sees only what is committed.
    other = await openSqliteStore({ path: join(dir, 'argus.db') });
  });
  afterAll(async () => {
    hub.close();
    await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores an evidence package path relative to the evidence root, as the store requires', async () => {
    const root = join(dir, 'data', 'evidence');
    const ingest = new Ingest(store, hub, silent, { flushMs: 20, evidenceRoot: root });
    const v: ViolationEvent = {
      id: 'v-abs', cameraId: 'cam-a', atMs: T0, ptsSec: 0, ruleId: 'r1', ruleKind: 'speeding', kind: 'violation', violation: 'speeding',
      trackId: 3 as ViolationEvent['trackId'], cls: 'car', box: box(0, 0, 1, 1), measurements: {}, params: {},
      evidence: { uri: join(root, '2026', 'v-abs'), manifestSha256: 'ab'.repeat(32) },
    };
    await ingest.handle(v);
    const ev = await store.listEvidence({ violationId: 'v-abs' });
    expect(ev.map((e) => e.path)).toEqual(['2026/v-abs']);
    await ingest.close();
    expect(evidencePath(root, '/elsewhere/v1')).toBe('/elsewhere/v1');
    expect(evidencePath(undefined, 'a/b')).toBe('a/b');
  });

  it('writes an urgent handleMany (the bus consumer batched it already) at once, not after the flush interval', async () => {
    const ingest = new Ingest(store, hub, silent, { flushMs: 30_000 });
    const t0 = Date.now();
    await ingest.handleMany([{ ...cross('u1'), cameraId: 'cam-u' }, { ...cross('u2'), cameraId: 'cam-u' }], { urgent: true });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await other.getEvent('u2'))?.id).toBe('u2');
    await ingest.close();
  });

  it('acknowledges handle() only after the commit, while event() returns as soon as the event is queued', async () => {
    const ingest = new Ingest(store, hub, silent, { flushMs: 150 });
    await ingest.event(cross('q1'));
    expect(await other.getEvent('q1')).toBeNull();
    await ingest.handle(cross('q2'));
    expect(await other.getEvent('q2')).not.toBeNull();
    // q1 was queued first: it travelled in the same batch.
    expect(await other.getEvent('q1')).not.toBeNull();
    await ingest.close();
  });

  it('writes a burst in a few transactions and counts each line crossing once, even when re-sent', async () => {
    const ingest = new Ingest(store, hub, silent, { flushMs: 20, maxBatch: 100, maxQueued: 300 });
    let writes = 0;
    const counting = Object.create(store) as SqliteStore;
    counting.writeBatch = (b) => {
      writes++;
      return store.writeBatch(b);
    };
    const counted = new Ingest(counting, hub, silent, { flushMs: 20, maxBatch: 100, maxQueued: 300 });
    const burst = Array.from({ length: 500 }, (_, i) => cross(`b${i}`));
    await Promise.all(burst.map((e) => counted.handle(e)));
    expect(writes).toBeLessThanOrEqual(10);
    expect(counted.stats().peakInFlight).toBeLessThanOrEqual(300);
    await Promise.all(burst.slice(0, 50).map((e) => ingest.handle(e)));
    const n = (await other.listCounts({ cameraIds: ['cam-a'], lineId: 'L1' })).reduce((s, c) => s + c.n, 0);
    expect(n).toBe(500 + 2);
    await ingest.close();
    await counted.close();
  });

  it('raises a watch-list alert with the sighting at once (not after the timer), and once on a retry', async () => {
    await store.upsertWatchList({ id: 'wl1', name: 'Xe bị truy nã', description: '', severity: 'critical', createdAtMs: T0 });
    await store.addWatchEntries('wl1', [{ id: 'en1', pattern: '51G888*', note: '', createdAtMs: T0, expiresAtMs: null }]);
    const ingest = new Ingest(store, hub, silent, { flushMs: 60_000 });
    const t0 = performance.now();
    await ingest.handle(plate('p1', '51G88812'));
    expect(performance.now() - t0).toBeLessThan(2000);
    const alert = await other.getAlert(watchAlertId('p1', 'en1'));
    expect(alert).toMatchObject({ kind: 'watchlist_hit', severity: 'critical' });
    expect(await other.getSighting('p1')).not.toBeNull();
    await ingest.handle(plate('p1', '51G88812'));
    expect((await other.listAlerts({ kinds: ['watchlist_hit'] })).items).toHaveLength(1);
    await ingest.close();
  });

  it('fails only the unit the store refuses; the events beside it in the same batch are stored', async () => {
    const ingest = new Ingest(store, hub, silent, { flushMs: 40 });
    const good = ingest.handle(cross('ok1'));
    const bad = ingest.handle(plate('bad1', 'not a plate'));
    await expect(bad).rejects.toThrow(/plate key/);
    await good;
    expect(await other.getEvent('ok1')).not.toBeNull();
    expect(await other.getEvent('bad1')).toBeNull();
    await ingest.close();
  });

  it('writes a plate crop to <crops>/<day>/<hash of id and bytes>.jpg before the batch commits and stores its path in the sighting', async () => {
    const root = join(dir, 'data', 'crops');
    const jpeg = await sharp({ create: { width: 120, height: 30, channels: 3, background: '#f5f5f5' } }).jpeg().toBuffer();
    const seen: Array<string | null> = [];
    const checking = Object.create(store) as SqliteStore;
    checking.writeBatch = (b) => {
      // At the commit, the file each sighting points at is already complete on disk.
      for (const s of b.sightings ?? []) seen.push(s.cropRef && existsSync(join(root, s.cropRef)) ? readFileSync(join(root, s.cropRef)).toString('base64') : null);
      return store.writeBatch(b);
    };
    const ingest = new Ingest(checking, hub, silent, { flushMs: 20, cropsRoot: root });
    await ingest.handle({ ...plate('crop-1', '30A12345'), cropJpeg: new Uint8Array(jpeg) });
    await ingest.handle(plate('crop-none', '30A12346'));
    expect(seen).toEqual([jpeg.toString('base64'), null]);
    expect((await other.getSighting('crop-1'))?.cropRef).toBe(cropRefOf('crop-1', plate('crop-1', '30A12345').atMs, jpeg));
    expect((await other.getSighting('crop-1'))?.cropRef).toMatch(/^2026-11-20\/[0-9a-f]{64}\.jpg$/);
    expect((await other.getSighting('crop-none'))?.cropRef).toBeNull();
    expect(JSON.stringify((await other.getEvent('crop-1'))?.payload)).not.toContain('cropJpeg');
    await ingest.close();
  });

  it('stores the sighting without a crop (logged) when the crop is not a JPEG or cannot be written', async () => {
    const warnings: string[] = [];
    const log = { ...silent, warn: (_o: object, msg: string) => void warnings.push(msg) };
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the crops folder should be');
    const jpeg = await sharp({ create: { width: 40, height: 10, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const ingest = new Ingest(store, hub, log, { flushMs: 20, cropsRoot: blocked });
    await ingest.handle({ ...plate('crop-fail', '30A22222'), cropJpeg: new Uint8Array(jpeg) });
    await ingest.handle({ ...plate('crop-png', '30A22223'), cropJpeg: new Uint8Array(await sharp(jpeg).png().toBuffer()) });
    expect(await other.getSighting('crop-fail')).toMatchObject({ plateKey: '30A22222', cropRef: null });
    expect(await other.getSighting('crop-png')).toMatchObject({ plateKey: '30A22223', cropRef: null });
    expect(warnings).toEqual(['crop not written: stored without it', 'crop is not a JPEG: stored without it']);
    await ingest.close();
  });
});
