import { describe, expect, it } from 'vitest';
import type { MotionConfig } from '../config/schema.js';
import { downscaleLuma, motionStep, type MotionInput, type MotionMasks, type MotionState } from './motion.js';
import { openFrameSource } from './frame-source.js';
import { video } from '../../test/assets.js';

const W = 640;
const H = 360;
const cfg: MotionConfig = { enabled: true, threshold: 25, minAreaRatio: 0.002, holdSec: 0, keepAliveSec: 2 };

/** A deterministic textured background (pseudo-random, seeded). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function background(): Uint8Array {
  const r = rng(7);
  const buf = new Uint8Array(W * H * 3);
  for (let i = 0; i < buf.length; i++) buf[i] = 60 + Math.floor(r() * 120);
  return buf;
}
function square(base: Uint8Array, x: number, y: number, size: number, value: number): Uint8Array {
  const buf = base.slice();
  for (let yy = y; yy < y + size; yy++) for (let xx = x; xx < x + size; xx++) buf.fill(value, (yy * W + xx) * 3, (yy * W + xx) * 3 + 3);
  return buf;
}
const frame = (rgb: Uint8Array, k: number, fps = 5): MotionInput => ({ rgb, size: { width: W, height: H }, ptsSec: k / fps });

function run(frames: MotionInput[], masks?: MotionMasks, c: MotionConfig = cfg): { motion: boolean; changedRatio: number }[] {
  let state: MotionState | undefined;
  return frames.map((f) => {
    const r = motionStep(state, f, c, masks);
    state = r.state;
    return { motion: r.motion, changedRatio: r.changedRatio };
  });
}

describe('motionStep', () => {
  const bg = background();

  it('sees no motion in a static sequence', () => {
    const out = run(Array.from({ length: 20 }, (_, k) => frame(bg, k)));
    expect(out.every((o) => !o.motion && o.changedRatio === 0)).toBe(true);
  });

  it('sees a moving square', () => {
    const frames = Array.from({ length: 20 }, (_, k) => frame(square(bg, 20 + k * 25, 150, 40, 250), k));
    const out = run(frames).slice(1);
    expect(out.every((o) => o.motion)).toBe(true);
    expect(Math.max(...out.map((o) => o.changedRatio))).toBeLessThan(0.05);
  });

  it('ignores camera noise of a few grey levels', () => {
    const r = rng(99);
    const frames = Array.from({ length: 30 }, (_, k) => {
      const noisy = bg.slice();
      for (let i = 0; i < noisy.length; i++) noisy[i] = Math.min(255, Math.max(0, noisy[i]! + Math.round((r() - 0.5) * 24)));
      return frame(noisy, k);
    });
    expect(run(frames).filter((o) => o.motion)).toHaveLength(0);
  });

  it('ignores a global brightness change (cloud, auto-exposure)', () => {
    const frames = [0, 0, 40, 40, 40].map((delta, k) => frame(bg.map((v) => Math.min(255, v + delta)), k));
    expect(run(frames).map((o) => o.motion)).toEqual([false, false, false, false, false]);
  });

  it('ignores motion inside a mask', () => {
    // The square moves inside x 0–0.5 (320 px) only.
    const frames = Array.from({ length: 8 }, (_, k) => frame(square(bg, 20 + k * 30, 150, 40, 250), k));
    const mask: MotionMasks = [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]];
    expect(run(frames, mask).some((o) => o.motion)).toBe(false);
    expect(run(frames).slice(1).every((o) => o.motion)).toBe(true);
  });

  it('absorbs an object that stopped (a parked car) within a few minutes', () => {
    const parked = square(bg, 300, 150, 60, 250);
    const frames = [frame(bg, 0), ...Array.from({ length: 150 }, (_, k) => frame(parked, k + 1, 1))];
    const out = run(frames);
    expect(out[1]!.motion).toBe(true);
    expect(out.at(-1)!.motion).toBe(false);
  });

  it('always opens the gate when disabled and restarts on a size change', () => {
    const off = { ...cfg, enabled: false };
    expect(run([frame(bg, 0), frame(bg, 1)], undefined, off).map((o) => o.motion)).toEqual([true, true]);
    const small = { rgb: new Uint8Array(320 * 180 * 3), size: { width: 320, height: 180 }, ptsSec: 2 };
    const first = motionStep(undefined, frame(bg, 0), cfg);
    const r = motionStep(first.state, small, cfg);
    expect(r.motion).toBe(false);
    expect(r.state.frameSize).toEqual({ width: 320, height: 180 });
  });

  it('does not modify the state it is given', () => {
    const a = motionStep(undefined, frame(bg, 0), cfg);
    const copy = a.state.background.slice();
    motionStep(a.state, frame(square(bg, 100, 100, 80, 255), 1), cfg);
    expect(a.state.background).toEqual(copy);
  });

  it('sees the traffic in a real road clip and nothing in a frozen copy of it', async () => {
    const src = openFrameSource({ url: video('opencv4nodejs_traffic.mp4'), fps: 5 });
    const frames: MotionInput[] = [];
    for await (const f of src) if (frames.push(f) >= 25) break;
    const live = run(frames).slice(1);
    expect(live.filter((o) => o.motion).length).toBeGreaterThanOrEqual(20);
    const frozen = run(frames.map((f) => ({ ...f, rgb: frames[0]!.rgb })));
    expect(frozen.some((o) => o.motion)).toBe(false);
  });
});

describe('downscaleLuma', () => {
  it('gives the mean grey of uniform blocks whatever the block size', () => {
    for (const block of [1, 2, 4, 8]) {
      const rgb = new Uint8Array(32 * 16 * 3).fill(90);
      const { luma } = downscaleLuma(rgb, { width: 32, height: 16 }, block);
      expect(luma.every((v) => Math.abs(v - 90) < 0.5)).toBe(true);
    }
  });

  it('averages blocks with BT.601 weights', () => {
    const rgb = new Uint8Array(4 * 2 * 3);
    rgb.fill(255, 0, 6); // two white pixels top-left
    const { luma, width, height } = downscaleLuma(rgb, { width: 4, height: 2 }, 2);
    expect([width, height]).toEqual([2, 1]);
    expect(luma[0]).toBeCloseTo(127.5, 0);
    expect(luma[1]).toBe(0);
  });
});
