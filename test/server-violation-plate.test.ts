import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { ArgusEvent } from '../src/core/events.js';
import type { Frame } from '../src/core/frame.js';
import { ulid } from '../src/core/ids.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import type { Track } from '../src/core/track.js';
import type { FrameResult } from '../src/pipeline/analysis.js';
import { createRulesStage } from '../src/pipeline/rules-stage.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { ADMIN_URL } from '../src/store/postgres/testing-db.js';
import { waitFor } from './sse-client.js';

/**
 * From the pipeline to the API: the rules stage puts the plate read of the track on its violation (in display form,
 * as the camera path does), the camera path hands the events to the ingest, and a reviewer finds the violation by
 * its plate key. No row is inserted into the store by the test.
 */
async function postgresUp(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false; // no PostgreSQL here: the SQLite run still covers the path
  }
}
const dialects: Array<'sqlite' | 'postgres'> = (await postgresUp()) ? ['sqlite', 'postgres'] : ['sqlite'];

const parsed = parseConfig(`
version: 1
sites: [{ id: s, name: Site }]
cameras:
  - id: kerb-cam
    name: Kerb
    site: s
    kind: intersection
    source: rtsp://10.0.0.9/kerb
    location: { lat: 16, lng: 108 }
    zones: [{ id: kerb, polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] }]
    rules:
      - { id: no-stop, kind: illegal_stopping, zone: kerb, maxStopMs: 3000 }
`);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const config = parsed.config;

const T0 = Date.now() - 60_000;
const SIZE = { width: 64, height: 36 };
const frame = (k: number): Frame => ({ index: k, ptsSec: k / 5, capturedAtMs: T0 + k * 200, size: SIZE, sourceSize: { width: 640, height: 360 }, rgb: new Uint8Array(SIZE.width * SIZE.height * 3) });
const parked: Track = { id: 3, box: { x1: 300, y1: 250, x2: 360, y2: 300 }, cls: 'car', score: 0.8, state: 'tracked', firstSeenMs: T0, lastSeenMs: T0, hits: 1 };

/** The plates stage's read of the parked car, as it reaches the rules stage. */
const read: PlateReadEvent = {
  id: ulid(T0), cameraId: 'kerb-cam', atMs: T0, ptsSec: 0, kind: 'plate.read', trackId: 3, cls: 'car', reads: 5,
  read: { plate: '30A12345', display: '30A-123.45', confidence: 0.94, category: 'private', lines: ['30A12345'] },
};

describe.each(dialects)('a violation from the pipeline over %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { config });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('is found by its plate key through /api/violations?plate=, with its display form kept', async () => {
    const stage = createRulesStage({ camera: config.cameras[0]!, siteTz: 'Asia/Ho_Chi_Minh' });
    const events: ArgusEvent[] = [read];
    for (let k = 0; k <= 25; k++) {
      const r: FrameResult = { frame: frame(k), detections: [], tracks: [parked], ended: [], events: k === 0 ? [read] : [], motion: true };
      events.push(...(await stage.step(r)));
    }
    const v = events.find((e) => e.kind === 'violation');
    expect(v && v.kind === 'violation' ? [v.violation, v.plate] : null).toEqual(['illegal_stopping', '30A-123.45']);
    // The camera path: queued as the pipeline emits them, committed by the ingest's batch.
    for (const e of events) await t.server.ctx.ingest.event(e);
    const reviewer = await TestClient.login(t.url, 'reviewer');
    const found = await waitFor('the violation by its plate key', async () => {
      const r = await reviewer.get('/api/violations?plate=30A12345');
      expect(r.status).toBe(200);
      return r.body.items.length > 0 ? r.body.items : null;
    }, 3000).catch(async (e: unknown) => {
      const all = await reviewer.get('/api/violations');
      throw new Error(`${(e as Error).message}; stored: ${JSON.stringify(all.body.items.map((x: { plateKey: string | null }) => x.plateKey))}`);
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: v!.id, cameraId: 'kerb-cam', kind: 'illegal_stopping', plateKey: '30A12345', plateDisplay: '30A-123.45', status: 'pending' });
    const csv = await reviewer.get('/api/violations.csv?plate=30A12345');
    expect(String(csv.body)).toContain('illegal_stopping,30A-123.45,pending');
    // Looking violations up by plate is audited like a plate search, found or not.
    expect((await reviewer.get('/api/violations?plate=99Z99999')).body.items).toEqual([]);
    const looks = (await t.store.listAudit({ action: 'plate.view' })).items.map((a) => [a.target, (a.details as { via: string; rows: number }).rows]);
    expect(looks).toContainEqual(['30A12345', 1]);
    expect(looks).toContainEqual(['99Z99999', 0]);
    const exported = (await t.store.listAudit({ action: 'export.csv' })).items.at(-1)!.details as { plate: string; rows: number };
    expect([exported.plate, exported.rows]).toEqual(['30A12345', 1]);
  });
});
