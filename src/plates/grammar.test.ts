import { describe, expect, it } from 'vitest';
import { createAutomaton, isValidPlateKey, layoutPrior, PROVINCE_CODES, variantsOf } from './grammar.js';

describe('plate grammar', () => {
  it.each([
    ['30A12345', true, 'car, 5-digit serial'],
    ['30A1234', true, 'car, old 4-digit serial'],
    ['51LD12345', true, 'two-letter series (joint venture)'],
    ['29B112345', true, 'motorbike letter+digit series'],
    ['29AB12345', true, 'motorbike two-letter series'],
    ['80NG12345', true, 'diplomatic series'],
    ['41QT12345', true, 'international organisation series'],
    ['QA1234', true, 'military unit code'],
    ['13A12345', false, 'unused province code 13'],
    ['05A12345', false, 'province codes start at 11'],
    ['30812345', false, 'digit where the series letter goes'],
    ['30AB123456', false, 'six-digit serial'],
    ['30A123456', true, 'read flat, a two-line 30-A1 234.56'],
    ['30O12345', false, 'O is never a series letter'],
    ['SOB422155', false, 'letters in the province code'],
    ['ZA1234', false, 'Z is not a military branch letter'],
  ])('%s → %s (%s)', (key, ok) => {
    expect(isValidPlateKey(key)).toBe(ok);
  });

  it('knows the province codes of the regulation and not the gaps', () => {
    expect(PROVINCE_CODES.has(29)).toBe(true);
    expect(PROVINCE_CODES.has(77)).toBe(true);
    for (const gap of [10, 13, 42, 44, 45, 46, 87, 91, 96]) expect(PROVINCE_CODES.has(gap)).toBe(false);
  });

  it('tells two-line motorbike layouts from one-line car layouts', () => {
    expect(variantsOf('29B112345').every((v) => v.lines.length === 2)).toBe(true);
    expect(variantsOf('30A12345').some((v) => v.lines.length === 1)).toBe(true);
  });

  it('in two-line mode, line 1 must end after the series', () => {
    const a = createAutomaton('two');
    let m = a.start;
    for (const [i, c] of [...'29B1'].entries()) m = a.step(m, 0, i, c, '29B1'[i - 1] ?? '');
    expect(a.complete(m, 0, 4)).not.toBe(0);
    expect(a.complete(a.step(m, 0, 4, '2', '1'), 0, 5)).toBe(0);
  });

  it.each<[string[], number, string]>([
    [['77L2', '19327'], 0, 'motorbike letter+digit series'],
    [['77LZ', '19327'], -1, 'two letters on a two-line plate: mostly a misread digit (Z for 2)'],
    [['77L', '219327'], -Infinity, 'six-digit line 2 fits no layout'],
    [['30A12345'], 0, 'one-line car plate'],
    [['51LD12345'], 0, 'a two-letter series issued to cars'],
    [['30AB12345'], -2, 'another letter pair on a one-line plate: rarer than on a two-line one'],
    [['29AZ8057'], -2, 'an old four-digit car plate with a letter pair: mostly a 7 read as Z'],
    [['BH5398'], 0, 'a military plate: the red plate decided its layout'],
  ])('layoutPrior(%j) = %s (%s)', (lines, prior) => {
    expect(layoutPrior(lines)).toBe(prior);
  });
});
