import { describe, expect, it } from 'vitest';
import { cameraSchema, type CameraConfig } from '../../config/schema.js';
import { loads, planClaims, planShed, type ClaimView } from './claims.js';

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

describe('rebalancing: which camera a loaded worker hands over', () => {
  const eight = specs(...Array.from({ length: 8 }, (_, i) => cam(`c${i}`, 5)));
  const all = (w: string, ids: string[]) => new Map(ids.map((id) => [id, w]));
  const ids = [...eight.keys()];

  it('a worker holding everything hands cameras over one at a time until the spread is even, and never further', () => {
    const workers = [{ name: 'w1', capacity: 80 }, { name: 'w2', capacity: 80 }];
    const leases = all('w1', ids);
    const moves: string[] = [];
    for (let i = 0; i < 10; i++) {
      const mine = [...leases].filter(([, w]) => w === 'w1').map(([id]) => id);
      const shed = planShed({ me: 'w1', specs: eight, leases, workers, movable: mine });
      if (!shed) break;
      moves.push(shed);
      // The freed camera is placed by planClaims: on w2, never back on w1.
      leases.delete(shed);
      expect(planClaims(view('w2', { specs: eight, leases, workers })).claim).toEqual([shed]);
      expect(planClaims(view('w1', { specs: eight, leases, workers })).claim).toEqual([]);
      leases.set(shed, 'w2');
    }
    expect(moves).toHaveLength(4);
    expect(loads(eight, leases)).toEqual(new Map([['w1', 20], ['w2', 20]]));
    // The other worker, now even, has nothing to hand back.
    expect(planShed({ me: 'w2', specs: eight, leases, workers, movable: moves })).toBeUndefined();
  });

  it('spreads by capacity, leaves an odd camera where it is, and never overloads the taker', () => {
    const three = specs(cam('a', 5), cam('b', 5), cam('c', 5));
    const workers = [{ name: 'w1', capacity: 100 }, { name: 'w2', capacity: 100 }];
    // 10 / 5 of 100: the taker would be at 10 %, no lower than the giver's 10 % less the margin: stays.
    expect(planShed({ me: 'w1', specs: three, leases: new Map([['a', 'w1'], ['b', 'w1'], ['c', 'w2']]), workers, movable: ['a', 'b'] })).toBeUndefined();
    // A taker without room for the camera never gets it.
    const full = [{ name: 'w1', capacity: 40 }, { name: 'w2', capacity: 4 }];
    expect(planShed({ me: 'w1', specs: eight, leases: all('w1', ids), workers: full, movable: ids })).toBeUndefined();
    // Capacity 60 vs 20 with 8 × 5: even ratios at 30 / 10.
    const uneven = [{ name: 'big', capacity: 60 }, { name: 'small', capacity: 20 }];
    const leases = all('small', ids.slice(0, 4));
    for (const id of ids.slice(4)) leases.set(id, 'big');
    expect(planShed({ me: 'small', specs: eight, leases, workers: uneven, movable: ids.slice(0, 4) })).toBe('c0');
  });

  it('moves nothing while a camera is still free (claims first), and only cameras it may move', () => {
    const workers = [{ name: 'w1', capacity: 80 }, { name: 'w2', capacity: 80 }];
    const leases = all('w1', ids.slice(0, 7)); // c7 free
    expect(planShed({ me: 'w1', specs: eight, leases, workers, movable: ids })).toBeUndefined();
    leases.set('c7', 'w1');
    expect(planShed({ me: 'w1', specs: eight, leases, workers, movable: [] })).toBeUndefined();
    expect(planShed({ me: 'w1', specs: eight, leases, workers, movable: ['c5'] })).toBe('c5');
    // Not its camera (the view changed): not handed over.
    leases.set('c5', 'w2');
    expect(planShed({ me: 'w1', specs: eight, leases, workers, movable: ['c5'] })).toBeUndefined();
  });
});
