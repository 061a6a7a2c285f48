import { describe, expect, it } from 'vitest';
import { align, createPlateFusion, fuseReads, type FusionInput } from './fusion.js';

const read = (plate: string, confidence: number, sharpness = 10, lines: string[] = [plate]): FusionInput<string> => ({
  plate,
  lines,
  confidence,
  sharpness,
  category: 'private',
  atMs: 0,
  crop: `crop-${plate}-${confidence}`,
});

describe('per-track plate fusion', () => {
  it('votes per character position: three reads with one error each give the right plate', () => {
    const f = fuseReads([read('30A12845', 0.6), read('30A12345', 0.5), read('38A12345', 0.6), read('30A12346', 0.5)]);
    expect(f?.plate).toBe('30A12345');
    expect(f?.display).toBe('30A-123.45');
    expect(f?.reads).toBe(4);
  });

  it('aligns a read that dropped a character before voting', () => {
    const f = fuseReads([read('30A1234', 0.3), read('30A12345', 0.5), read('30A12345', 0.4)]);
    expect(f?.plate).toBe('30A12345');
  });

  it('weights sharp crops above blurred ones and keeps the best crop', () => {
    const f = fuseReads([read('30A12345', 0.5, 40), read('30A12346', 0.5, 5), read('30A12346', 0.5, 5)]);
    expect(f?.best.crop).toBe('crop-30A12345-0.5');
    // Two blurred reads still outvote one sharp read on the last digit.
    expect(f?.plate).toBe('30A12346');
  });

  it('falls back to the best single read when the vote is not a plate', () => {
    const f = fuseReads([read('29B112345', 0.9, 10, ['29B1', '12345']), read('29812345', 0.2)]);
    expect(f?.plate).toBe('29B112345');
    expect(f?.lines).toEqual(['29B1', '12345']);
  });

  it('returns null for no reads', () => {
    expect(fuseReads([])).toBeNull();
  });

  it('aligns strings by edit distance', () => {
    expect(align('30A12345', '30A1245').map((p) => p.i)).toEqual([0, 1, 2, 3, 4, 6, 7]);
  });

  it('forgets a track when it ends', () => {
    const fusion = createPlateFusion<string>({ maxReadsPerTrack: 3 });
    for (let i = 0; i < 10; i++) fusion.add(7, read('30A12345', 0.1 * (i % 5)));
    fusion.add(8, read('29A11111', 0.9));
    expect(fusion.size).toBe(2);
    expect(fusion.peek(7)?.reads).toBe(3);
    expect(fusion.end(7)?.plate).toBe('30A12345');
    expect(fusion.size).toBe(1);
    expect(fusion.end(7)).toBeNull();
  });
});
