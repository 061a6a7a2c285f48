/**
 * Constant-velocity Kalman filter on the ByteTrack / DeepSORT state (cx, cy, a, h, vcx, vcy, va, vh), written
 * for continuous time: velocities are per SECOND and `predict(dtSec)` scales with the real time between
 * analysed frames, so 5 fps and 15 fps analysis (and dropped RTSP frames) track alike.
 *
 * The paper's matrices (F = [I dt·I; 0 I], H = [I 0], diagonal Q, R and P₀) never couple different axes, so the
 * 8×8 covariance stays four independent 2×2 blocks (position, velocity) for cx, cy, a and h. We store exactly
 * those blocks: the result is identical to the dense 8×8 filter at a fraction of the cost (no matrix library,
 * no allocation per step). The dense equivalence is checked in kalman.test.ts.
 *
 * Noise follows ByteTrack (std weights 1/20 position, 1/160 velocity, proportional to the box height), defined
 * per frame at `REF_DT_SEC` (the 30 fps of MOT17) and scaled to `dt` as a continuous white-noise process.
 */

/** Time step the paper's per-frame noise constants refer to. */
export const REF_DT_SEC = 1 / 30;
const STD_POS = 1 / 20;
const STD_VEL = 1 / 160;

/** Mean (8) and covariance blocks (4 × [ppos, pposvel, pvel]) of one track; mutable, owned by the tracker. */
export interface KalmanState {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

/** Process-noise std (position, velocity-per-second) of axis `i` at box height `h`, per reference frame. */
function processStd(i: number, h: number): [number, number] {
  if (i === 2) return [1e-2, 1e-5 / REF_DT_SEC];
  return [STD_POS * h, (STD_VEL * h) / REF_DT_SEC];
}

const measurementStd = (i: number, h: number): number => (i === 2 ? 1e-1 : STD_POS * h);

/** A new filter from a first measurement (xyah). Velocity starts at 0 with a wide uncertainty. */
export function kalmanInit(xyah: readonly [number, number, number, number]): KalmanState {
  const mean = new Float64Array(8);
  const cov = new Float64Array(12);
  const h = xyah[3];
  for (let i = 0; i < 4; i++) {
    mean[i] = xyah[i]!;
    const [sp, sv] = processStd(i, h);
    cov[i * 3] = (2 * sp) ** 2;
    cov[i * 3 + 1] = 0;
    cov[i * 3 + 2] = (10 * sv) ** 2;
  }
  return { mean, cov };
}

/**
 * Advance the state by `dtSec` (≤ 0 is a no-op). `freezeHeightVelocity` mirrors ByteTrack, which zeroes the
 * height velocity of tracks that are not currently matched so that a lost box does not grow or shrink away.
 */
export function kalmanPredict(k: KalmanState, dtSec: number, freezeHeightVelocity = false): void {
  if (!(dtSec > 0)) return;
  const { mean, cov } = k;
  if (freezeHeightVelocity) mean[7] = 0;
  const h = mean[3]!;
  const scale = dtSec / REF_DT_SEC;
  for (let i = 0; i < 4; i++) {
    const [sp, sv] = processStd(i, h);
    mean[i] = mean[i]! + mean[i + 4]! * dtSec;
    const p00 = cov[i * 3]!;
    const p01 = cov[i * 3 + 1]!;
    const p11 = cov[i * 3 + 2]!;
    cov[i * 3] = p00 + 2 * dtSec * p01 + dtSec * dtSec * p11 + sp * sp * scale;
    cov[i * 3 + 1] = p01 + dtSec * p11;
    cov[i * 3 + 2] = p11 + sv * sv * scale;
  }
}

/** Correct the state with a measured box (xyah). */
export function kalmanUpdate(k: KalmanState, xyah: readonly [number, number, number, number]): void {
  const { mean, cov } = k;
  const h = mean[3]!;
  for (let i = 0; i < 4; i++) {
    const r = measurementStd(i, h) ** 2;
    const p00 = cov[i * 3]!;
    const p01 = cov[i * 3 + 1]!;
    const p11 = cov[i * 3 + 2]!;
    const s = p00 + r;
    const k0 = p00 / s;
    const k1 = p01 / s;
    const innovation = xyah[i]! - mean[i]!;
    mean[i] = mean[i]! + k0 * innovation;
    mean[i + 4] = mean[i + 4]! + k1 * innovation;
    cov[i * 3] = (1 - k0) * p00;
    cov[i * 3 + 1] = (1 - k0) * p01;
    cov[i * 3 + 2] = p11 - k1 * p01;
  }
}

/** The filtered state as xyah (height kept positive, aspect non-negative). */
export function kalmanXyah(k: KalmanState): [number, number, number, number] {
  const m = k.mean;
  return [m[0]!, m[1]!, Math.max(0, m[2]!), Math.max(1e-3, m[3]!)];
}
