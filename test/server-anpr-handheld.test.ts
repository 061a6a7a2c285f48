/**
 * The ANPR path through the service (issue #23): an ANPR camera (`plates: anpr`) on the handheld plate video
 * (scripts/demo-media.sh, looped in real time like a stream) gives one sighting per plate pass: no plate has two
 * sightings closer than the dedup window (10 s: one pass), the cut-off and occluded plates give none, a sighting
 * that is not a plate we read by eye (test/fixtures/labels/anpr-handheld.json) is not confident, and an
 * investigator finds them with the plate search and the trace (both audited).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { startTestServer, TestClient } from '../src/server/testing/harness.js';
import { createStageProvider, serviceEvidence } from '../src/pipeline/runtime/stages.js';
import type { SightingRecord } from '../src/store/types.js';
import { ASSETS, REPO_ROOT } from './assets.js';
import { waitFor } from './sse-client.js';

const exec = promisify(execFile);
const LABELS = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/labels/anpr-handheld.json'), 'utf8')) as {
  plates: readonly { plate: string | null; display?: string; legible: boolean }[];
};
const LEGIBLE = new Map(LABELS.plates.filter((p) => p.legible && p.plate).map((p) => [p.plate!, p.display!]));

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('an ANPR camera of the service on the handheld plate video', () => {
  it('gives one sighting per plate pass, only plates we read, found by the plate search and trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-svc-anpr-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await exec('bash', [join(REPO_ROOT, 'scripts/demo-media.sh')], { env: { ...process.env, ARGUS_ASSETS: ASSETS, ARGUS_DEMO_MEDIA: dir }, timeout: 60_000 });
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'hcm', name: 'Công an TP Hồ Chí Minh', provinces: [51, 59] }],
      cameras: [
        { id: 'anpr', name: 'Cổng ANPR', site: 'hcm', kind: 'gateway', source: join(dir, 'anpr-gate.mp4'), location: { lat: 10.78, lng: 106.7 }, analysis: { fps: 2 }, plates: 'anpr' },
      ],
    });
    const svc = createStageProvider({ config, evidence: serviceEvidence(dir), plateWorkers: 2 });
    const t = await startTestServer('sqlite', { config, startCameras: true, footage: { dataDir: dir }, cameras: { stages: svc } });
    cleanup.push(async () => {
      await t.dispose();
      await svc.close();
    });

    const found = await waitFor(
      'four of the hand-read plates as sightings',
      async () => {
        const items = (await t.store.listSightings({ limit: 500 })).items;
        return new Set(items.filter((s) => LEGIBLE.has(s.plateKey)).map((s) => s.plateKey)).size >= 4 ? items : undefined;
      },
      150_000,
    );
    // Nothing but the hand-read plates is a confident sighting. Live, on a loaded 2-core box, the reader takes 2-4 s a
    // frame, so a pass gets one read or two: a misread of a legible plate (seen: 81K58579 at 0.20) or a single read of
    // the occluded 67-F? 2113 (seen: 67E32113) can stand alone, with nothing to fuse it with, and become a sighting,
    // but never a confident one. (The CLI test, which reads every frame, holds the stricter line: never at all.)
    const others = found.filter((s) => !LEGIBLE.has(s.plateKey));
    for (const s of others) expect(s.confidence, `${s.plateKey} is not one of ours`).toBeLessThan(0.5);
    console.log(`ANPR service: sightings ${JSON.stringify(found.map((s) => [s.plateKey, Math.round((s.confidence ?? 1) * 100) / 100]))}`);
    // Each pass once: two sightings of one plate are a dedup window apart at least.
    const byPlate = new Map<string, SightingRecord[]>();
    for (const s of found) byPlate.set(s.plateKey, [...(byPlate.get(s.plateKey) ?? []), s]);
    for (const [plate, list] of byPlate) {
      const at = list.map((s) => s.atMs).sort((a, b) => a - b);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!, `${plate}: two sightings in one pass`).toBeGreaterThan(10_000);
    }
    expect(found.some((s) => s.cropRef !== null)).toBe(true);

    const hit = found.find((s) => LEGIBLE.has(s.plateKey))!;
    const inv = await TestClient.login(t.url, 'investigator');
    const search = await inv.get(`/api/plates/search?q=${encodeURIComponent(LEGIBLE.get(hit.plateKey)!)}`);
    expect(search.status).toBe(200);
    expect(search.body.items[0].plateKey).toBe(hit.plateKey);
    const trace = await inv.get(`/api/plates/trace?plate=${encodeURIComponent(hit.plateKey)}`);
    expect(trace.status).toBe(200);
    expect(JSON.stringify(trace.body)).toContain('anpr');
    const audit = await t.store.listAudit({});
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['plate.search', 'plate.trace']));
    console.log(`ANPR sightings: ${found.map((s) => `${s.plateKey} ${s.confidence.toFixed(2)}`).join(', ')}`);
  }, 240_000);
});
