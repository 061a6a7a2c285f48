import { describe, expect, it } from 'vitest';
import type { Box } from '../core/box.js';
import { createPlateTracker, type PlateObservation } from './plate-tracker.js';

const W = 1280;
const H = 720;
const box = (x1: number, y1: number, w = 180, h = 140): Box => ({ x1, y1, x2: x1 + w, y2: y1 + h });
const twoLines = (plate: string) => (plate.length >= 8 ? [plate.slice(0, 4), plate.slice(4)] : [plate]);
const obs = (plate: string, confidence: number, b: Box, expertText?: string): PlateObservation<string> => ({
  box: b,
  read: { plate, lines: twoLines(plate), confidence, sharpness: 10, category: 'private', atMs: 0, crop: `${plate}@${b.x1}` },
  ...(expertText ? { expertText } : {}),
});

describe('ANPR plate tracks', () => {
  it('joins a plate that jumps across the frame between 2 fps reads (same text) and fuses a misread away', () => {
    const t = createPlateTracker<string>();
    expect(t.update(0, [obs('66P189575', 0.9, box(1060, 312))], W, H)).toEqual([]);
    // The camera pans: the plate moves 2.3 plate widths; another read misses one digit.
    expect(t.update(0.5, [obs('66P189575', 0.9, box(644, 307))], W, H)).toEqual([]);
    expect(t.update(1, [obs('66P189576', 0.4, box(559, 350))], W, H)).toEqual([]);
    expect(t.update(1.5, [obs('66P189575', 0.8, box(559, 327))], W, H)).toEqual([]);
    expect(t.size).toBe(1);
    // Not seen for more than 1.5 s: the track ends with one plate.
    const ended = t.update(3.5, [], W, H);
    expect(ended.map((e) => [e.fused.plate, e.seen, e.partial])).toEqual([['66P189575', 4, undefined]]);
    expect(ended[0]!.fused.best.crop).toMatch(/^66P189575@/);
    expect(t.size).toBe(0);
  });

  it('keeps apart a plate that took the place of another (a cut, a pan): overlap alone is not the same plate', () => {
    const t = createPlateTracker<string>();
    t.update(8.5, [obs('81K535792', 0.5, box(636, 336))], W, H);
    t.update(9, [obs('75H135792', 0.9, box(615, 340))], W, H);
    expect(t.size).toBe(2);
    const ended = t.flush();
    expect(ended.map((e) => e.fused.plate).sort()).toEqual(['75H135792', '81K535792']);
  });

  it('joins a misread of the same box by overlap', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('84B136217', 0.9, box(566, 290))], W, H);
    t.update(0.5, [obs('84D136217', 0.3, box(560, 300))], W, H);
    t.update(1, [obs('84B136217', 0.9, box(555, 305))], W, H);
    expect(t.size).toBe(1);
    expect(t.flush().map((e) => e.fused.plate)).toEqual(['84B136217']);
  });

  it('ends a plate seen only at the frame edge partial (cut off), and leaves edge reads out when there are others', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('52S62331', 0.4, box(0, 228, 108, 170))], W, H);
    t.update(0.5, [obs('52S62331', 0.4, box(0, 223, 108, 170))], W, H);
    expect(t.flush().map((e) => e.partial)).toEqual(['cut_off']);

    const u = createPlateTracker<string>();
    u.update(0, [obs('66P189575', 0.9, box(600, 300))], W, H);
    u.update(0.5, [obs('66P19575', 0.9, box(0, 348, 155, 150))], W, H);
    u.update(1, [obs('66P19575', 0.9, box(0, 355, 167, 150))], W, H);
    const [e] = u.flush();
    expect([e!.fused.plate, e!.fused.reads, e!.partial]).toEqual(['66P189575', 1, undefined]);
  });

  it('ends a track whose reads split on a character partial, and a faint one-read track too', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('30A12345', 0.6, box(500, 300))], W, H);
    t.update(0.5, [obs('30A12346', 0.6, box(505, 300))], W, H);
    expect(t.flush().map((e) => e.partial)).toEqual(['low_agreement']);

    const u = createPlateTracker<string>();
    u.update(0, [obs('16V9342', 0.1, box(988, 133, 82, 20))], W, H);
    expect(u.flush().map((e) => e.partial)).toEqual(['weak']);
  });

  it('settles a length in dispute: the first recogniser reading the same plate every time wins over a varying extra digit', () => {
    const reads = [
      ['81K535792', '81K53579'],
      ['81K535797', '81K53579'],
      ['81K535797', '81K53579'],
      ['81K535792', '81K53579'],
    ] as const;
    const t = createPlateTracker<string>();
    reads.forEach(([plate, expert], i) => t.update(i / 2, [obs(plate, 0.6, box(640 + i, 330), expert)], W, H));
    const [e] = t.flush();
    expect([e!.fused.plate, e!.fused.display, e!.partial]).toEqual(['81K53579', '81-K5 3579', undefined]);

    // The first recogniser does not read one plate either: partial, not a plate.
    const u = createPlateTracker<string>();
    reads.forEach(([plate], i) => u.update(i / 2, [obs(plate, 0.6, box(640 + i, 330), ['81K53579', '81K53519', '81K5357', '81K53570'][i])], W, H));
    expect(u.flush().map((x) => x.partial)).toEqual(['low_agreement']);

    // It reads one plate every time, but not the fused one less a character (3 read as 8): partial too.
    const v = createPlateTracker<string>();
    reads.forEach(([plate], i) => v.update(i / 2, [obs(plate, 0.6, box(640 + i, 330), '81K58579')], W, H));
    expect(v.flush().map((x) => x.partial)).toEqual(['low_agreement']);
  });

  it('ends a track that is still seen after maxDurationSec (a vehicle that stays), then starts a new one', () => {
    const t = createPlateTracker<string>({ maxDurationSec: 5 });
    const ended = [];
    for (let s = 0; s <= 6; s += 0.5) ended.push(...t.update(s, [obs('51A19222', 0.9, box(460, 240))], W, H));
    expect(ended.map((e) => [e.firstSec, e.lastSec])).toEqual([[0, 4.5]]);
    expect(t.size).toBe(1);
  });

  it('expire ends tracks on time without a new frame of reads', () => {
    const t = createPlateTracker<string>({ maxGapSec: 1 });
    t.update(0, [obs('51A19222', 0.9, box(460, 240))], W, H);
    expect(t.expire(1)).toEqual([]);
    expect(t.expire(1.5).map((e) => e.fused.plate)).toEqual(['51A19222']);
  });
});

