import { describe, expect, it } from 'vitest';
import { editDistance, failureClass, parseLabels } from './evaluate.js';
import type { CropRead } from './reader.js';

const read = (truth?: CropRead['truth']): CropRead => ({
  read: { plate: '77L219327', display: '77-L2 193.27', confidence: 0.9, category: 'private', lines: ['77L2', '19327'] },
  raw: [],
  sharpness: 1,
  charProbs: [],
  ...(truth ? { truth } : {}),
});

describe('plate evaluation', () => {
  it('classes a miss by where the right plate stood', () => {
    expect(failureClass({ read: null, raw: [], sharpness: 0, charProbs: [] })).toBe('noRead');
    expect(failureClass(read({ rank: 2, gap: 1.5 }))).toBe('outscored');
    expect(failureClass(read({ rank: -1, gap: -0.7 }))).toBe('searchMissed');
    expect(failureClass(read({ rank: -1, gap: 3 }))).toBe('misread');
    expect(failureClass(read())).toBe('unscored');
  });

  it('parses label rows with or without a header, and measures edit distance', () => {
    expect(parseLabels('image,text\na.jpg,77-L2 193.27\n\n"b.jpg",30A12345,extra\n')).toEqual([
      { image: 'a.jpg', text: '77-L2 193.27' },
      { image: 'b.jpg', text: '30A12345' },
    ]);
    // A header may name a vehicle column (the reader's vehicle prior); an empty cell is an unknown vehicle.
    expect(parseLabels('image,text,vehicle\na.jpg,77L219327,motorcycle\nb.jpg,30A12345,\nc.jpg,51B12345,bus\n')).toEqual([
      { image: 'a.jpg', text: '77L219327', vehicle: 'motorcycle' },
      { image: 'b.jpg', text: '30A12345' },
      { image: 'c.jpg', text: '51B12345', vehicle: 'bus' },
    ]);
    expect(() => parseLabels('image,text,vehicle\na.jpg,77L219327,moto\n')).toThrow(/line 2: unknown vehicle 'moto'/);
    expect(editDistance('77L219327', '77LZ19327')).toBe(1);
    expect(editDistance('', '30A1')).toBe(4);
  });
});
