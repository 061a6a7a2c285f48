/**
 * The tracker choice of a camera (`analysis.tracker`), one schema per kind of the tracker registry
 * (src/tracking/registry.ts, checked by its `satisfies`). Options left out take the tracker's defaults for the
 * default detector (src/pipeline/settings.ts).
 */
import { z } from 'zod';

const score = z.number().min(0).max(1);
const lostBufferSec = z.number().positive().max(60).optional().describe('How long a lost track is kept for re-identification (s)');

export const byteTrackSchema = z
  .strictObject({
    kind: z.literal('bytetrack').default('bytetrack').describe('ByteTrack: Kalman prediction, two associations (high then low scores)'),
    highScore: score.optional().describe('Detections at or above this take part in the first association'),
    newTrackScore: score.optional().describe('Score an unmatched detection needs to start a track'),
    slowStartScore: score
      .optional()
      .describe('Below newTrackScore, the score from which a detection starts a track that is reported only once it has moved over several frames (equal to newTrackScore: off)'),
    lostBufferSec,
  })
  .describe('ByteTrack (the default)');

export const iouTrackerSchema = z
  .strictObject({
    kind: z.literal('iou').describe('Greedy IoU matching with velocity extrapolation: the cheapest, for low-end boxes'),
    lowScore: score.optional().describe('Detections below this are ignored'),
    newTrackScore: score.optional().describe('Score an unmatched detection needs to start a track'),
    matchIou: z.number().gt(0).max(1).optional().describe("Minimum IoU between a track's extrapolated box and a detection"),
    lostBufferSec,
    minHits: z.number().int().min(1).max(30).optional().describe('Matched frames before a track is reported'),
  })
  .describe('The greedy IoU tracker');

/** One entry per kind of src/tracking/registry.ts. */
export const TRACKER_SCHEMAS = [byteTrackSchema, iouTrackerSchema] as const;

export const trackerSchema = z.discriminatedUnion('kind', TRACKER_SCHEMAS).describe('The tracker (choose by `kind`; default ByteTrack) and its tuning');

export type TrackerConfig = z.infer<typeof trackerSchema>;
export type TrackerKind = TrackerConfig['kind'];
