import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in test/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared real assets: ARGUS_ASSETS, else ../shared/assets beside the checkout. */
export const ASSETS = process.env.ARGUS_ASSETS ?? resolve(REPO_ROOT, '../shared/assets');
export const MODELS = process.env.ARGUS_MODELS ?? join(ASSETS, 'models');
export const VIDEOS = join(ASSETS, 'videos');
export const IMAGES = join(ASSETS, 'images');
export const DATA = join(ASSETS, 'data');

export const asset = (...parts: string[]): string => join(ASSETS, ...parts);
export const video = (name: string): string => join(VIDEOS, name);
export const hasAssets = (): boolean => existsSync(ASSETS);

/** The hand-read scene photos (../shared/assets/images/vn_vehicle_scenes_trungdinh22). */
export const SCENES_DIR = join(IMAGES, 'vn_vehicle_scenes_trungdinh22');

/**
 * A slideshow of scene photos as a real H.264 file (ffmpeg): each photo `slotSec` seconds, letterboxed to
 * 1280×1280 at 10 fps, so photo i fills [i·slotSec, (i+1)·slotSec).
 */
export function scenesSlideshow(photos: readonly string[], out: string, slotSec = 2): string {
  const inputs = photos.flatMap((f) => ['-loop', '1', '-t', String(slotSec), '-i', join(SCENES_DIR, f)]);
  const scale = photos.map((_, i) => `[${i}:v]scale=1280:1280:force_original_aspect_ratio=decrease,setsar=1,pad=1280:1280:(ow-iw)/2:(oh-ih)/2,fps=10,format=yuv420p[v${i}];`).join('');
  const filter = `${scale}${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1:a=0[out]`;
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...inputs, '-filter_complex', filter, '-map', '[out]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', out]);
  return out;
}