describe('ANPR plate tracks: what the first recogniser reads', () => {
  it('ends partial a plate the first recogniser reads more than two characters otherwise (an occluded plate forced into shape)', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('51F82113', 0.4, box(1100, 335, 120, 87), '0TFB2113')], W, H);
    t.update(0.5, [obs('51F82113', 0.3, box(1090, 340, 120, 87), '0PLD2113')], W, H);
    expect(t.flush().map((e) => e.partial)).toEqual(['low_agreement']);
    // One character off (8LB1 for 84B1) is a plate read.
    const u = createPlateTracker<string>();
    u.update(0, [obs('84B136217', 0.8, box(566, 290), '8LB136217')], W, H);
    u.update(0.5, [obs('84B136217', 0.8, box(560, 295), '8LB136217')], W, H);
    expect(u.flush().map((e) => [e.fused.plate, e.partial])).toEqual([['84B136217', undefined]]);
  });
});

describe('ANPR plate tracks: the region a plate was found in', () => {
  it('counts a read of part of a cut-off plate as at the edge when its region touches it', () => {
    const t = createPlateTracker<string>();
    // The read's box covers only some of the text (33 px from the edge); the text region starts at the edge.
    t.update(0, [{ ...obs('52S62331', 0.5, box(33, 256, 51, 39)), region: box(0, 220, 110, 175) }], W, H);
    t.update(0.5, [{ ...obs('52S62331', 0.5, box(33, 250, 51, 39)), region: box(0, 215, 110, 175) }], W, H);
    expect(t.flush().map((e) => e.partial)).toEqual(['cut_off']);
  });
});

