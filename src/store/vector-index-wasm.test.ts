import { describe, expect, it } from 'vitest';
import { scanKernel, scanModuleBytes, wasmMemory } from './vector-index-wasm.js';

/** The kernel against a plain loop: out[i] = f32(Σ codes·q) · scale[i], for codes and queries at their extremes too. */
function check(dimPad: number, n: number, seed: number): void {
  let t = seed;
  const rand = () => ((t = (t * 1103515245 + 12345) % 2147483648) / 2147483648);
  const mem = wasmMemory(Math.ceil((dimPad * 2 + n * (dimPad + 8) + 64) / 65_536) + 1);
  const scores = scanKernel(dimPad, mem);
  const buf = mem.buffer;
  const q = new Int16Array(buf, 0, dimPad);
  for (let d = 0; d < dimPad; d++) q[d] = d % 5 === 0 ? (d % 2 ? -32_767 : 32_767) : Math.round((rand() * 2 - 1) * 32_767);
  const codesAt = Math.ceil((dimPad * 2) / 16) * 16;
  const scalesAt = codesAt + n * dimPad;
  const outAt = scalesAt + n * 4;
  const codes = new Int8Array(buf, codesAt, n * dimPad);
  for (let i = 0; i < codes.length; i++) codes[i] = i % 7 === 0 ? (i % 2 ? -127 : 127) : Math.round((rand() * 2 - 1) * 127);
  const scales = new Float32Array(buf, scalesAt, n);
  for (let i = 0; i < n; i++) scales[i] = 0.5 + rand();
  const out = new Float32Array(buf, outAt, n + 1);
  out[n] = 42; // past the end: untouched
  scores(codesAt, scalesAt, n, outAt);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dimPad; d++) s += codes[i * dimPad + d]! * q[d]!;
    expect(out[i]).toBe(Math.fround(Math.fround(s) * scales[i]!));
  }
  expect(out[n]).toBe(42);
}

describe('vector index scan kernel (WebAssembly SIMD)', () => {
  it('computes every code’s scaled dot product with the query, four at a time, as a scalar loop does', () => {
    check(128, 300, 3);
    check(8, 52, 5);
    check(136, 20, 9);
  });

  it('does nothing for n = 0, and refuses a dimension that is not a multiple of 8', () => {
    const mem = wasmMemory(1);
    const out = new Float32Array(mem.buffer, 1024, 1);
    out[0] = 7;
    scanKernel(16, mem)(512, 768, 0, 1024);
    expect(out[0]).toBe(7);
    expect(() => scanModuleBytes(12)).toThrow(/multiple of 8/);
  });
});
