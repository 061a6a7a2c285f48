import { describe, expect, it } from 'vitest';
import { LookThrottle } from './look-throttle.js';

/** A throttle on a hand-moved clock, counting the rows written per key. */
function setup(windowMs: number, maxKeys?: number) {
  let nowMs = 0;
  const rows: string[] = [];
  const t = new LookThrottle(windowMs, maxKeys, () => nowMs);
  const look = (key: string) => t.cover(key, async () => void rows.push(key));
  return { t, rows, look, at: (ms: number) => (nowMs = ms) };
}

describe('LookThrottle', () => {
  it('writes one row per key and window', async () => {
    const { rows, look, at } = setup(60_000);
    await look('u1|cam-a');
    at(2_000);
    await look('u1|cam-a');
    await look('u2|cam-a');
    await look('u1|cam-b');
    at(60_000);
    await look('u1|cam-a');
    at(61_000);
    await look('u1|cam-a');
    expect(rows).toEqual(['u1|cam-a', 'u2|cam-a', 'u1|cam-b', 'u1|cam-a']);
  });

  it('shares one write among concurrent looks at a key, and covers none of them before it is written', async () => {
    let release = (): void => undefined;
    const t = new LookThrottle(60_000);
    let writes = 0;
    const write = () => new Promise<void>((r) => {
      writes++;
      release = r;
    });
    const done: number[] = [];
    const looks = [0, 1, 2].map((i) => t.cover('u1|f', write).then(() => void done.push(i)));
    await new Promise((r) => setTimeout(r, 5));
    expect([writes, done]).toEqual([1, []]);
    release();
    await Promise.all(looks);
    expect(done).toEqual([0, 1, 2]);
  });

  it('remembers nothing when the row could not be written: the next look writes again', async () => {
    const t = new LookThrottle(60_000);
    await expect(t.cover('u1|f', () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    let wrote = false;
    await t.cover('u1|f', async () => void (wrote = true));
    expect(wrote).toBe(true);
  });

  it('stays bounded: expired keys go first, then everything (more rows, never fewer)', async () => {
    const { rows, look, at } = setup(1_000, 3);
    for (const k of ['a', 'b', 'c']) await look(k);
    at(5_000);
    await look('d');
    await look('a');
    at(5_002);
    await look('d');
    expect(rows).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
