/** Decode an image file into RGB24 with sharp (EXIF orientation applied, alpha dropped). */
import sharp from 'sharp';
import { ArgusError } from '../core/errors.js';
import type { RgbImage } from './image.js';

export async function loadRgb(path: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(path).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    throw new ArgusError('io_failed', `cannot read image ${path}`, { cause: e });
  }
}
