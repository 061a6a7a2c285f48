import { describe, expect, it } from 'vitest';
import { timeWindowSchema } from '../config/rules/common.js';
import { inTimeWindows, localTime } from './time-window.js';

const ICT = 'Asia/Ho_Chi_Minh';
/** UTC ms of a local Ho Chi Minh City time (UTC+7, no DST). */
const ict = (y: number, mo: number, d: number, h: number, mi: number): number => Date.UTC(y, mo - 1, d, h - 7, mi);
const w = (from: string, to: string, days?: string[]) => timeWindowSchema.parse({ from, to, ...(days ? { days } : {}) });

describe('time windows in the site time zone', () => {
  it('reads the local weekday and minute', () => {
    expect(localTime(ict(2026, 3, 2, 8, 5), ICT)).toEqual(expect.objectContaining({ day: 'mon', minutes: 485 }));
    expect(localTime(ict(2026, 3, 2, 3, 0), 'UTC')).toEqual(expect.objectContaining({ day: 'sun', minutes: 20 * 60 }));
  });

  it.each([
    ['inside a day window', [w('06:00', '09:00')], ict(2026, 3, 2, 8, 59), true],
    ['at its exclusive end', [w('06:00', '09:00')], ict(2026, 3, 2, 9, 0), false],
    ['on a day not listed', [w('06:00', '09:00', ['sat', 'sun'])], ict(2026, 3, 2, 7, 0), false],
    ['late in a window past midnight', [w('22:00', '06:00', ['fri'])], ict(2026, 3, 6, 23, 30), true],
    ['early next morning of that window', [w('22:00', '06:00', ['fri'])], ict(2026, 3, 7, 5, 59), true],
    ['early morning of a day whose window starts the evening before it is not listed', [w('22:00', '06:00', ['fri'])], ict(2026, 3, 6, 5, 0), false],
    ['with no windows (always)', [], ict(2026, 3, 2, 3, 0), true],
  ] as const)('is %s → %s', (_name, windows, atMs, expected) => {
    expect(inTimeWindows(windows, atMs, ICT)).toBe(expected);
  });
});
