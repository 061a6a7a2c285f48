import { spawn } from 'node:child_process';
import { access, rm, stat } from 'node:fs/promises';
import { ArgusError } from '../core/errors.js';
import type { RgbImage } from './types.js';

interface ProcessResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a process to completion, collecting its output. A missing binary is `ffmpeg_missing`. */
function runProcess(cmd: string, args: readonly string[]): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new ArgusError('ffmpeg_missing', `${cmd} is not installed or not on PATH`, { cause: e }) : e);
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const tail = (s: string, n = 400): string => s.trim().slice(-n);

async function assertReadableFile(path: string): Promise<void> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ArgusError('source_not_found', `clip source ${path} is not a file`);
  } catch (e) {
    if (e instanceof ArgusError) throw e;
    throw new ArgusError('source_not_found', `clip source ${path} does not exist`, { cause: e });
  }
}

/** Duration of a media file's first video stream in seconds (container duration as fallback), by ffprobe. */
export async function probeDurationSec(path: string): Promise<number> {
  await assertReadableFile(path);
  const r = await runProcess('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=duration:format=duration', '-of', 'json', path,
  ]);
  if (r.code !== 0) throw new ArgusError('source_not_video', `ffprobe cannot read ${path}: ${tail(r.stderr)}`);
  const info = JSON.parse(r.stdout.toString('utf8')) as { streams?: { duration?: string }[]; format?: { duration?: string } };
  const raw = info.streams?.[0]?.duration ?? info.format?.duration;
  const sec = raw === undefined ? NaN : Number(raw);
  if (info.streams?.length !== 1 || !Number.isFinite(sec)) throw new ArgusError('source_not_video', `${path} has no video stream with a duration`);
  return sec;
}

export interface CutClipOptions {
  /** A media FILE (not a live stream). */
  readonly source: string;
  readonly fromSec: number;
  readonly toSec: number;
  /** Output .mp4 path; must not exist. */
  readonly out: string;
  /** x264 quality (default 23). */
  readonly crf?: number;
}

export interface CutClipResult {
  readonly out: string;
  /** Duration of the written clip (ffprobe). Shorter than asked when the source ends earlier. */
  readonly durationSec: number;
}

/** ffmpeg arguments of a clip cut: re-encoded to H.264/mp4 so the cut points are exact. Pure. */
export function cutClipArgs(o: CutClipOptions): string[] {
  const dur = o.toSec - o.fromSec;
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-n',
    '-ss', o.fromSec.toFixed(3), '-i', o.source, '-t', dur.toFixed(3),
    '-map', '0:v:0', '-map', '0:a:0?',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 23), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k',
    '-movflags', '+faststart', '-f', 'mp4', o.out,
  ];
}

/**
 * Cuts [fromSec, toSec) of a media file into an H.264 mp4 (re-encoded: exact cut points). Errors:
 * `invalid_argument` (bad range), `source_not_found`, `conflict` (out exists), `ffmpeg_missing`,
 * `source_corrupt` (ffmpeg failed; the partial output is removed), `source_not_video` (nothing decodable in
 * the range, e.g. past the end).
 */
export async function cutClip(o: CutClipOptions): Promise<CutClipResult> {
  if (!Number.isFinite(o.fromSec) || !Number.isFinite(o.toSec) || o.fromSec < 0 || o.toSec <= o.fromSec) {
    throw new ArgusError('invalid_argument', `bad clip range ${o.fromSec}–${o.toSec} s (need 0 ≤ from < to)`);
  }
  await assertReadableFile(o.source);
  const exists = await access(o.out).then(
    () => true,
    () => false,
  );
  if (exists) throw new ArgusError('conflict', `clip ${o.out} already exists`);
  const r = await runProcess('ffmpeg', cutClipArgs(o));
  if (r.code !== 0) {
    await rm(o.out, { force: true });
    if (/already exists/i.test(r.stderr)) throw new ArgusError('conflict', `clip ${o.out} already exists`);
    throw new ArgusError('source_corrupt', `ffmpeg could not cut ${o.source}: ${tail(r.stderr)}`);
  }
  let durationSec: number;
  try {
    durationSec = await probeDurationSec(o.out);
  } catch (e) {
    await rm(o.out, { force: true });
    throw new ArgusError('source_not_video', `no video in ${o.source} between ${o.fromSec} and ${o.toSec} s`, { cause: e });
  }
  return { out: o.out, durationSec };
}

/**
 * Decodes one frame of a media file at `atSec` as RGB24 (optionally scaled to `width`, keeping the
 * aspect). For stills taken from a recording.
 */
export async function readFrameRgb(opts: { source: string; atSec: number; width?: number }): Promise<RgbImage> {
  await assertReadableFile(opts.source);
  const vf = opts.width === undefined ? [] : ['-vf', `scale=${opts.width}:-2`];
  const probe = await runProcess('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0:s=x', opts.source]);
  const [w0, h0] = probe.stdout.toString('utf8').trim().split('x').map(Number);
  if (probe.code !== 0 || !w0 || !h0) throw new ArgusError('source_not_video', `ffprobe cannot read ${opts.source}: ${tail(probe.stderr)}`);
  const r = await runProcess('ffmpeg', [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-ss', opts.atSec.toFixed(3), '-i', opts.source,
    '-frames:v', '1', ...vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]);
  if (r.code !== 0) throw new ArgusError('source_corrupt', `ffmpeg could not decode ${opts.source}: ${tail(r.stderr)}`);
  // ffmpeg rounds the scaled height itself: take it from the byte count.
  const width = opts.width ?? w0;
  const height = r.stdout.length / (3 * width);
  if (r.stdout.length === 0 || !Number.isInteger(height)) {
    throw new ArgusError('source_not_video', `no frame at ${opts.atSec} s in ${opts.source} (got ${r.stdout.length} bytes)`);
  }
  return { rgb: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length), width, height };
}
