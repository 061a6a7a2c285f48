import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig } from '../../config/schema.js';
import { loads, planClaims, type ClaimView } from './claims.js';

const cam = (id: string, fps: number, extra: object = {}): CameraConfig =>
  cameraSchema.parse({ id, name: id, site: 's', kind: 'overview', source: 'x.mp4', location: { lat: 0, lng: 0 }, analysis: { fps }, ...extra });
const specs = (...cs: CameraConfig[]) => new Map(cs.map((c) => [c.id, c]));
const view = (me: string, v: Partial<ClaimView>): ClaimView => ({ me, specs: new Map(), leases: new Map(), workers: [], waited: new Map(), ...v });

describe('planning claims', () => {
  const four = specs(cam('c1', 5), cam('c2', 5), cam('c3', 5), cam('c4', 5));
  const two = [{ name: 'w1', capacity: 80 }, { name: 'w2', capacity: 80 }];

  it('splits free cameras between equal workers, and both workers compute the same split', () => {
    const a = planClaims(view('w1', { specs: four, workers: two }));
    const b = planClaims(view('w2', { specs: four, workers: two }));
    expect(a.claim).toEqual(['c1', 'c3']);
    expect(b.claim).toEqual(['c2', 'c4']);
  });

  it('spreads by capacity: a worker that can carry three times more gets three times the cameras', () => {
    const workers = [{ name: 'big', capacity: 30 }, { name: 'small', capacity: 10 }];
    const eight = specs(...Array.from({ length: 8 }, (_, i) => cam(`c${i}`, 5)));
    expect(planClaims(view('big', { specs: eight, workers })).claim).toHaveLength(6);
    expect(planClaims(view('small', { specs: eight, workers })).claim).toHaveLength(2);
  });

  it('counts held cameras as load and never claims a leased, disabled or unknown camera', () => {
    const s = specs(cam('c1', 5), cam('c2', 5), cam('c3', 5, { enabled: false }));
    const plan = planClaims(view('w2', { specs: s, workers: two, leases: new Map([['c1', 'w2'], ['gone', 'w1']]) }));
    // w2 holds c1 (5): c2 goes to w1, whose load is 0; c3 is disabled.
    expect(plan.claim).toEqual([]);
    expect(plan.waited.get('c2')).toBe(1);
    expect(loads(s, new Map([['c1', 'w2'], ['c2', 'w2']])).get('w2')).toBe(10);
  });

  it('takes a camera another worker leaves free for more than two scans, if it has room', () => {
    const s = specs(cam('c1', 5));
    let waited: ReadonlyMap<string, number> = new Map();
    const claims: string[][] = [];
    for (let scan = 0; scan < 3; scan++) {
      const plan = planClaims(view('w2', { specs: s, workers: two, waited }));
      claims.push([...plan.claim]);
      waited = plan.waited;
    }
    expect(claims).toEqual([[], [], ['c1']]);
    // Without room it keeps waiting for the chosen worker.
    const full = planClaims(view('w2', { specs: s, workers: [{ name: 'w1', capacity: 80 }, { name: 'w2', capacity: 4 }], waited: new Map([['c1', 5]]) }));
    expect(full.claim).toEqual([]);
  });

  it('claims nothing when it does not see itself among the live workers', () => {
    expect(planClaims(view('w3', { specs: four, workers: two })).claim).toEqual([]);
  });
});
