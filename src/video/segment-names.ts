/**
 * Names of recorded segments: `YYYYMMDDTHHMMSS.mmmZ.mp4`, the UTC start of the segment to the millisecond
 * (names written before the milliseconds were added, `YYYYMMDDTHHMMSSZ.mp4`, still read).
 *
 * ffmpeg cannot give such names itself (`-strftime` has one-second resolution, so two segments opened in the same
 * second got the same name and the second overwrote the first). The recorder lets ffmpeg write numbered files into a
 * staging folder and names each finished one here, from the stream times ffmpeg reports for it (`SegmentClock`),
 * never reusing a name (`freeSegmentName`).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** `YYYYMMDDTHHMMSS[.mmm]Z.mp4`: the UTC start of a segment. */
export const SEGMENT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z\.mp4$/;

/** The UTC start (ms) of a segment file name, or null when the name is not one of ours. */
export function segmentStartMs(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, m[7] === undefined ? 0 : Number(m[7]));
  const t = new Date(ms);
  // Date.UTC rolls over (Feb 31 → Mar 3, 25 h → next day): a name must spell a real instant.
  return Number.isFinite(ms) && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s ? ms : null;
}

/** The segment name of a UTC start (ms). */
export function segmentName(startMs: number): string {
  const iso = new Date(startMs).toISOString(); // 2026-11-22T00:30:05.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 23)}Z.mp4`;
}

/** One line of ffmpeg's csv segment list: `file,startSeconds,endSeconds` in the output's stream time. */
export interface SegmentListEntry {
  readonly file: string;
  readonly startS: number;
  readonly endS: number;
}

/** Parses a csv segment-list line; null for anything else (a quoted name is not one the recorder writes). */
export function parseSegmentListLine(line: string): SegmentListEntry | null {
  const m = /^([^,"\s]+),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!m) return null;
  const startS = Number(m[2]);
  const endS = Number(m[3]);
  return endS >= startS ? { file: m[1]!, startS, endS } : null;
}

/**
 * Wall-clock starts of the segments of one ffmpeg run. The run's stream time is tied to the wall clock when its first
 * segment is reported (it ended "now"); each later segment starts at that anchor plus its stream start, so the names
 * follow the stream and not the moment a burst of late packets was written. When the two drift apart by more than
 * `maxDriftMs` (a camera that reset its clock, a long stall), the clock re-anchors on the report.
 */
export class SegmentClock {
  private anchorMs: number | null = null;

  constructor(private readonly maxDriftMs = 30_000) {}

  /** The wall start (ms) of a segment reported finished at `nowMs`. */
  startOf(entry: SegmentListEntry, nowMs: number): number {
    const byReport = nowMs - (entry.endS - entry.startS) * 1000;
    let start = this.anchorMs === null ? byReport : this.anchorMs + entry.startS * 1000;
    if (this.anchorMs === null || Math.abs(start - byReport) > this.maxDriftMs) {
      this.anchorMs = nowMs - entry.endS * 1000;
      start = byReport;
    }
    return Math.round(start);
  }

  /** Where the next segment of this run starts, by the last reported end (null before any report). */
  after(entry: SegmentListEntry | null): number | null {
    return this.anchorMs === null || entry === null ? null : Math.round(this.anchorMs + entry.endS * 1000);
  }
}

/**
 * A name in `dir` for a segment starting at `startMs` that no file has: the start itself, or the first free
 * millisecond after it. (Names follow the clock, even when it is set back: they are unique, not forced in order.)
 */
export async function freeSegmentName(dir: string, startMs: number): Promise<{ name: string; startMs: number }> {
  let ms = Math.round(startMs);
  for (;;) {
    const name = segmentName(ms);
    const taken = await stat(join(dir, name)).then(() => true, (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    });
    if (!taken) return { name, startMs: ms };
    ms++;
  }
}
