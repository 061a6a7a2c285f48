import { describe, expect, it } from 'vitest';
import { BatchQueue } from './ingest-queue.js';

/** A writer whose writes finish only when the test opens the gate; it records every batch. */
function gatedWriter() {
  const batches: number[][] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => (open = r));
  return {
    batches,
    write: async (items: number[]) => {
      batches.push(items);
      await gate;
    },
    open: () => open(),
    close: () => {
      gate = new Promise<void>((r) => (open = r));
    },
  };
}

const settled = async (p: Promise<unknown>, ms = 20): Promise<boolean> =>
  Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('the ingest queue', () => {
  it('commits a unit only when the write that carries it has finished', async () => {
    const w = gatedWriter();
    const q = new BatchQueue<number>(w.write, { flushMs: 1, maxBatch: 10, maxQueued: 100 });
    const { committed } = await q.push(1, 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.batches).toEqual([[1]]);
    expect(await settled(committed)).toBe(false);
    w.open();
    await committed;
    await q.close();
  });

  it('waits up to flushMs to gather a batch, and writes at once when maxBatch items wait', async () => {
    const batches: number[][] = [];
    const q = new BatchQueue<number>(async (items) => void batches.push(items), { flushMs: 200, maxBatch: 5, maxQueued: 100 });
    const t0 = performance.now();
    const first = await q.push(1, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(batches).toEqual([]);
    const more = await Promise.all([2, 3, 4, 5].map((i) => q.push(i, 1)));
    await Promise.all([first, ...more].map((u) => u.committed));
    expect(performance.now() - t0).toBeLessThan(190);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    const late = await q.push(6, 1);
    const t1 = performance.now();
    await late.committed;
    expect(performance.now() - t1).toBeGreaterThanOrEqual(150);
    await q.close();
  });

  it('writes an urgent unit at once, with what waits beside it', async () => {
    const batches: number[][] = [];
    const q = new BatchQueue<number>(async (items) => void batches.push(items), { flushMs: 10_000, maxBatch: 100, maxQueued: 100 });
    const a = await q.push(1, 1);
    const b = await q.push(2, 1, true);
    await Promise.all([a.committed, b.committed]);
    expect(batches).toEqual([[1, 2]]);
    await q.close();
  });

  it('makes callers wait while maxQueued items are queued or in flight (a burst does not grow memory)', async () => {
    const w = gatedWriter();
    const q = new BatchQueue<number>(w.write, { flushMs: 1, maxBatch: 20, maxQueued: 50 });
    const pushes = Array.from({ length: 120 }, (_, i) => q.push(i, 1));
    await new Promise((r) => setTimeout(r, 30));
    const queued = await Promise.all(pushes.map((p) => settled(p, 1)));
    expect(queued.filter(Boolean).length).toBe(50);
    expect(queued.slice(0, 50).every(Boolean)).toBe(true);
    expect(q.getStats().inFlight).toBe(50);
    // Let every write finish from now on: all 120 get in, in order, never more than 50 at a time.
    w.open();
    const units = await Promise.all(pushes);
    await Promise.all(units.map((u) => u.committed));
    expect(w.batches.flat()).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(Math.max(...w.batches.map((b) => b.length))).toBeLessThanOrEqual(20);
    expect(q.getStats()).toMatchObject({ inFlight: 0, peakInFlight: 50 });
    expect(q.getStats().waits).toBeGreaterThanOrEqual(70);
    await q.close();
  });

  it('fails only the unit the writer reports, and rejects every unit of a batch that throws', async () => {
    const q = new BatchQueue<number>(async (items) => {
      if (items.includes(99)) throw new Error('database down');
      return items.map((i) => (i === 13 ? new Error('bad row') : undefined));
    }, { flushMs: 5, maxBatch: 10, maxQueued: 100 });
    const [a, b, c] = await Promise.all([12, 13, 14].map((i) => q.push(i, 1)));
    await expect(b!.committed).rejects.toThrow('bad row');
    await expect(a!.committed).resolves.toBeUndefined();
    await expect(c!.committed).resolves.toBeUndefined();
    const [d, e] = await Promise.all([98, 99].map((i) => q.push(i, 1)));
    await expect(d!.committed).rejects.toThrow('database down');
    await expect(e!.committed).rejects.toThrow('database down');
    await q.close();
  });

  it('writes what is queued on close and refuses new units after', async () => {
    const batches: number[][] = [];
    const q = new BatchQueue<number>(async (items) => void batches.push(items), { flushMs: 10_000, maxBatch: 100, maxQueued: 100 });
    const u = await q.push(7, 1);
    await q.close();
    await u.committed;
    expect(batches).toEqual([[7]]);
    await expect(q.push(8, 1)).rejects.toThrow(/closed/);
  });
});
