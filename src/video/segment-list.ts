/**
 * The recorded segments of one camera on this disk (`<root>/<cameraId>/<UTC start>.mp4`, written by the recorder),
 * listed by time. One listing for every reader: the single box's footage routes and retention, and a worker's recording
 * RPCs. A camera id that is not a plain name is never joined into a path.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentStartMs } from './segment-names.js';

/** A camera's recordings folder name: letters, digits, "_", "-" (never a path). */
export const CAMERA_DIR_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface SegmentFile {
  /** File name as the recorder writes it (`YYYYMMDDTHHMMSS.mmmZ.mp4`). */
  readonly file: string;
  readonly startMs: number;
  readonly bytes: number;
}

/**
 * Segments of one camera, oldest first, overlapping [fromMs, toMs) when given (a segment lasts until the next starts).
 * A camera with no folder has none; a camera id that is not a plain name is the caller's error and lists nothing.
 */
export async function listSegmentFiles(root: string, cameraId: string, fromMs?: number, toMs?: number): Promise<SegmentFile[]> {
  if (!CAMERA_DIR_NAME.test(cameraId)) return [];
  const dir = join(root, cameraId);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const segs: SegmentFile[] = [];
  for (const file of names) {
    const startMs = segmentStartMs(file);
    if (startMs === null) continue;
    const st = await stat(join(dir, file)).catch(() => null);
    if (st?.isFile()) segs.push({ file, startMs, bytes: st.size });
  }
  segs.sort((a, b) => a.startMs - b.startMs);
  return segs.filter((s, i) => {
    const endMs = segs[i + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    return (toMs === undefined || s.startMs < toMs) && (fromMs === undefined || endMs > fromMs);
  });
}
