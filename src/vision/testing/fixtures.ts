/** Test helpers: real pictures and video frames from the shared assets as Frames. Not part of the build. */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Frame } from '../../core/frame.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The shared assets folder (ARGUS_ASSETS, else ../shared/assets beside the checkout). */
export const ASSETS = process.env.ARGUS_ASSETS ?? resolve(repoRoot, '../shared/assets');
export const SHARED_MODELS = resolve(ASSETS, 'models');
export const asset = (rel: string): string => resolve(ASSETS, rel);

const frameOf = (rgb: Uint8Array, width: number, height: number, source?: { width: number; height: number }): Frame => ({
  index: 0,
  ptsSec: 0,
  capturedAtMs: 0,
  size: { width, height },
  sourceSize: source ?? { width, height },
  rgb,
});

/** Decode a picture to an RGB24 Frame (optionally resized; boxes still map to the picture's own size). */
export async function imageFrame(path: string, resizeTo?: { width: number; height: number }): Promise<Frame> {
  const img = sharp(path).removeAlpha();
  const meta = await sharp(path).metadata();
  const src = { width: meta.width ?? 0, height: meta.height ?? 0 };
  const { data, info } = await (resizeTo ? img.resize(resizeTo.width, resizeTo.height, { fit: 'fill' }) : img)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return frameOf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, src);
}

/** One frame of a video at `atSec`, decoded by ffmpeg to RGB24 (optionally scaled to `width`, keeping the aspect). */
export async function videoFrame(path: string, atSec: number, source: { width: number; height: number }, width?: number): Promise<Frame> {
  const w = width ?? source.width;
  const h = Math.round((source.height * w) / source.width / 2) * 2;
  const args = ['-v', 'error', '-ss', String(atSec), '-i', path, '-frames:v', '1', '-vf', `scale=${w}:${h}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const chunks: Buffer[] = [];
  const code = await new Promise<number>((res, rej) => {
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.on('error', rej);
    p.on('close', (c) => res(c ?? -1));
  });
  const buf = Buffer.concat(chunks);
  if (code !== 0 || buf.length !== w * h * 3) throw new Error(`ffmpeg gave ${buf.length} bytes (exit ${code}) for ${path}@${atSec}s`);
  return { ...frameOf(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), w, h, source), ptsSec: atSec };
}

export const BOULEVARD = { path: 'videos/vn_street_cctv_wrong_way_nguoc_chieu.mp4', size: { width: 1568, height: 778 } } as const;
export const TRAFFIC_640 = { path: 'videos/opencv4nodejs_traffic.mp4', size: { width: 640, height: 360 } } as const;
