/**
 * Faces (issue #24): face watch lists and the persons enrolled on them, the face matches with the operator's
 * decision, and person search by face with its route. Faces are sensitive personal data: every route needs a face
 * permission and every look is audited (src/server/routes/faces.ts). No embedding ever leaves the service.
 */
import { z } from 'zod';
import { latLng, listOf, severity } from './common.js';
import { traceRoute } from './plates.js';

/** What a list's threshold means: the share of comparisons of two different people that would reach it. */
export const falseMatchRate = z.strictObject({
  /** Measured false-match rate at the threshold (impostor pairs of the model's evaluation). */
  far: z.number(),
  /** "About 1 false match per N faces compared" (null: too rare to have been measured). */
  oneIn: z.number().nullable(),
  /** Where it was measured. */
  measuredOn: z.string(),
});

export const faceList = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  severity,
  threshold: z.number(),
  falseMatch: falseMatchRate,
  persons: z.number(),
  createdAtMs: z.number(),
});
export type FaceList = z.infer<typeof faceList>;
export const faceLists = z.strictObject({ items: z.array(faceList), model: z.string(), suggestedThreshold: z.number() });

/**
 * The measured false-match curve of the service's face model, for a threshold slider that says what it means while it
 * moves (read it with contract/face-far.ts `falseMatchOnCurve`, as the service does for each list).
 */
export const faceFarCurve = z.strictObject({
  model: z.string(),
  /** [cosine threshold, FAR], thresholds ascending; empty when the model was not measured. */
  points: z.array(z.tuple([z.number(), z.number()])),
  impostorPairs: z.number(),
  measuredOn: z.string(),
  suggested: z.number(),
});
export type FaceFarCurve = z.infer<typeof faceFarCurve>;

export const facePerson = z.strictObject({
  id: z.string(),
  listId: z.string(),
  name: z.string(),
  reason: z.string(),
  legalBasis: z.string(),
  note: z.string(),
  expiresAtMs: z.number(),
  /** Who enrolled: the user id (audit's actor) and the user name, as people read it. */
  createdBy: z.string(),
  createdByName: z.string(),
  createdAtMs: z.number(),
  /** URLs of the aligned faces of the enrolment photos (audited). */
  photos: z.array(z.strictObject({ id: z.string(), url: z.string().nullable(), quality: z.number() })),
});
export type FacePerson = z.infer<typeof facePerson>;
export const faceListDetail = faceList.extend({ entries: z.array(facePerson) });
export type FaceListDetail = z.infer<typeof faceListDetail>;

/** A face seen on a camera, as search and matches show it (never its embedding). */
export const faceSighting = z.strictObject({
  id: z.string(),
  cameraId: z.string(),
  cameraName: z.string().nullable(),
  location: latLng.nullable(),
  atMs: z.number(),
  trackId: z.number().nullable(),
  quality: z.number(),
  cropUrl: z.string().nullable(),
});
export type FaceSighting = z.infer<typeof faceSighting>;

export const faceDecision = z.strictObject({
  decision: z.enum(['confirmed', 'rejected']),
  note: z.string(),
  /** Who decided: the user id (audit's actor) and the user name, as people read it. */
  decidedBy: z.string(),
  decidedByName: z.string(),
  decidedAtMs: z.number(),
});
export type FaceDecision = z.infer<typeof faceDecision>;

/** A face watch-list match: both faces side by side, the score against the list's threshold, the decision. */
export const faceMatch = z.strictObject({
  alertId: z.string(),
  atMs: z.number(),
  cameraId: z.string(),
  score: z.number(),
  threshold: z.number(),
  person: facePerson.nullable(),
  listName: z.string(),
  /** The enrolment photo that matched. */
  enrolledUrl: z.string().nullable(),
  seen: faceSighting.nullable(),
  decision: faceDecision.nullable(),
});
export type FaceMatch = z.infer<typeof faceMatch>;
export const faceMatches = listOf(faceMatch);

export const faceSearchHit = faceSighting.extend({ score: z.number() });
export type FaceSearchHit = z.infer<typeof faceSearchHit>;
export const faceSearch = z.strictObject({
  model: z.string(),
  /** Best first. */
  items: z.array(faceSearchHit),
  /** The hits at or above `minScore`, in time order, through the cameras (as plate trace). */
  route: traceRoute,
  /** The probe: the face found in the photo, or the face picked. */
  probe: z.strictObject({ quality: z.number(), faceId: z.string().nullable() }),
});
export type FaceSearch = z.infer<typeof faceSearch>;
