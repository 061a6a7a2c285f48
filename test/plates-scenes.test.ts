import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlateReader, loadRgb, type PlateReader } from '../src/plates/index.js';
import { SCENE_CATEGORIES, SCENES } from './plates-scenes.fixture.js';

/**
 * ANPR-camera mode on the seven scene photos: findAndRead on the whole frame (text detection → plate
 * candidates → crop reader) must find the plates written by hand in the fixture.
 */
const DIR = '../shared/assets/images/vn_vehicle_scenes_trungdinh22';
/** Legible plates read today: 16 of 18 (misses: 50LD00454, a tiny square plate; 30E99999, tilted). */
const MIN_FOUND = 15;

let reader: PlateReader;
const found = new Map<string, { plate: string; category: string }[]>();

beforeAll(async () => {
  reader = await createPlateReader({ threads: 2 });
  for (const s of SCENES) {
    const img = await loadRgb(`${DIR}/${s.file}`);
    const reads = await reader.findAndRead(img.data, img.width, img.height);
    found.set(s.file, reads.map((r) => ({ plate: r.read!.plate, category: r.read!.category })));
  }
}, 120_000);
afterAll(async () => {
  await reader.close();
});

describe('plates in whole scene photos (ANPR-camera mode)', () => {
  it(`finds at least ${MIN_FOUND} of the legible plates written in the fixture`, () => {
    const missed: string[] = [];
    let total = 0;
    for (const s of SCENES) {
      for (const p of s.legible) {
        total++;
        if (!found.get(s.file)?.some((r) => r.plate === p.plate)) missed.push(`${s.file}:${p.display}`);
      }
    }
    expect(total - missed.length, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(MIN_FOUND);
  });

  it('reads every plate of the CCTV car view and the street photo', () => {
    for (const file of ['3.jpg', '4.jpg', '119.jpg']) {
      const want = SCENES.find((s) => s.file === file)!.legible.map((p) => p.plate).sort();
      expect(found.get(file)!.map((r) => r.plate).filter((p) => want.includes(p)).sort()).toEqual(want);
    }
  });

  it('reports few plates that are not in the photos', () => {
    const all = SCENES.flatMap((s) => (found.get(s.file) ?? []).map((r) => ({ file: s.file, plate: r.plate })));
    const wrong = all.filter((r) => !SCENES.find((s) => s.file === r.file)!.legible.some((p) => p.plate === r.plate));
    // Today 3 (e.g. `28E30050` from a rider's jacket print): reads at 0.1–0.25 confidence.
    expect(wrong.length).toBeLessThanOrEqual(4);
  });

  it('tells the yellow commercial plate from the white one', () => {
    for (const c of SCENE_CATEGORIES) expect(found.get(c.file)!.find((r) => r.plate === c.plate)?.category).toBe(c.category);
  });
});
