/**
 * Plates in video with the built CLI (node bin/argus.js; the suite runs after `npm run build`): `--anpr` on a
 * slideshow of the scene photos finds the hand-read plates, each once, in its photo's time slot; `--plates`
 * on a real road clip runs to the end and emits only grammar-valid plates.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidPlateKey } from '../src/plates/index.js';
import { REPO_ROOT, scenesSlideshow, video } from './assets.js';
import { SCENES } from './plates-scenes.fixture.js';

const exec = promisify(execFile);
const ARGUS = join(REPO_ROOT, 'bin/argus.js');
const PHOTOS = ['1.jpg', '101.jpg', '117.jpg', '119.jpg', '3.jpg', '4.jpg'];
const SLOT_SEC = 2;

interface PlateEvent {
  kind: string;
  ptsSec: number;
  read: { plate: string; confidence: number };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-plates-'));
  scenesSlideshow(PHOTOS, join(dir, 'scenes.mp4'), SLOT_SEC);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readEvents = async (file: string): Promise<PlateEvent[]> =>
  (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as PlateEvent);

describe('argus analyze --anpr on a slideshow of the scene photos', () => {
  it('reports the legible plates once each, in the time slot of their photo, with no detector model', async () => {
    const events = join(dir, 'anpr.jsonl');
    const { stdout } = await exec(process.execPath, [ARGUS, 'analyze', join(dir, 'scenes.mp4'), '--anpr', '--events', events, '--summary'], {
      timeout: 120_000,
      env: { ...process.env, ARGUS_MODELS: join(dir, 'no-models') },
    });
    const got = (await readEvents(events)).filter((e) => e.kind === 'plate.read');
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { plates: number };
    expect(summary.plates).toBe(got.length);
    let found = 0;
    let total = 0;
    PHOTOS.forEach((file, i) => {
      for (const p of SCENES.find((s) => s.file === file)!.legible) {
        total++;
        const hits = got.filter((e) => e.read.plate === p.plate);
        expect(hits.length, `${p.display} reported ${hits.length} times`).toBeLessThanOrEqual(1);
        if (hits.length === 0) continue;
        found++;
        expect(hits[0]!.ptsSec).toBeGreaterThanOrEqual(i * SLOT_SEC);
        expect(hits[0]!.ptsSec).toBeLessThan((i + 1) * SLOT_SEC);
      }
    });
    // Measured: 13 of 14 (50LD00454, a tiny square plate, is missed as in the photo test).
    expect(found, `${found} of ${total}`).toBeGreaterThanOrEqual(12);
    for (const e of got) expect(isValidPlateKey(e.read.plate)).toBe(true);
    // Measured: 1 extra (the half-hidden "29-L1 070.2?" of 101.jpg read as 29LT0702).
    expect(got.length - found).toBeLessThanOrEqual(3);
  }, 150_000);
});

describe('argus analyze --plates on a real road clip', () => {
  it('runs to the end and emits only grammar-valid plates', async () => {
    const events = join(dir, 'plates.jsonl');
    const { stdout } = await exec(process.execPath, [ARGUS, 'analyze', video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'), '--plates', '--fps', '5', '--events', events, '--summary'], { timeout: 120_000 });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { frames: number; plates: number; plateReads: { requested: number } };
    expect(summary.frames).toBeGreaterThan(30);
    // Vehicles were cropped and read (the overhead clip's plates are ~20 px wide: few or no valid reads).
    expect(summary.plateReads.requested).toBeGreaterThan(10);
    const plates = (await readEvents(events)).filter((e) => e.kind === 'plate.read');
    expect(plates.length).toBe(summary.plates);
    for (const e of plates) expect(isValidPlateKey(e.read.plate)).toBe(true);
  }, 150_000);
});
