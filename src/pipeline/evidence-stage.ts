import type { Box } from '../core/box.js';
import { errorMessage } from '../core/errors.js';
import type { ArgusEvent } from '../core/events.js';
import type { FrameSize } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import type { ViolationEvent } from '../core/violation.js';
import { FrameRing, pickStills } from '../evidence/frames.js';
import { removeStaleTemps } from '../evidence/writer.js';
import type { FrameResult, FrameStage } from './analysis.js';
import { clipFrames, runEvidenceJob, type EvidenceContext, type EvidenceJob, type RingFrame } from './evidence-job.js';

export interface EvidenceStageOptions extends EvidenceContext {
  /** File sources: the clip is cut from this file (re-encoded); live sources encode the ring's frames. */
  readonly sourceFile?: string | undefined;
  /** Length of the file, s (keeps a clip near the end inside it). */
  readonly sourceDurationSec?: number | undefined;
  /** Approach / after stills, ms before / after the moment (default 1000 / 1000). */
  readonly approachMs?: number;
  readonly afterMs?: number;
  /** Clip span around the moment, s (default 3 before, 3 after for files; 3 / 2.5 for live sources). */
  readonly clipBeforeSec?: number;
  readonly clipAfterSec?: number;
  /** Frames the ring may hold (analysis size); frames closer than span/maxFrames are skipped. Default 60. */
  readonly maxFrames?: number;
  /** Violations waiting or being written at most. Default 8. */
  readonly maxPending?: number;
  /**
   * When `maxPending` is reached: `drop` releases the new violation without evidence (live sources: the
   * analysis must keep up with the camera), `wait` holds the analysis until a write finishes (files: nothing
   * is lost, the file simply takes longer). Default: `wait` for files, `drop` for live sources.
   */
  readonly whenFull?: 'wait' | 'drop';
  /** A violation whose evidence could not be written (`failed`: disk, encoder) or was `dropped` (released without `evidence`). */
  readonly onProblem?: (violation: ViolationEvent, problem: string, kind: EvidenceProblemKind) => void;
}

export type EvidenceProblemKind = 'failed' | 'dropped';

export interface EvidenceStats {
  readonly written: number;
  readonly dropped: number;
  readonly failed: number;
  readonly pending: number;
  readonly ringFrames: number;
}

export interface EvidenceStage extends FrameStage {
  /** Takes a violation (from the rules stage); it is released with its evidence reference once written. */
  hold(event: ViolationEvent): boolean;
  /** End of stream: writes what is still waiting (with the frames there are) and waits for the writes. */
  finish(): Promise<readonly ArgusEvent[]>;
  stats(): EvidenceStats;
}

/**
 * Evidence for every violation, off the analysis path: frames go into a bounded ring (copies at analysis
 * size, capped by time and count); a held violation becomes a job once the frame after its "after" still
 * has arrived; jobs run one at a time in the background; finished violations are released, with
 * `evidence: { uri, manifestSha256 }`, on a later frame. A full queue drops (the violation goes out
 * without evidence and `onProblem` says so) rather than slowing the analysis.
 */
