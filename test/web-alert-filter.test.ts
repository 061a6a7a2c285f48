/** A monitoring centre's saved alert filter on the alerts page (web/src/pages/alerts/filter.ts): which alerts pass. */
import { describe, expect, it } from 'vitest';
import type { AlertFilter } from '../src/contract/centres.js';
import { passes } from '../web/src/pages/alerts/filter.js';

const filter = (f: Partial<AlertFilter>): AlertFilter => ({ id: 'f', name: 'f', kinds: [], minSeverity: 'info', cameraIds: [], districts: [], updatedBy: 'u', updatedAtMs: 0, ...f });
const DISTRICT: Record<string, string> = { c1: 'Hải Châu', c2: 'Sơn Trà' };
const districtOf = (id: string): string | null => DISTRICT[id] ?? null;
const alert = (kind: string, severity: 'info' | 'warning' | 'critical', cameraId: string | null) => ({ kind, severity, cameraId }) as const;

describe('a centre alert filter', () => {
  const cases: ReadonlyArray<readonly [string, AlertFilter | undefined, ReturnType<typeof alert>, boolean]> = [
    ['no filter: every alert', undefined, alert('disk_full', 'info', null), true],
    ['an empty filter: every alert', filter({}), alert('congestion', 'info', 'c1'), true],
    ['a kind listed passes', filter({ kinds: ['signal_loss'] }), alert('signal_loss', 'info', 'c1'), true],
    ['a kind not listed is held back', filter({ kinds: ['signal_loss'] }), alert('congestion', 'critical', 'c1'), false],
    ['below the lowest severity is held back', filter({ minSeverity: 'warning' }), alert('congestion', 'info', 'c1'), false],
    ['at the lowest severity passes', filter({ minSeverity: 'warning' }), alert('congestion', 'warning', 'c1'), true],
    ['above it passes', filter({ minSeverity: 'warning' }), alert('congestion', 'critical', 'c1'), true],
    ["another camera's is held back", filter({ cameraIds: ['c1'] }), alert('congestion', 'info', 'c2'), false],
    ['an alert of no camera is held back by a camera filter', filter({ cameraIds: ['c1'] }), alert('disk_full', 'critical', null), false],
    ["a district's camera passes", filter({ districts: ['Hải Châu'] }), alert('crowd', 'info', 'c1'), true],
    ["another district's camera is held back", filter({ districts: ['Hải Châu'] }), alert('crowd', 'info', 'c2'), false],
    ['a camera of unknown district is held back by a district filter', filter({ districts: ['Hải Châu'] }), alert('crowd', 'info', 'c9'), false],
  ];
  it.each(cases)('%s', (_what, f, a, expected) => {
    expect(passes(f, a, districtOf)).toBe(expected);
  });
});
