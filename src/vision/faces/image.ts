/** Photos (JPEG, PNG, WebP…) decoded to an RGB24 Frame with sharp (EXIF orientation applied). */
import sharp from 'sharp';
import { ArgusError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';

/** Decode a picture file or buffer into a Frame (index 0, times 0; size = source size). */
export async function loadImageFrame(input: string | Buffer | Uint8Array): Promise<Frame> {
  try {
    const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    const size = { width: info.width, height: info.height };
    return { index: 0, ptsSec: 0, capturedAtMs: 0, size, sourceSize: size, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new ArgusError('invalid_argument', `cannot decode image ${typeof input === 'string' ? input : `(${input.length} bytes)`}`, { cause: e });
  }
}
