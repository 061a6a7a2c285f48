import { describe, expect, it } from 'vitest';
import { VEHICLE_PRIOR, vehiclePrior } from './vehicle-prior.js';

describe('vehicle prior', () => {
  it.each([
    // A motorbike: two lines, a letter and a digit or two letters.
    ['77L207115', ['77L2', '07115'], 'motorcycle', 0],
    ['77AE09620', ['77AE', '09620'], 'motorcycle', 0],
    ['61L57997', ['61L5', '7997'], 'motorcycle', 0],
    ['77A03623', ['77A', '03623'], 'motorcycle', VEHICLE_PRIOR],
    ['77E09620', ['77E', '09620'], 'motorcycle', VEHICLE_PRIOR],
    ['30A12345', ['30A12345'], 'motorcycle', VEHICLE_PRIOR],
    // A car, bus or truck: letters only, one line or a square plate.
    ['30A12345', ['30A12345'], 'car', 0],
    ['77A03623', ['77A', '03623'], 'car', 0],
    ['51LD12345', ['51LD12345'], 'bus', 0],
    ['80NG12345', ['80NG12345'], 'car', 0],
    ['77L207115', ['77L2', '07115'], 'car', VEHICLE_PRIOR],
    ['29B112345', ['29B112345'], 'truck', VEHICLE_PRIOR],
  ] as const)('%s read as %j on a %s: %d', (key, lines, vehicle, prior) => {
    expect(vehiclePrior(key, lines, vehicle)).toBe(prior);
  });

  it('says nothing without a vehicle, for bicycles, or for plates it cannot parse', () => {
    expect(vehiclePrior('77A03623', ['77A', '03623'], undefined)).toBe(0);
    expect(vehiclePrior('77A03623', ['77A', '03623'], 'bicycle')).toBe(0);
    expect(vehiclePrior('QA1234', ['QA1234'], 'car')).toBe(0);
    expect(vehiclePrior('HELLO', ['HELLO'], 'motorcycle')).toBe(0);
  });
});
