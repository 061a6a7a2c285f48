import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { OBJECT_CLASSES } from '../core/classes.js';
import { ArgusError, errorMessage } from '../core/errors.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track, TrackId } from '../core/track.js';
import type { RuleEvent, SignalObservation } from '../core/violation.js';
import type { RuleEngine } from './engine.js';

/**
 * The track log (`argus analyze --record-tracks`): JSON Lines, one line per analysed frame with its timing,
 * the tracker's tracks, the ids of tracks that ended, and the signal observations. Replaying it through a
 * rule engine gives exactly the events of the live run, without video.
 */
export interface ReplayLine {
  readonly meta: FrameMeta;
  readonly tracks: readonly Track[];
  readonly ended: readonly TrackId[];
  readonly signals?: readonly SignalObservation[];
}

const size = z.strictObject({ width: z.number().int().positive(), height: z.number().int().positive() });
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const metaSchema = z.strictObject({
  index: z.number().int().min(0),
  ptsSec: finite,
  capturedAtMs: finite,
  size,
  sourceSize: size,
});

// Tracks are read leniently (unknown keys dropped): a tracker that adds fields must not break old replays.
const trackSchema = z.object({
  id: z.number().int(),
  box: z.strictObject({ x1: finite, y1: finite, x2: finite, y2: finite }),
  cls: z.enum(OBJECT_CLASSES),
  score: z.number().min(0).max(1),
  state: z.enum(['tentative', 'tracked', 'lost', 'removed']),
  firstSeenMs: finite,
  lastSeenMs: finite,
  hits: z.number().int().min(0),
  riders: z.number().int().min(0).optional(),
});

export const replayLineSchema = z.strictObject({
  meta: metaSchema,
  tracks: z.array(trackSchema),
  ended: z.array(z.number().int()),
  signals: z.array(z.strictObject({ signalId: z.string().min(1), colour: z.enum(['red', 'amber', 'green', 'unknown']) })).optional(),
});

/**
 * The log line of one analysed frame. Picks the FrameMeta fields explicitly, so a decoded `Frame` (with its
 * pixels) can be passed as `meta`.
 */
export function toReplayLine(meta: FrameMeta, tracks: readonly Track[], ended: readonly TrackId[], signals: readonly SignalObservation[] = []): ReplayLine {
  const { index, ptsSec, capturedAtMs, size, sourceSize } = meta;
  const m = { index, ptsSec, capturedAtMs, size: { width: size.width, height: size.height }, sourceSize: { width: sourceSize.width, height: sourceSize.height } };
  return signals.length > 0 ? { meta: m, tracks, ended, signals } : { meta: m, tracks, ended };
}

/** One line of JSONL (no trailing newline). */
export const formatReplayLine = (line: ReplayLine): string => JSON.stringify(line);

/** Parse and validate one line; `lineNo` (1-based) goes into the error. */
export function parseReplayLine(text: string, lineNo: number, source = 'track log'): ReplayLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ArgusError('invalid_argument', `${source}:${lineNo}: not JSON: ${errorMessage(e)}`, { cause: e });
  }
  const r = replayLineSchema.safeParse(raw);
  if (r.success) return r.data as ReplayLine;
  const first = r.error.issues[0];
  const where = first ? first.path.map(String).join('.') || '(line)' : '(line)';
  throw new ArgusError('invalid_argument', `${source}:${lineNo}: ${where}: ${first?.message ?? 'invalid'}`, { cause: r.error });
}

/** Stream a track log file line by line (blank lines are skipped). */
export async function* readTrackLog(file: string): AsyncGenerator<ReplayLine> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      yield parseReplayLine(text, n, file);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** A streaming writer for a track log. `close()` flushes and closes the file. */
export interface TrackLogWriter {
  write(line: ReplayLine): Promise<void>;
  close(): Promise<void>;
}

export function createTrackLogWriter(file: string): TrackLogWriter {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let failure: unknown;
  out.on('error', (e) => {
    failure = e;
  });
  const check = (): void => {
    if (failure !== undefined) throw new ArgusError('io_failed', `cannot write ${file}: ${errorMessage(failure)}`, { cause: failure });
  };
  return {
    async write(line) {
      check();
      if (!out.write(`${formatReplayLine(line)}\n`)) await once(out, 'drain');
      check();
    },
    async close() {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      check();
    },
  };
}

/** Run recorded frames through a rule engine; returns every event in order. */
export async function replayRules(lines: AsyncIterable<ReplayLine> | Iterable<ReplayLine>, engine: RuleEngine): Promise<RuleEvent[]> {
  const events: RuleEvent[] = [];
  for await (const line of lines) events.push(...engine.step(line.tracks, line.meta, line.ended, line.signals ?? []));
  return events;
}
