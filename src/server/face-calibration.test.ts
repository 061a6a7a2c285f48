import { describe, expect, it } from 'vitest';
import { falseMatchOnCurve } from '../contract/face-far.js';
import { falseMatchAt, farCurveOf } from './face-calibration.js';

const curve = { points: [[0.8, 0.1], [0.9, 0.01], [0.95, 0.001]] as Array<[number, number]>, impostorPairs: 1000 };

describe('reading a false-match curve', () => {
  it('is linear between the measured points and says 1 in N', () => {
    const at = falseMatchOnCurve(curve, 0.9);
    expect(at.far).toBeCloseTo(0.01, 12);
    expect(at.oneIn).toBe(100);
    const mid = falseMatchOnCurve(curve, 0.85);
    expect(mid.far).toBeCloseTo(0.055, 10);
    expect(mid.oneIn).toBe(18);
  });
  it('holds the end rates outside the curve; a rate under one pair in those measured has no N', () => {
    expect(falseMatchOnCurve(curve, 0.5)).toEqual({ far: 0.1, oneIn: 10 });
    expect(falseMatchOnCurve(curve, 0.99)).toEqual({ far: 0.001, oneIn: 1000 });
    expect(falseMatchOnCurve({ ...curve, impostorPairs: 500 }, 0.99)).toEqual({ far: 0.001, oneIn: null });
  });
  it('knows nothing of a model never measured', () => {
    expect(falseMatchOnCurve({ points: [], impostorPairs: 1 }, 0.5).oneIn).toBeNull();
  });
});

describe('what a face list threshold means', () => {
  it('the suggested threshold of face-api ResNet is about 1 false match per 1,000 faces, as the web slider reads it', () => {
    const c = farCurveOf('faceapi_resnet_128d')!;
    expect(falseMatchAt('faceapi_resnet_128d', c.suggested)).toMatchObject({ far: 0.001, oneIn: 1000 });
    expect(falseMatchAt('faceapi_resnet_128d', 0.9)).toEqual({ ...falseMatchOnCurve(c, 0.9), measuredOn: c.measuredOn });
    expect(falseMatchAt('no_such_model', 0.5).oneIn).toBeNull();
  });
});
