import { describe, expect, it } from 'vitest';
import { BackgroundWork } from './background.js';

const later = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('BackgroundWork', () => {
  it('is idle only once every job has settled, failed ones and ones started by a running job included', async () => {
    const work = new BackgroundWork();
    await work.idle();
    const done: string[] = [];
    work.track(later(20).then(() => { done.push('a'); work.track(later(30).then(() => void done.push('b'))); }));
    const failed = later(10).then(() => { done.push('c'); throw new Error('no'); });
    work.track(failed);
    await expect(failed).rejects.toThrow('no');
    expect(work.size).toBe(1);
    await work.idle();
    expect(done).toEqual(['c', 'a', 'b']);
    expect(work.size).toBe(0);
  });
});
