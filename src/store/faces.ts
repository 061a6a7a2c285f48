/**
 * The faces part of the Store port: faces seen on the cameras (their own table, never the events list), the face
 * watch lists with the persons enrolled on them, and the operators' decisions on face matches. Faces are sensitive
 * personal data (Decree 13/2023/ND-CP): what reads them is decided in the server (permission `faces.view`), what is
 * kept and for how long here (`pruneFaces`: a face that matched nothing is kept for less time than one that matched).
 */
import type { Box } from '../core/box.js';

export interface FaceRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly trackId: number | null;
  readonly box: Box | null;
  /** 0–1 (size, sharpness, pose, detector score). */
  readonly quality: number;
  readonly model: string;
  /** L2-normalised. */
  readonly embedding: Float32Array;
  /** The aligned face crop under the faces root (`YYYY-MM-DD/<name>.jpg`), or null. */
  readonly cropRef: string | null;
  /** It matched a face watch-list person when it was seen (kept for the matched retention). */
  readonly matched: boolean;
}

export interface FaceListRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Cosine similarity at or above which a face matches a person of this list. */
  readonly threshold: number;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly createdAtMs: number;
}

/** A person enrolled on a face watch list, with why and on what legal basis, until when. */
export interface FacePersonRecord {
  readonly id: string;
  readonly listId: string;
  readonly name: string;
  readonly reason: string;
  readonly legalBasis: string;
  readonly note: string;
  readonly expiresAtMs: number;
  /** The actor who enrolled them. */
  readonly createdBy: string;
  readonly createdAtMs: number;
}

/** One photo's embedding of an enrolled person. */
export interface FaceEnrolmentRecord {
  readonly id: string;
  readonly personId: string;
  readonly model: string;
  readonly embedding: Float32Array;
  readonly quality: number;
  /** The aligned face of the photo under the faces root, or null. */
  readonly photoRef: string | null;
  readonly createdAtMs: number;
}

export type FaceDecision = 'confirmed' | 'rejected';

export interface FaceDecisionRecord {
  readonly alertId: string;
  readonly decision: FaceDecision;
  readonly note: string;
  readonly decidedBy: string;
  readonly decidedAtMs: number;
}

export interface FaceFilter {
  readonly fromMs?: number;
  readonly toMs?: number;
  /** null: every camera. */
  readonly cameraIds?: readonly string[] | null;
  readonly model?: string;
  /** Keyset: faces after this (atMs, id), in ascending order. */
  readonly after?: { readonly atMs: number; readonly id: string };
  readonly limit: number;
}

export interface FaceStore {
  /** Faces in ascending (atMs, id) order. */
  listFaces(f: FaceFilter): Promise<FaceRecord[]>;
  getFaces(ids: readonly string[]): Promise<FaceRecord[]>;
  /**
   * Deletes faces older than `unmatchedBeforeMs` that matched nothing and those older than `matchedBeforeMs`; returns
   * the crop refs of the deleted rows (the caller removes the files).
   */
  pruneFaces(unmatchedBeforeMs: number, matchedBeforeMs: number): Promise<string[]>;

  /** Fails with `conflict` on a name another list has. */
  upsertFaceList(l: FaceListRecord): Promise<void>;
  getFaceList(id: string): Promise<FaceListRecord | null>;
  listFaceLists(): Promise<FaceListRecord[]>;
  /** Removes the list with its persons and their enrolments. */
  deleteFaceList(id: string): Promise<boolean>;

  /** A person with their photos' embeddings, in one transaction; `not_found` for an unknown list. */
  addFacePerson(p: FacePersonRecord, enrolments: readonly FaceEnrolmentRecord[]): Promise<void>;
  getFacePerson(id: string): Promise<FacePersonRecord | null>;
  /** By name. */
  listFacePersons(listId: string): Promise<FacePersonRecord[]>;
  listFaceEnrolments(personId: string): Promise<FaceEnrolmentRecord[]>;
  /** Removes the person and their enrolments. */
  deleteFacePerson(id: string): Promise<boolean>;
  /** Every enrolment of a person not expired at `nowMs`, with the person. */
  activeFaceEnrolments(nowMs: number): Promise<Array<{ person: FacePersonRecord; enrolment: FaceEnrolmentRecord }>>;

  /** Taken once: a second decision on the same alert returns null and changes nothing. */
  decideFaceMatch(d: FaceDecisionRecord): Promise<FaceDecisionRecord | null>;
  getFaceDecisions(alertIds: readonly string[]): Promise<FaceDecisionRecord[]>;
}
