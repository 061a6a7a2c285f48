import { describe, expect, it } from 'vitest';
import { displayPlate, normalizePlateText, parsePlate, seriesLayout } from './format.js';

describe('plate output forms', () => {
  it.each([
    ['30A12345', undefined, '30A-123.45'],
    ['30A1234', undefined, '30A-1234'],
    ['29B112345', undefined, '29-B1 123.45'],
    ['29B112345', ['29B1', '12345'], '29-B1 123.45'],
    ['29B11234', ['29B1', '1234'], '29-B1 1234'],
    ['29B11234', undefined, '29B-112.34'],
    ['29AB12345', ['29AB', '12345'], '29-AB 123.45'],
    ['51LD12345', undefined, '51LD-123.45'],
    ['77A03623', ['77A', '03623'], '77A-036.23'],
    ['80NG12345', undefined, '80NG-123.45'],
    ['QA1234', undefined, 'QA-12-34'],
  ])('%s (lines %j) displays as %s', (key, lines, display) => {
    expect(displayPlate(key, lines)).toBe(display);
  });

  it.each([
    ['30A-123.45', '30A12345'],
    ['29-B1 123.45', '29B112345'],
    ['51đ-123.45', '51D12345'],
    [' 77l 275.389 ', '77L275389'],
  ])('normalises %j to %s', (text, key) => {
    expect(normalizePlateText(text)).toBe(key);
  });

  it('splits a key into province, series and serial', () => {
    expect(parsePlate('29B112345')).toEqual({ kind: 'civil', province: '29', series: 'B1', serial: '12345', twoLine: false });
    expect(parsePlate('QA1234')?.kind).toBe('military');
  });

  it('gives no display form for text that is not a plate', () => {
    expect(displayPlate('13A12345')).toBeNull();
    expect(displayPlate('HELLO')).toBeNull();
  });

  it.each([
    ['77L207115', ['77L2', '07115'], { first: 'L', second: '2', lines: 2 }],
    ['77L207115', undefined, { first: 'L', second: '2', lines: 2 }],
    ['77A03623', ['77A', '03623'], { first: 'A', second: '', lines: 2 }],
    ['77A03623', ['77A03623'], { first: 'A', second: '', lines: 1 }],
    ['77A03623', undefined, undefined],
    ['77AA10501', ['77AA', '10501'], { first: 'A', second: 'A', lines: 2 }],
    ['51LD12345', ['51LD12345'], { first: 'L', second: 'D', lines: 1 }],
    ['77L20711', ['77L2', '0711'], { first: 'L', second: '2', lines: 2 }],
    ['77L20711', undefined, undefined],
    ['QA1234', ['QA', '1234'], undefined],
    ['HELLO', undefined, undefined],
  ])('the series of %s (lines %j) is %j', (key, lines, want) => {
    expect(seriesLayout(key, lines)).toEqual(want);
  });
});
