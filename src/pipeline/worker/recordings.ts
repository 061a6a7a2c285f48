/**
 * The recordings a worker keeps (`<data>/recordings/<cameraId>/<UTC start>.mp4`, written by the camera manager's
 * recorders), as the worker RPCs hand them out: a listing by time, and byte ranges of one segment. Only a segment file
 * directly in the camera's own folder is ever read: a camera id that is not a plain name, a file name that is not a
 * segment name, or a path that resolves (links followed) outside that folder is refused.
 */
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ArgusError } from '../../core/errors.js';
import { CAMERA_DIR_NAME, listSegmentFiles } from '../../video/segment-list.js';
import { segmentStartMs } from '../../video/segment-names.js';
import { RECORDING_CHUNK_BYTES, type RecordingSegmentInfo } from './protocol.js';

function cameraDir(root: string, cameraId: string): string {
  if (!CAMERA_DIR_NAME.test(cameraId)) throw new ArgusError('invalid_argument', `camera id ${JSON.stringify(cameraId.slice(0, 80))}: letters, digits, "_", "-"`);
  return join(root, cameraId);
}

/** A camera's segments, oldest first, overlapping [fromMs, toMs) when given (a segment lasts until the next starts). */
export async function listRecordings(root: string, cameraId: string, fromMs?: number, toMs?: number): Promise<RecordingSegmentInfo[]> {
  cameraDir(root, cameraId);
  return listSegmentFiles(root, cameraId, fromMs, toMs);
}

/** Bytes [offset, offset + length) of one segment (fewer at its end; none past it). */
export async function readRecording(root: string, cameraId: string, file: string, offset: number, length: number): Promise<Uint8Array> {
  const dir = cameraDir(root, cameraId);
  if (segmentStartMs(file) === null) throw new ArgusError('invalid_argument', `recording ${JSON.stringify(file.slice(0, 80))}: not a segment name`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ArgusError('invalid_argument', `offset ${offset}: a whole number ≥ 0`);
  if (!Number.isSafeInteger(length) || length < 1 || length > RECORDING_CHUNK_BYTES) throw new ArgusError('invalid_argument', `length ${length}: 1–${RECORDING_CHUNK_BYTES}`);
  let real: string;
  let realDir: string;
  try {
    [realDir, real] = await Promise.all([realpath(dir), realpath(join(dir, file))]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ArgusError('not_found', `recording ${cameraId}/${file}: not on this worker`);
    throw e;
  }
  // A link inside the folder that leads out of it is not a recording of this camera.
  if (!real.startsWith(realDir + sep)) throw new ArgusError('invalid_argument', `recording ${cameraId}/${file}: outside the camera's folder`);
  const fh = await open(real, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
  } finally {
    await fh.close();
  }
}
