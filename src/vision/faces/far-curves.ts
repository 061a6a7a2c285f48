/**
 * What a cosine threshold means for each embedding model: its false-match rate (FAR) on impostor pairs, as
 * `argus faces eval` measures it (`farCurve` in its JSON line) on the dev half of faces_celeb24_aligned (120 faces of
 * 12 people: 6,600 impostor pairs, so a rate under 1/6,600 cannot be told apart from 0). Rerun:
 *   argus faces eval --labels $ARGUS_ASSETS/data/faces_celeb24_aligned/labels.csv --model NAME
 * Web photos of public figures, well lit: CCTV faces are smaller and blurrier, so a province should check the rate
 * on its own cameras before lowering a threshold. `suggested`: the threshold at FAR 1e-3.
 */
export interface FarCurve {
  /** [cosine threshold, FAR], thresholds ascending. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly impostorPairs: number;
  readonly measuredOn: string;
  readonly suggested: number;
}

const MEASURED_ON = 'faces_celeb24_aligned dev half (12 people, 6,600 impostor pairs), argus faces eval';

export const FAR_CURVES: Readonly<Record<string, FarCurve>> = {
  faceapi_resnet_128d: {
    points: [[0.8695, 0.2], [0.8828, 0.1], [0.8926, 0.05], [0.9032, 0.02], [0.9107, 0.01], [0.9158, 0.005], [0.9208, 0.002], [0.9224, 0.001], [0.9246, 0.0005], [0.9282, 0.0002], [0.9316, 1 / 6600]],
    impostorPairs: 6600, measuredOn: MEASURED_ON, suggested: 0.9224,
  },
  mobilefacenet_112_128d: {
    points: [[0.0912, 0.2], [0.1321, 0.1], [0.1644, 0.05], [0.2029, 0.02], [0.2282, 0.01], [0.2587, 0.005], [0.3059, 0.002], [0.3402, 0.001], [0.3705, 0.0005], [0.3801, 0.0002], [0.5155, 1 / 6600]],
    impostorPairs: 6600, measuredOn: MEASURED_ON, suggested: 0.3402,
  },
};
