import { describe, expect, it } from 'vitest';
import { MemoryBus } from './memory.js';
import { runEventBusConformance, type TestMessage } from './testing/conformance.js';

runEventBusConformance('memory', async () => new MemoryBus<TestMessage>());

describe('the memory bus', () => {
  it('makes a publisher wait while its bound of unacknowledged messages is reached (the camera slows down, memory stays flat)', async () => {
    const bus = new MemoryBus<TestMessage>({ maxPending: 3 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const sub = bus.consume({ durable: 'store', batch: 1 }, async () => gate);
    const published: number[] = [];
    const all = Promise.all([1, 2, 3, 4, 5].map(async (n) => {
      await bus.publish({ id: `a-${n}`, cameraId: 'a', n }, { id: `a-${n}`, cameraId: 'a' });
      published.push(n);
    }));
    await new Promise((r) => setTimeout(r, 100));
    expect(published).toEqual([1, 2, 3]);
    release();
    await all;
    expect(published).toEqual([1, 2, 3, 4, 5]);
    await sub.drain();
    await bus.close();
  });
});
