import { describe, expect, it } from 'vitest';
import { BoundedQueue, FrameAssembler } from './frame-reader.js';

/** A byte stream of `frames` frames where every byte tells its frame and offset. */
function stream(frameBytes: number, frames: number): Uint8Array {
  const all = new Uint8Array(frameBytes * frames);
  for (let i = 0; i < all.length; i++) all[i] = (Math.floor(i / frameBytes) * 31 + (i % frameBytes)) & 255;
  return all;
}

describe('FrameAssembler', () => {
  it.each([1, 7, 64, 100, 1000, 4096])('cuts exact frames from chunks of %i bytes', (chunkSize) => {
    const frameBytes = 300;
    const all = stream(frameBytes, 9);
    const asm = new FrameAssembler(frameBytes);
    const got: Uint8Array[] = [];
    for (let at = 0; at < all.length; at += chunkSize) asm.push(all.subarray(at, at + chunkSize), (f) => got.push(f));
    expect(got).toHaveLength(9);
    got.forEach((f, k) => expect(f).toEqual(all.subarray(k * frameBytes, (k + 1) * frameBytes)));
    expect(asm.pendingBytes).toBe(0);
  });

  it('hands out frames that later chunks do not overwrite', () => {
    const asm = new FrameAssembler(4);
    const got: Uint8Array[] = [];
    const chunk = new Uint8Array([1, 2, 3, 4]);
    asm.push(chunk, (f) => got.push(f));
    chunk.fill(9);
    asm.push(chunk, (f) => got.push(f));
    expect(got.map((f) => [...f])).toEqual([[1, 2, 3, 4], [9, 9, 9, 9]]);
  });

  it('keeps a partial frame until reset drops it', () => {
    const asm = new FrameAssembler(10);
    const got: Uint8Array[] = [];
    asm.push(new Uint8Array(6), (f) => got.push(f));
    expect(asm.pendingBytes).toBe(6);
    asm.reset();
    asm.push(new Uint8Array(10).fill(5), (f) => got.push(f));
    expect(got).toHaveLength(1);
    expect([...got[0]!]).toEqual(new Array(10).fill(5));
  });
});

describe('BoundedQueue', () => {
  it('drops the oldest items beyond its capacity when asked to (live)', async () => {
    const q = new BoundedQueue<number>(2, true);
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([0, 0, 1]);
    q.finish();
    expect((await q.next()).value).toBe(2);
    expect((await q.next()).value).toBe(3);
    expect((await q.next()).done).toBe(true);
  });

  it('keeps everything and calls onDrain when the consumer catches up (files)', async () => {
    let drains = 0;
    const q = new BoundedQueue<number>(2, false, () => drains++);
    [1, 2, 3].forEach((n) => q.push(n));
    expect(q.full).toBe(true);
    expect((await q.next()).value).toBe(1);
    expect((await q.next()).value).toBe(2);
    expect(drains).toBeGreaterThan(0);
    expect((await q.next()).value).toBe(3);
  });

  it('hands an item straight to a waiting consumer and ends with the error once', async () => {
    const q = new BoundedQueue<number>(2, true);
    const waiting = q.next();
    q.push(7);
    expect((await waiting).value).toBe(7);
    q.finish(new Error('boom'));
    await expect(q.next()).rejects.toThrow('boom');
    expect((await q.next()).done).toBe(true);
  });
});
