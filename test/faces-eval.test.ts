/**
 * `argus faces eval` on the dev faces (12 people × 10 aligned crops), both embedders, as a user runs it. Floors sit
 * just under what was measured (docs/models/faces.md): faceapi_resnet_128d rank-1 0.992, TAR@FAR1e-3 0.883,
 * TAR@FAR1e-2 0.941; mobilefacenet_112_128d 0.992 / 0.898 / 0.963.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArgus } from './argus-cli.js';
import { DATA, MODELS } from './assets.js';

const DIR = join(DATA, 'faces_celeb24_aligned');

interface EvalLine {
  rank1: number;
  tarAtFar1e3: number;
  tarAtFar1e2: number;
  msPerFace: number;
  model: string;
  faces: number;
  people: number;
}

const FLOORS: Record<string, { rank1: number; tarAtFar1e3: number; tarAtFar1e2: number }> = {
  faceapi_resnet_128d: { rank1: 0.98, tarAtFar1e3: 0.87, tarAtFar1e2: 0.93 },
  mobilefacenet_112_128d: { rank1: 0.98, tarAtFar1e3: 0.88, tarAtFar1e2: 0.95 },
};

describe('argus faces eval (dev faces)', () => {
  it.each(Object.keys(FLOORS))('%s: rank-1 and TAR at FAR on the dev set', async (model) => {
    const r = await runArgus(['faces', 'eval', '--labels', join(DIR, 'labels.csv'), '--images', join(DIR, 'images'), '--model', model, '--models', MODELS], { from: 'source' });
    expect(r.stderr).toContain('embedded 120/120');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const out = JSON.parse(lines[lines.length - 1]!) as EvalLine;
    process.stderr.write(`${JSON.stringify(out)}\n`);
    expect(out).toMatchObject({ model, faces: 120, people: 12 });
    const floor = FLOORS[model]!;
    expect(out.rank1).toBeGreaterThanOrEqual(floor.rank1);
    expect(out.tarAtFar1e3).toBeGreaterThanOrEqual(floor.tarAtFar1e3);
    expect(out.tarAtFar1e2).toBeGreaterThanOrEqual(floor.tarAtFar1e2);
    expect(out.msPerFace).toBeGreaterThan(0);
  }, 180_000);

  it('refuses an unknown model with the known names', async () => {
    const r = await runArgus(['faces', 'eval', '--labels', join(DIR, 'labels.csv'), '--model', 'nope'], { from: 'source' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('faceapi_resnet_128d');
  });
});
