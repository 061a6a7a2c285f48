/**
 * Faces blurred in what leaves the service (issue #24; Decree 13/2023/ND-CP): the stills and the clip of an evidence
 * package, as exported, have every face pixelated except the faces of people on a face watch list (they are why the
 * material is looked at). The stored package is never changed (its signature stays valid); the export is a derived
 * copy that says what was blurred (`privacy.json`). A reviewer with `faces.view` may export the original, with a
 * reason that goes into the audit (routes/evidence.ts).
 */
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { boxHeight, boxWidth, type Box } from '../core/box.js';
import type { Frame } from '../core/frame.js';

/** What finds the faces of a picture and tells whether one is on a watch list. */
export interface FaceFinder {
  /** Face boxes of the picture, each with whether it is a listed person's face (kept sharp). */
  find(frame: Frame): Promise<Array<{ box: Box; listed: boolean }>>;
}

export interface BlurCount {
  /** Faces pixelated. */
  readonly blurred: number;
  /** Faces of listed people left sharp. */
  readonly kept: number;
}

/** Pixelates a box (grown by `grow` of its size each side) of an RGB24 picture in place, in blocks of about 1/6 of the face. */
export function pixelate(rgb: Uint8Array, width: number, height: number, box: Box, grow = 0.3): void {
  const w = boxWidth(box);
  const h = boxHeight(box);
  const x1 = Math.max(0, Math.floor(box.x1 - grow * w));
  const y1 = Math.max(0, Math.floor(box.y1 - grow * h));
  const x2 = Math.min(width, Math.ceil(box.x2 + grow * w));
  const y2 = Math.min(height, Math.ceil(box.y2 + grow * h));
  const block = Math.max(4, Math.round(Math.max(w, h) / 6));
  for (let by = y1; by < y2; by += block) {
    for (let bx = x1; bx < x2; bx += block) {
      const ex = Math.min(x2, bx + block);
      const ey = Math.min(y2, by + block);
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) {
        const i = (y * width + x) * 3;
        sum[0]! += rgb[i]!;
        sum[1]! += rgb[i + 1]!;
        sum[2]! += rgb[i + 2]!;
        n++;
      }
      const avg = sum.map((s) => Math.round(s / Math.max(1, n)));
      for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) {
        const i = (y * width + x) * 3;
        rgb[i] = avg[0]!;
        rgb[i + 1] = avg[1]!;
        rgb[i + 2] = avg[2]!;
      }
    }
  }
}

const frameOf = (rgb: Uint8Array, width: number, height: number): Frame => ({
  rgb, index: 0, ptsSec: 0, capturedAtMs: 0, size: { width, height }, sourceSize: { width, height },
});

/** A JPEG with its unlisted faces pixelated (re-encoded), or the same bytes when it has none. */
export async function blurJpeg(finder: FaceFinder, jpeg: Uint8Array): Promise<{ bytes: Uint8Array } & BlurCount> {
  const { data, info } = await sharp(Buffer.from(jpeg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const faces = await finder.find(frameOf(rgb, info.width, info.height));
  const hide = faces.filter((f) => !f.listed);
  if (hide.length === 0) return { bytes: jpeg, blurred: 0, kept: faces.length };
  for (const f of hide) pixelate(rgb, info.width, info.height, f.box);
  const bytes = new Uint8Array(await sharp(Buffer.from(rgb), { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  return { bytes, blurred: hide.length, kept: faces.length - hide.length };
}

/**
 * A clip (mp4) re-encoded with its unlisted faces pixelated: faces are looked for every `everyFrames` frames and the
 * boxes held (grown) in between, so a face is never sharp between two looks. Returns the counts of the looks.
 * `onFrame`: told after each frame written (progress of a long clip).
 */
export async function blurClip(
  finder: FaceFinder, input: string, output: string, size: { width: number; height: number }, fps: number, everyFrames = 3, onFrame?: (frames: number) => void,
): Promise<BlurCount & { frames: number }> {
  const { width, height } = size;
  const frameBytes = width * height * 3;
  const dec = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', input, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const enc = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', output], { stdio: ['pipe', 'ignore', 'pipe'] });
  const errs: string[] = [];
  dec.stderr.on('data', (d: Buffer) => errs.push(d.toString()));
  enc.stderr.on('data', (d: Buffer) => errs.push(d.toString()));
  const encDone = new Promise<number>((res) => enc.on('close', (c) => res(c ?? 1)));
  const decDone = new Promise<number>((res) => dec.on('close', (c) => res(c ?? 1)));
  let buf: Buffer = Buffer.alloc(0);
  let frames = 0;
  let blurred = 0;
  let kept = 0;
  let hide: Box[] = [];
  const write = (b: Uint8Array): Promise<void> => new Promise((res, rej) => enc.stdin.write(b, (e) => (e ? rej(e) : res())));
  for await (const chunk of dec.stdout as AsyncIterable<Buffer>) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= frameBytes) {
      const rgb = new Uint8Array(buf.subarray(0, frameBytes));
      buf = buf.subarray(frameBytes);
      if (frames % everyFrames === 0) {
        const faces = await finder.find(frameOf(rgb, width, height));
        hide = faces.filter((f) => !f.listed).map((f) => f.box);
        blurred += hide.length;
        kept += faces.length - hide.length;
      }
      for (const b of hide) pixelate(rgb, width, height, b, 0.6);
      await write(rgb);
      frames++;
      onFrame?.(frames);
    }
  }
  enc.stdin.end();
  const [d, e] = await Promise.all([decDone, encDone]);
  if (d !== 0 || e !== 0) throw new Error(`clip not blurred: ffmpeg ${d}/${e}: ${errs.join('').slice(0, 500)}`);
  return { blurred, kept, frames };
}
