import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { foldPlate, globMatch, matchPlate, parsePlateQuery, plateDistance, rankPlates, toPlateKey } from './match.js';

describe('parsePlateQuery', () => {
  it.each([
    ['30A-123.45', '30A12345', false, '30A12345', ['30A12345']],
    ['30a 123 45', '30A12345', false, '30A12345', ['30A12345']],
    ['29-B1 123.45', '29B112345', false, '29B112345', ['29B112345']],
    ['30A-12*', '30A12*', true, '30A12', ['30A12']],
    ['??A-123.45', '??A12345', true, '', ['A12345']],
    ['30**A?1', '30*A?1', true, '30', ['30', 'A', '1']],
    ['Đ1', 'D1', false, 'D1', ['D1']],
  ])('parses %j into pattern %j', (text, pattern, wild, prefix, runs) => {
    const q = parsePlateQuery(text);
    expect(q.pattern).toBe(pattern);
    expect(q.hasWildcards).toBe(wild);
    expect(q.literalPrefix).toBe(prefix);
    expect(q.literalRuns).toEqual(runs);
  });

  it.each(['', ' - . ', "30A'; DROP TABLE sightings;--", '30A%', 'x'.repeat(30)])('rejects %j as invalid_argument', (text) => {
    let caught: unknown;
    try {
      parsePlateQuery(text);
    } catch (e) {
      caught = e;
    }
    expect(isArgusError(caught, 'invalid_argument')).toBe(true);
  });
});

describe('foldPlate and keys', () => {
  it('folds every OCR-equivalence class to one representative', () => {
    expect(foldPlate('0ODQ 8B 5S 2Z 1I 6G A')).toBe('0000 88 55 22 11 66 A');
    expect(foldPlate('30A12345')).toBe('30A12345');
  });
  it('normalises display forms to keys and refuses non-plates', () => {
    expect(toPlateKey('29-B1 123.45')).toBe('29B112345');
    expect(toPlateKey('30A-12*')).toBeNull();
  });
});

describe('globMatch', () => {
  it.each([
    ['30A12*', '30A12345', true],
    ['30A12*', '30A13345', false],
    ['??A12345', '51A12345', true],
    ['??A12345', '51AA12345', false],
    ['*345', '29B112345', true],
    ['3*A*5', '30A12345', true],
    ['3*A*5', '30B12345', false],
    ['*', '', true],
    ['?', '', false],
  ])('pattern %j against %j is %j', (p, k, expected) => {
    expect(globMatch(p, k)).toBe(expected);
  });
});

describe('plateDistance', () => {
  it.each([
    ['30A12345', '30A12345', 0],
    ['30A12345', '30A1234', 1],
    ['30A12345', '30A12346', 1],
    ['30A12345', '30A21345', 1],
    ['30A12345', '3OA12345', 0.25],
    ['30A12345', '3OA1234S', 0.5],
    ['30A12345', '31A1234S', 1.25],
    ['30A12345', '29C99999', 8],
  ])('between %j and %j is %j', (a, b, d) => {
    expect(plateDistance(a, b)).toBeCloseTo(d, 6);
    expect(plateDistance(b, a)).toBeCloseTo(d, 6);
  });
});

describe('matchPlate', () => {
  it.each([
    // query, key, mode, match, kind
    ['30A-123.45', '30A12345', undefined, true, 'exact'],
    ['30A-123.45', '3OA12345', undefined, true, 'equivalent'],
    ['30A-123.45', '30A12346', undefined, false, 'none'],
    ['30A-12', '30A12345', 'prefix', true, 'prefix'],
    ['3OA-12', '30A12345', 'prefix', true, 'prefix'],
    ['30A-13', '30A12345', 'prefix', false, 'none'],
    ['30A-12*', '30A12345', undefined, true, 'wildcard'],
    ['30A-12*', '30A19345', undefined, false, 'none'],
    ['??A-123.45', '51A12345', undefined, true, 'wildcard'],
    ['??A-123.45', '51A1234S', undefined, true, 'wildcard'],
    ['??A-123.45', '51AB12345', undefined, false, 'none'],
    ['30A-123.45', '30A12346', 'fuzzy', true, 'fuzzy'],
    ['30A-123.45', '30A21345', 'fuzzy', true, 'fuzzy'],
    ['30A-123.45', '30A1234', 'fuzzy', true, 'fuzzy'],
    ['30A-123.45', '30A12366', 'fuzzy', false, 'none'],
  ] as const)('%j against %j (%s) → match %j as %s', (q, key, mode, match, kind) => {
    const m = matchPlate(q, key, mode === undefined ? {} : { mode });
    expect(m.match).toBe(match);
    expect(m.kind).toBe(kind);
  });

  it('accepts distance two only when asked', () => {
    expect(matchPlate('30A12345', '30A12366', { mode: 'fuzzy', maxDistance: 2 }).distance).toBe(2);
    expect(matchPlate('30A12345', '30A12366', { mode: 'fuzzy', maxDistance: 1 }).match).toBe(false);
  });

  it('refuses wildcards in exact and fuzzy mode', () => {
    expect(() => matchPlate('30A*', '30A1', { mode: 'exact' })).toThrow(/wildcards/);
    expect(() => matchPlate('30A*', '30A1', { mode: 'fuzzy' })).toThrow(/wildcards/);
  });

  it('scores exact above equivalent above wildcard above fuzzy, and nearer fuzzy above farther', () => {
    const exact = matchPlate('30A12345', '30A12345', { mode: 'fuzzy', maxDistance: 2 });
    const equivalent = matchPlate('30A12345', '3OA12345', { mode: 'fuzzy', maxDistance: 2 });
    const wildcard = matchPlate('30A1234?', '30A12345');
    const fuzzy1 = matchPlate('30A12345', '30A12346', { mode: 'fuzzy', maxDistance: 2 });
    const fuzzy2 = matchPlate('30A12345', '30A12366', { mode: 'fuzzy', maxDistance: 2 });
    const scores = [exact, equivalent, wildcard, fuzzy1, fuzzy2].map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(scores).size).toBe(scores.length);
  });
});

describe('rankPlates', () => {
  it('puts the exact plate first, then equivalents, then the nearest fuzzy reads, and drops non-matches', () => {
    const keys = ['30A12366', '30A12346', '3OA12345', '99Z99999', '30A12345', '30A1234'];
    const ranked = rankPlates('30A-123.45', keys, { mode: 'fuzzy', maxDistance: 2 });
    expect(ranked.map((r) => r.key)).toEqual(['30A12345', '3OA12345', '30A1234', '30A12346', '30A12366']);
    expect(ranked[0]?.kind).toBe('exact');
  });
});
