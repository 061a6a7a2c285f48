/**
 * A face against the face watch lists: the best of each enrolled person's photos (same embedding model only), a
 * match when it reaches the threshold of the person's list. One alert per person matched, with an id derived from
 * the face and the person (a retried batch raises it once). The enrolments are cached for `ttlMs` and reloaded
 * at once when a list changes (`invalidate`).
 */
import { createHash } from 'node:crypto';
import { cosineSimilarity, recognisable, type FaceSeenEvent } from '../core/face.js';
import type { FaceEnrolmentRecord, FaceListRecord, FacePersonRecord, NewAlert, Store } from '../store/store.js';

export const faceAlertId = (faceId: string, personId: string): string =>
  `fm${createHash('sha256').update(`${faceId}\n${personId}`).digest('hex').slice(0, 30)}`;

interface Loaded {
  readonly entries: ReadonlyArray<{ person: FacePersonRecord; enrolment: FaceEnrolmentRecord }>;
  readonly lists: ReadonlyMap<string, FaceListRecord>;
  readonly atMs: number;
}

export interface FaceMatch {
  readonly person: FacePersonRecord;
  readonly list: FaceListRecord;
  readonly enrolmentId: string;
  readonly score: number;
}

export class FaceMatcher {
  private loaded: Loaded | undefined;
  /** Counts the changes of the lists seen here (what was derived from them before is stale). */
  generation = 0;

  constructor(private readonly store: Pick<Store, 'activeFaceEnrolments' | 'listFaceLists'>, private readonly ttlMs = 10_000) {}

  invalidate(): void {
    this.loaded = undefined;
    this.generation++;
  }

  /** Every person whose best photo reaches their list's threshold, best first. */
  async matches(embedding: ArrayLike<number>, model: string, nowMs = Date.now()): Promise<FaceMatch[]> {
    if (!this.loaded || nowMs - this.loaded.atMs > this.ttlMs) {
      const [entries, lists] = await Promise.all([this.store.activeFaceEnrolments(nowMs), this.store.listFaceLists()]);
      this.loaded = { entries, lists: new Map(lists.map((l) => [l.id, l])), atMs: nowMs };
    }
    const best = new Map<string, FaceMatch>();
    for (const { person, enrolment } of this.loaded.entries) {
      if (enrolment.model !== model || person.expiresAtMs <= nowMs) continue;
      const list = this.loaded.lists.get(person.listId);
      if (!list) continue;
      const score = cosineSimilarity(embedding, enrolment.embedding);
      if (score < list.threshold) continue;
      const prev = best.get(person.id);
      if (!prev || score > prev.score) best.set(person.id, { person, list, enrolmentId: enrolment.id, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  /** The alerts a face raises (written in the batch that stores the face). */
  async alertsOf(e: FaceSeenEvent): Promise<NewAlert[]> {
    if (!recognisable(e.box)) return [];
    return (await this.matches(e.embedding, e.model)).map((m) => ({
      id: faceAlertId(e.id, m.person.id), cameraId: e.cameraId, atMs: e.atMs, kind: 'face_match', severity: m.list.severity,
      message: `${m.person.name}: ${m.list.name} (${Math.round(m.score * 100)} %)`,
      payload: {
        faceId: e.id, personId: m.person.id, personName: m.person.name, listId: m.list.id, listName: m.list.name, enrolmentId: m.enrolmentId,
        score: Math.round(m.score * 10_000) / 10_000, threshold: m.list.threshold, trackId: e.trackId,
      },
    }));
  }
}