describe('ANPR plate tracks: confirmed while live', () => {
  it('confirms a track once two reads clear of the edges read its plate, gives it once, and marks it when it ends', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('66P189575', 0.9, box(1060, 312))], W, H);
    expect(t.takeConfirmed()).toEqual([]);
    t.update(0.5, [obs('66P189575', 0.8, box(644, 307))], W, H);
    const [c] = t.takeConfirmed();
    expect([c!.fused.plate, c!.fused.reads, c!.partial]).toEqual(['66P189575', 2, undefined]);
    t.update(1, [obs('66P189575', 0.9, box(600, 310))], W, H);
    expect(t.takeConfirmed()).toEqual([]);
    const [e] = t.flush();
    expect([e!.fused.plate, e!.confirmedPlate, e!.seen]).toEqual(['66P189575', '66P189575', 3]);
  });

  it('does not confirm reads that differ, reads at the edge, a plate the grammar rejects, nor with confirmWitnesses 0', () => {
    const differ = createPlateTracker<string>();
    differ.update(0, [obs('30A12345', 0.6, box(500, 300))], W, H);
    differ.update(0.5, [obs('30A12346', 0.6, box(505, 300))], W, H);
    expect(differ.takeConfirmed()).toEqual([]);

    const edge = createPlateTracker<string>();
    edge.update(0, [obs('52S62331', 0.9, box(0, 228, 108, 170))], W, H);
    edge.update(0.5, [obs('52S62331', 0.9, box(0, 223, 108, 170))], W, H);
    expect(edge.takeConfirmed()).toEqual([]);

    const invalid = createPlateTracker<string>();
    invalid.update(0, [obs('ABCDEFG1', 0.9, box(500, 300))], W, H);
    invalid.update(0.5, [obs('ABCDEFG1', 0.9, box(505, 300))], W, H);
    expect(invalid.takeConfirmed()).toEqual([]);

    const off = createPlateTracker<string>({ confirmWitnesses: 0 });
    off.update(0, [obs('66P189575', 0.9, box(600, 300))], W, H);
    off.update(0.5, [obs('66P189575', 0.9, box(605, 300))], W, H);
    expect(off.takeConfirmed()).toEqual([]);
    expect(off.flush()[0]!.confirmedPlate).toBeUndefined();
  });

  it('confirms on one frame when the first recogniser alone read the same plate with confidence (two witnesses)', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('84B136217', 0.8, box(566, 290), '84B136217')], W, H);
    expect(t.takeConfirmed().map((c) => c.fused.plate)).toEqual(['84B136217']);
    const faint = createPlateTracker<string>();
    faint.update(0, [obs('84B136217', 0.4, box(566, 290), '84B136217')], W, H);
    expect(faint.takeConfirmed()).toEqual([]);
    const other = createPlateTracker<string>();
    other.update(0, [obs('84B136217', 0.8, box(566, 290), '8LB136217')], W, H);
    expect(other.takeConfirmed()).toEqual([]);
  });

  it('confirms reads that all differ once their fused plate stays the same and confident over a further read (confirmStableReads)', () => {
    // No two reads alike (one witness at most), each wrong in another place: the vote per character gives 30A12345.
    const reads = ['30A12345', '30A12346', '30A72345', '38A12345', '30A12335'];
    const run = (o: { confirmStableReads?: number } = {}, last = reads[4]!) => {
      const t = createPlateTracker<string>(o);
      return reads.map((plate, i) => {
        t.update(i * 0.5, [obs(i === 4 ? last : plate, 0.6, box(500 + i * 5, 300))], W, H);
        return t.takeConfirmed().map((c) => c.fused.plate).join();
      });
    };
    // Third read: 2 of 3 on the last digit, partial (low agreement); fourth: confident, judged once; fifth: the same
    // plate again, confirmed (it would otherwise wait for the track's end).
    expect(run()).toEqual(['', '', '', '', '30A12345']);
    expect(run({ confirmStableReads: 0 })).toEqual(['', '', '', '', '']);
    // Six reads clear of the edges wanted: five are not enough.
    expect(run({ confirmStableReads: 6 })).toEqual(['', '', '', '', '']);
    // A fifth read that puts the last digit in dispute again (5 or 6: 3 to 2): not stable, not confirmed.
    expect(run({}, '30A12346')).toEqual(['', '', '', '', '']);
  });

  it('does not confirm two identical reads the first recogniser disputes (an occluded plate forced into shape)', () => {
    const t = createPlateTracker<string>();
    t.update(0, [obs('51F82113', 0.4, box(1100, 335, 120, 87), '0TFB2113')], W, H);
    t.update(0.5, [obs('51F82113', 0.3, box(1090, 340, 120, 87), '0PLD2113')], W, H);
    expect(t.takeConfirmed()).toEqual([]);
  });
});
