/**
 * The scan kernel of the vector index, in WebAssembly SIMD written by hand (no toolchain, no download): for each of
 * `n` int8 codes, the dot product with the query (int16, held in v128 locals) times the code's scale, as float32.
 *
 *   scores(codes, scales, n, out):  out[i] = f32(Σ_d codes[i·dimPad + d] · q[d]) · scales[i],  n a multiple of 4
 *
 * The query lives at address 0 (dimPad int16). `v128.load8x8_s` sign-extends 8 codes to int16 and
 * `i32x4.dot_i16x8_s` multiplies and adds pairs: 16 bytes of a 128-d face take 2 loads, 2 dot products, 2 adds.
 * Four codes go together, so their four sums are finished with shuffles and stored as one v128 (about a quarter
 * faster than a lane-by-lane sum per code). The module is generated for one padded dimension (a multiple of 8), so
 * the inner loop is fully unrolled; the caller rounds n up to 4 (codes and scales past the end are zero).
 * Opcodes: WebAssembly SIMD (standard since Node 16.4); vector-index-wasm.test.ts checks it against a scalar loop.
 */

/** Unsigned LEB128. */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** Signed LEB128 (i32.const immediates). */
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// opcodes
const I32 = 0x7f;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_EQZ = 0x45;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = simd(0x00);
const V128_LOAD8X8_S = simd(0x01);
const V128_STORE = simd(0x0b);
const I8X16_SHUFFLE = simd(0x0d);
const F32X4_MUL = simd(0xe6);
const F32X4_CONVERT_I32X4_S = simd(0xfa);
const I32X4_ADD = simd(0xae);
const I32X4_DOT_I16X8_S = simd(0xba);

/** The module's bytes for codes of `dimPad` bytes (a multiple of 8). */
export function scanModuleBytes(dimPad: number): Uint8Array {
  if (dimPad % 8 !== 0 || dimPad <= 0) throw new Error(`padded dimension ${dimPad} is not a positive multiple of 8`);
  const nq = dimPad / 8; // v128 locals holding the query, 8 int16 each
  const [codes, scales, n, out] = [0, 1, 2, 3];
  const q0 = 4;
  const acc = q0 + nq; // four accumulators, one per code of the group
  const body: number[] = [];
  const get = (l: number) => body.push(LOCAL_GET, ...uleb(l));
  const set = (l: number) => body.push(LOCAL_SET, ...uleb(l));
  const bump = (l: number, by: number) => {
    get(l);
    body.push(I32_CONST, ...sleb(by), I32_ADD);
    set(l);
  };
  /** i8x16.shuffle of two i32x4 taking 32-bit lanes `lanes` (0–3: first operand, 4–7: second). */
  const shuffle = (x: number, y: number, lanes: number[]) => {
    get(x);
    get(y);
    body.push(...I8X16_SHUFFLE, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
  };
  for (let j = 0; j < nq; j++) {
    body.push(I32_CONST, 0, ...V128_LOAD, 4, ...uleb(j * 16));
    set(q0 + j);
  }
  body.push(0x02, 0x40); // block
  get(n);
  body.push(I32_EQZ, 0x0d, 0); // br_if 0: nothing to do
  body.push(0x03, 0x40); // loop: four codes at a time
  for (let v = 0; v < 4; v++) {
    for (let j = 0; j < nq; j++) {
      get(codes);
      body.push(...V128_LOAD8X8_S, 3, ...uleb(v * dimPad + j * 8));
      get(q0 + j);
      body.push(...I32X4_DOT_I16X8_S);
      if (j > 0) body.push(...I32X4_ADD);
    }
    set(acc + v);
  }
  // [Σa0, Σa1, Σa2, Σa3] by two rounds of interleave-and-add
  get(out); // the store's address, under the scores
  shuffle(acc, acc + 1, [0, 4, 1, 5]);
  shuffle(acc, acc + 1, [2, 6, 3, 7]);
  body.push(...I32X4_ADD);
  set(acc);
  shuffle(acc + 2, acc + 3, [0, 4, 1, 5]);
  shuffle(acc + 2, acc + 3, [2, 6, 3, 7]);
  body.push(...I32X4_ADD);
  set(acc + 2);
  shuffle(acc, acc + 2, [0, 1, 4, 5]);
  shuffle(acc, acc + 2, [2, 3, 6, 7]);
  body.push(...I32X4_ADD, ...F32X4_CONVERT_I32X4_S);
  get(scales);
  body.push(...V128_LOAD, 4, 0, ...F32X4_MUL, ...V128_STORE, 4, 0);
  bump(codes, 4 * dimPad);
  bump(scales, 16);
  bump(out, 16);
  get(n);
  body.push(I32_CONST, 4, I32_SUB, LOCAL_TEE, ...uleb(n), 0x0d, 0); // br_if 0: next four codes
  body.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = [2, ...uleb(nq), V128, 4, V128];
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...str('m'), ...str('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('scores'), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

export type ScoresFn = (codes: number, scales: number, n: number, out: number) => void;

/** The little of the WebAssembly JS API used here (the project's lib is ES2023, without the DOM's declarations). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A growable wasm memory of `pages` pages of 64 KiB. */
export const wasmMemory = (pages: number): WasmMemory => new wasm.Memory({ initial: pages });

/** Instantiates the kernel over `memory` (synchronously: the module is a few hundred bytes). */
export function scanKernel(dimPad: number, memory: WasmMemory): ScoresFn {
  const mod = new wasm.Module(scanModuleBytes(dimPad));
  const inst = new wasm.Instance(mod, { m: { mem: memory } });
  return inst.exports.scores as ScoresFn;
}