export function createEvidenceStage(opts: EvidenceStageOptions): EvidenceStage {
  const approachMs = opts.approachMs ?? 1000;
  const afterMs = opts.afterMs ?? 1000;
  const live = opts.sourceFile === undefined;
  const clipBeforeMs = (opts.clipBeforeSec ?? 3) * 1000;
  const clipAfterMs = (opts.clipAfterSec ?? (live ? 2.5 : 3)) * 1000;
  // Files: the ring only needs the stills; live sources: the whole clip.
  const waitMs = live ? Math.max(afterMs, clipAfterMs) : afterMs;
  const keepMs = (live ? clipBeforeMs + clipAfterMs : approachMs + afterMs) + 500;
  const maxFrames = opts.maxFrames ?? 60;
  const spacingMs = keepMs / maxFrames;
  const maxPending = opts.maxPending ?? 8;
  const whenFull = opts.whenFull ?? (live ? 'drop' : 'wait');
  let slotFreed: (() => void) | undefined;
  let ring = new FrameRing<RingFrame>({ keepMs });
  let sourceSize: FrameSize | undefined;
  const waiting: ViolationEvent[] = [];
  const released: ViolationEvent[] = [];
  let running = 0;
  let chain: Promise<void> = Promise.resolve();
  const counters = { written: 0, dropped: 0, failed: 0 };

  // Temporary folders of writes a crash interrupted: gone before this stage writes (a write lasts seconds, not ten minutes).
  void removeStaleTemps(opts.dir, 10 * 60_000);

  /** A violation goes on; one without its evidence carries why (`evidenceProblem`: stored with it, shown to reviewers). */
  const release = (v: ViolationEvent, problem?: { text: string; kind: EvidenceProblemKind }): void => {
    if (problem === undefined) {
      released.push(v);
      return;
    }
    opts.onProblem?.(v, problem.text, problem.kind);
    released.push({ ...v, evidenceProblem: problem.text });
  };

  const fileClip = (v: ViolationEvent): EvidenceJob['fileClip'] => {
    if (opts.sourceFile === undefined) return undefined;
    const span = (clipBeforeMs + clipAfterMs) / 1000;
    const end = opts.sourceDurationSec ?? Infinity;
    const fromSec = Math.max(0, Math.min(v.ptsSec - clipBeforeMs / 1000, end - span));
    return { source: opts.sourceFile, fromSec, toSec: Math.min(end, fromSec + span) };
  };

  const start = (v: ViolationEvent, force: boolean): boolean => {
    const picked = pickStills(ring, v.atMs, { approachMs, afterMs }) ?? (force ? nearestStills(ring, v.atMs, approachMs, afterMs) : undefined);
    if (!picked || !sourceSize) return false;
    const job: EvidenceJob = {
      violation: v,
      stills: picked,
      sourceSize,
      ...(live ? { liveClip: liveClipOf(v) } : { fileClip: fileClip(v) }),
    };
    running++;
    chain = chain.then(async () => {
      try {
        const w = await runEvidenceJob(job, opts);
        counters.written++;
        release({ ...v, evidence: { uri: w.uri, manifestSha256: w.manifestSha256 } });
      } catch (e) {
        counters.failed++;
        release(v, { text: `evidence not written: ${errorMessage(e)}`, kind: 'failed' });
      } finally {
        running--;
        slotFreed?.();
      }
    });
    return true;
  };

  const liveClipOf = (v: ViolationEvent): { frames: RingFrame[]; fps: number } => {
    const fps = Math.max(1, Math.min(15, Math.round(1000 / spacingMs)));
    return { frames: clipFrames(ring, v.atMs - clipBeforeMs, v.atMs + clipAfterMs, fps), fps };
  };

  const drain = (): ViolationEvent[] => released.splice(0, released.length);

  return {
    name: 'evidence',
    hold(v) {
      if (whenFull === 'drop' && waiting.length + running >= maxPending) {
        counters.dropped++;
        release(v, { text: `evidence dropped: ${waiting.length + running} violations already waiting (limit ${maxPending})`, kind: 'dropped' });
        return true;
      }
      waiting.push(v);
      return true;
    },
    async step(r: FrameResult) {
      sourceSize = r.frame.sourceSize;
      const newest = ring.newestMs;
      // A live source that restarted may step back in time: start a new ring.
      if (newest !== undefined && r.frame.capturedAtMs < newest) ring = new FrameRing<RingFrame>({ keepMs });
      if (ring.newestMs === undefined || r.frame.capturedAtMs - ring.newestMs >= spacingMs) ring.push(ringFrame(r));
      for (let i = 0; i < waiting.length; ) {
        const v = waiting[i]!;
        if (r.frame.capturedAtMs >= v.atMs + waitMs && start(v, false)) waiting.splice(i, 1);
        else i++;
      }
      while (whenFull === 'wait' && running >= maxPending) await new Promise<void>((resolve) => (slotFreed = resolve));
      slotFreed = undefined;
      return drain();
    },
    async finish() {
      for (const v of waiting.splice(0, waiting.length)) {
        if (!start(v, true)) release(v, { text: 'evidence not written: no frame kept for it', kind: 'failed' });
      }
      await chain;
      return drain();
    },
    stats: () => ({ ...counters, pending: waiting.length + running, ringFrames: ring.size }),
  };
}

/** A copy of the frame (the annotator draws on the original afterwards) with the track boxes. */
function ringFrame(r: FrameResult): RingFrame {
  const boxes = new Map<TrackId, Box>();
  for (const t of r.tracks) boxes.set(t.id, t.box);
  const f = r.frame;
  return { rgb: Uint8Array.from(f.rgb), width: f.size.width, height: f.size.height, capturedAtMs: f.capturedAtMs, ptsSec: f.ptsSec, boxes };
}

/** End of stream: the stills nearest the wanted times, whatever the ring still holds. */
function nearestStills(ring: FrameRing<RingFrame>, atMs: number, approachMs: number, afterMs: number): EvidenceJob['stills'] | undefined {
  const approach = ring.nearest(atMs - approachMs);
  const moment = ring.nearest(atMs);
  const after = ring.nearest(atMs + afterMs);
  return approach && moment && after ? { approach, moment, after } : undefined;
}
