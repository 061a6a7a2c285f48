/**
 * Faces (issue #24): face watch lists and enrolment from photos (faces.enrol), the matches with both faces and the
 * operator's decision (faces.view), person search by photo or by a face seen (faces.search), and the face images.
 * Faces are sensitive personal data (Decree 13/2023/ND-CP): every route needs a face permission, every image served
 * and every search is audited, an enrolment names its reason, legal basis and expiry, and no embedding is ever served.
 */
import { z } from 'zod';
import { content, ok } from '../../contract/common.js';
import { faceFarCurve, faceList, faceListDetail, faceLists, faceMatch, faceMatches, faceSearch, type FacePerson, type FaceSighting } from '../../contract/faces.js';
import { ulid } from '../../core/ids.js';
import type { AlertRecord, FaceListRecord, FacePersonRecord, FaceRecord } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { falseMatchAt, farCurveOf } from '../face-calibration.js';
import { HttpError, notFound } from '../http.js';
import { LookThrottle } from '../look-throttle.js';
import { can } from '../rbac.js';
import { camerasQuery, idParams, idText, reason, severity, timeQuery } from '../schemas.js';
import { assertCameraVisible, scopedCameraIds } from '../scope.js';
import { routeOf } from './plates.js';
import { cropFromBlobs } from './sightings.js';

const MAX_PHOTOS = 5;
const MAX_PHOTO_BYTES = 4 * 1024 * 1024;
const photoB64 = z.string().min(16).max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, `a photo is at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
const BODY_LIMIT = Math.ceil((MAX_PHOTOS * MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024;
const DAY = 86_400_000;
/** An enrolment lasts at most a year; it is renewed by enrolling again, with a reason again. */
const MAX_ENROL_MS = 365 * DAY;

const threshold = z.number().min(0.05).max(0.99);
const listBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  severity: severity.default('critical'),
  threshold: threshold.optional().describe('Cosine similarity for a match (default: the model\'s suggested one, false-match rate about 1e-3)'),
});
const personBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  reason: reason.describe('Why this person is watched for'),
  legalBasis: z.string().trim().min(3, 'name the legal basis (a decision, a warrant)').max(500),
  note: z.string().max(2000).default(''),
  expiresAtMs: z.number().int().min(0).describe('Until when (at most a year ahead)'),
  photos: z.array(photoB64).min(1).max(MAX_PHOTOS).describe('JPEG or PNG photos, base64: each must show one face'),
});
const decisionBody = z.strictObject({ decision: z.enum(['confirmed', 'rejected']), note: z.string().trim().max(2000).default('') });
const matchesQuery = z.strictObject({ ...timeQuery, cameras: camerasQuery, limit: z.coerce.number().int().min(1).max(200).default(50) });
const searchBody = z.strictObject({
  photo: photoB64.optional().describe('A photo of the person (JPEG or PNG, base64)'),
  faceId: idText.optional().describe('Or a face already seen on a camera'),
  reason: reason.describe('Why you search (audited)'),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  cameras: z.array(idText).max(500).optional(),
  minScore: z.number().min(-1).max(1).optional().describe('Default: the suggested threshold of the model'),
  limit: z.number().int().min(1).max(200).default(50),
});
const photoParams = z.strictObject({ id: idText, enrolmentId: idText });

const decodePhoto = (b64: string, n: number): Uint8Array => {
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!jpeg && !png) throw new HttpError(400, 'invalid_request', `photo ${n + 1}: not a JPEG or PNG`);
  if (bytes.length > MAX_PHOTO_BYTES) throw new HttpError(400, 'invalid_request', `photo ${n + 1}: larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  return bytes;
};

export function faceRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  const faces = ctx.faces;
  const looks = new LookThrottle(60_000);

  const listView = async (l: FaceListRecord) => ({
    ...l, falseMatch: falseMatchAt(faces.model, l.threshold), persons: (await store.listFacePersons(l.id)).length,
  });
  /** A user's name for an actor (a user id; an API key's actor as it is; a user since deleted: the id). */
  const nameOf = async (actor: string): Promise<string> => (actor.startsWith('apikey:') ? actor : (await store.getUser(actor))?.username ?? actor);
  const personView = async (p: FacePersonRecord): Promise<FacePerson> => ({
    ...p, createdByName: await nameOf(p.createdBy),
    photos: (await store.listFaceEnrolments(p.id)).map((e) => ({ id: e.id, url: e.photoRef ? `/api/face-persons/${p.id}/photos/${e.id}` : null, quality: Math.round(e.quality * 1000) / 1000 })),
  });
  const cameraInfo = async () => new Map((await store.listCameras()).map((c) => [c.id, c]));
  const sighting = (f: FaceRecord, cams: Awaited<ReturnType<typeof cameraInfo>>): FaceSighting => ({
    id: f.id, cameraId: f.cameraId, cameraName: cams.get(f.cameraId)?.name ?? null, location: cams.get(f.cameraId)?.location ?? null, atMs: f.atMs,
    trackId: f.trackId, quality: Math.round(f.quality * 1000) / 1000, cropUrl: f.cropRef ? `/api/faces/${f.id}/image` : null,
  });
  const changed = () => ctx.ingest.invalidateFaceLists();

  r.add({ method: 'GET', url: '/api/face-lists', tag: 'faces', permission: 'faces.view', summary: 'Face watch lists, with what each threshold means', response: faceLists,
    handler: async () => ({
      items: await Promise.all((await store.listFaceLists()).map(listView)), model: faces.model, suggestedThreshold: farCurveOf(faces.model)?.suggested ?? 0.5,
    }) });
  r.add({
    method: 'GET', url: '/api/faces/far-curve', tag: 'faces', permission: 'faces.view', response: faceFarCurve,
    summary: 'The measured false-match curve of the face model (what a threshold means, for the list form\'s slider)',
    handler: async () => {
      const c = farCurveOf(faces.model);
      return {
        model: faces.model, points: (c?.points ?? []).map(([t, f]) => [t, f] as [number, number]), impostorPairs: c?.impostorPairs ?? 1,
        measuredOn: c?.measuredOn ?? `not measured for ${faces.model}`, suggested: c?.suggested ?? 0.5,
      };
    },
  });
  r.add({
    method: 'POST', url: '/api/face-lists', tag: 'faces', permission: 'faces.enrol', summary: 'Create a face watch list (audited)', body: listBody, response: faceList,
    handler: async ({ req, principal, body }) => {
      const list: FaceListRecord = {
        id: ulid(), name: body.name, description: body.description, severity: body.severity,
        threshold: body.threshold ?? farCurveOf(faces.model)?.suggested ?? 0.5, createdAtMs: Date.now(),
      };
      await store.upsertFaceList(list);
      changed();
      await ctx.audit(req, principal, 'facelist.create', list.id, { name: list.name, threshold: list.threshold });
      return listView(list);
    },
  });
  r.add({
    method: 'GET', url: '/api/face-lists/:id', tag: 'faces', permission: 'faces.view', summary: 'A face watch list with its persons (audited)', params: idParams, response: faceListDetail,
    handler: async ({ req, principal, params }) => {
      const list = await store.getFaceList(params.id);
      if (!list) throw notFound('face list');
      const entries = await Promise.all((await store.listFacePersons(list.id)).map(personView));
      await ctx.audit(req, principal, 'facelist.view', list.id, { persons: entries.length });
      return { ...(await listView(list)), entries };
    },
  });
  r.add({
    method: 'PATCH', url: '/api/face-lists/:id', tag: 'faces', permission: 'faces.enrol', summary: 'Edit a face watch list (audited)', params: idParams, body: listBody.partial(), response: faceList,
    handler: async ({ req, principal, params, body }) => {
      const list = await store.getFaceList(params.id);
      if (!list) throw notFound('face list');
      const next: FaceListRecord = { ...list, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
      await store.upsertFaceList(next);
      changed();
      await ctx.audit(req, principal, 'facelist.edit', list.id, { fields: Object.keys(body), threshold: next.threshold });
      return listView(next);
    },
  });
  r.add({
    method: 'DELETE', url: '/api/face-lists/:id', tag: 'faces', permission: 'faces.enrol', summary: 'Delete a face watch list with its persons (audited)', params: idParams, response: ok,
    handler: async ({ req, principal, params }) => {
      if (!(await store.deleteFaceList(params.id))) throw notFound('face list');
      changed();
      await ctx.audit(req, principal, 'facelist.delete', params.id, {});
      return { ok: true };
    },
  });
  r.add({
    method: 'POST', url: '/api/face-lists/:id/persons', tag: 'faces', permission: 'faces.enrol', params: idParams, body: personBody, bodyLimit: BODY_LIMIT,
    summary: 'Enrol a person from photos, with the reason, the legal basis and an expiry (audited); every photo must show a face',
    response: faceListDetail.shape.entries.element,
    handler: async ({ req, principal, params, body }) => {
      const list = await store.getFaceList(params.id);
      if (!list) throw notFound('face list');
      const now = Date.now();
      if (body.expiresAtMs <= now) throw new HttpError(400, 'invalid_request', 'expiresAtMs: the expiry is in the past');
      if (body.expiresAtMs > now + MAX_ENROL_MS) throw new HttpError(400, 'invalid_request', 'expiresAtMs: an enrolment lasts at most a year');
      const engine = await faces.engine();
      const person: FacePersonRecord = {
        id: ulid(now), listId: list.id, name: body.name, reason: body.reason, legalBasis: body.legalBasis, note: body.note, expiresAtMs: body.expiresAtMs,
        createdBy: principal!.actor, createdAtMs: now,
      };
      const enrolments = [];
      for (const [n, b64] of body.photos.entries()) {
        const found = await engine.photo(decodePhoto(b64, n));
        if (!found) throw new HttpError(400, 'invalid_request', `photo ${n + 1}: no face found (a clear, frontal face is needed)`);
        const id = ulid(now);
        enrolments.push({ id, personId: person.id, model: engine.model, embedding: found.embedding, quality: found.quality, photoRef: await faces.keepEnrolmentFace(id, now, found.alignedJpeg), createdAtMs: now });
      }
      await store.addFacePerson(person, enrolments);
      changed();
      await ctx.audit(req, principal, 'face.enrol', person.id, { listId: list.id, name: person.name, reason: person.reason, legalBasis: person.legalBasis, expiresAtMs: person.expiresAtMs, photos: enrolments.length });
      return personView(person);
    },
  });
  r.add({
    method: 'DELETE', url: '/api/face-persons/:id', tag: 'faces', permission: 'faces.enrol', summary: 'Remove a person from their face watch list (audited)', params: idParams, response: ok,
    handler: async ({ req, principal, params }) => {
      const p = await store.getFacePerson(params.id);
      if (!p || !(await store.deleteFacePerson(p.id))) throw notFound('person');
      changed();
      await ctx.audit(req, principal, 'face.unenrol', p.id, { listId: p.listId, name: p.name });
      return { ok: true };
    },
  });
  r.add({
    method: 'GET', url: '/api/face-persons/:id/photos/:enrolmentId', tag: 'faces', permission: 'faces.view', summary: 'An enrolment photo\'s aligned face, JPEG (audited)', params: photoParams,
    response: content('image/jpeg', 'The aligned face'),
    handler: async ({ req, reply, principal, params }) => {
      const e = (await store.listFaceEnrolments(params.id)).find((x) => x.id === params.enrolmentId);
      const jpeg = e?.photoRef ? await faces.read(e.photoRef) : null;
      if (!jpeg) throw notFound('photo');
      await looks.cover(`${principal!.actor}|${e!.id}`, () => ctx.audit(req, principal, 'face.view', params.id, { what: 'enrolment-photo', enrolmentId: e!.id }));
      return reply.type('image/jpeg').send(jpeg);
    },
  });
  r.add({
    method: 'GET', url: '/api/faces/:id/image', tag: 'faces', permission: 'faces.view', summary: 'A face seen on a camera, JPEG (audited)', params: idParams,
    response: content('image/jpeg', 'The aligned face'),
    handler: async ({ req, reply, principal, params }) => {
      const [f] = await store.getFaces([params.id]);
      if (!f) throw notFound('face');
      await assertCameraVisible(store, principal!, f.cameraId);
      // Scaled mode: a face another replica stored comes from the crops object store (checked against its name).
      const jpeg = f.cropRef ? ((await faces.read(f.cropRef)) ?? (faces.root ? await cropFromBlobs(ctx, faces.root, f) : null)) : null;
      if (!jpeg) throw notFound('face image');
      await looks.cover(`${principal!.actor}|${f.id}`, () => ctx.audit(req, principal, 'face.view', f.cameraId, { what: 'face', faceId: f.id }));
      return reply.type('image/jpeg').send(jpeg);
    },
  });

  const matchOf = async (a: AlertRecord, cams: Awaited<ReturnType<typeof cameraInfo>>): Promise<z.infer<typeof faceMatch>> => {
    const p = (a.payload ?? {}) as Record<string, unknown>;
    const str = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
    const person = await store.getFacePerson(str('personId'));
    const [seen] = await store.getFaces([str('faceId')]);
    const [decision] = await store.getFaceDecisions([a.id]);
    const enrolment = person ? (await store.listFaceEnrolments(person.id)).find((e) => e.id === str('enrolmentId')) : undefined;
    return {
      alertId: a.id, atMs: a.atMs, cameraId: a.cameraId ?? '', score: Number(p['score'] ?? 0), threshold: Number(p['threshold'] ?? 0),
      person: person ? await personView(person) : null, listName: str('listName'),
      enrolledUrl: person && enrolment?.photoRef ? `/api/face-persons/${person.id}/photos/${enrolment.id}` : null,
      seen: seen ? sighting(seen, cams) : null,
      decision: decision ? { decision: decision.decision, note: decision.note, decidedBy: decision.decidedBy, decidedByName: await nameOf(decision.decidedBy), decidedAtMs: decision.decidedAtMs } : null,
    };
  };
  r.add({
    method: 'GET', url: '/api/face-matches', tag: 'faces', permission: 'faces.view', query: matchesQuery, response: faceMatches,
    summary: 'Face watch-list matches in your area, newest first, with both faces and the decision (audited)',
    handler: async ({ req, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const page = await store.listAlerts({ fromMs: query.from, toMs: query.to, limit: query.limit, cameraIds, kinds: ['face_match'] });
      const cams = await cameraInfo();
      const items = await Promise.all(page.items.map((a) => matchOf(a, cams)));
      await ctx.audit(req, principal, 'face.view', null, { via: 'face-matches', rows: items.length });
      return { items };
    },
  });
  r.add({
    method: 'POST', url: '/api/face-matches/:id/decision', tag: 'faces', permission: 'faces.view', params: idParams, body: decisionBody, response: faceMatch,
    summary: 'Confirm or reject a face match, once (needs alerts.ack too; audited; the alert is acknowledged)',
    handler: async ({ req, principal, params, body }) => {
      if (!can(principal!, 'alerts.ack')) throw new HttpError(403, 'forbidden', 'your role may not do this (needs alerts.ack)');
      const a = await store.getAlert(params.id);
      if (!a || a.kind !== 'face_match') throw notFound('face match');
      await assertCameraVisible(store, principal!, a.cameraId);
      const now = Date.now();
      const stored = await store.decideFaceMatch({ alertId: a.id, decision: body.decision, note: body.note, decidedBy: principal!.actor, decidedAtMs: now });
      if (!stored) throw new HttpError(409, 'conflict', 'this match was already decided');
      if (a.acknowledgedAtMs === null) await store.acknowledgeAlert(a.id, principal!.actor, now);
      await ctx.audit(req, principal, 'face.decide', a.id, { decision: body.decision, note: body.note, personId: (a.payload as Record<string, unknown> | null)?.['personId'] as string | undefined });
      return matchOf((await store.getAlert(a.id))!, await cameraInfo());
    },
  });

  r.add({
    method: 'POST', url: '/api/faces/search', tag: 'faces', permission: 'faces.search', body: searchBody, bodyLimit: Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024, response: faceSearch,
    summary: 'Person search: the faces most like a photo or a face seen, across the cameras of your area, with the route (audited, with the reason)',
    handler: async ({ req, principal, body }) => {
      if ((body.photo === undefined) === (body.faceId === undefined)) throw new HttpError(400, 'invalid_request', 'give a photo or a faceId (one of them)');
      let probe: { embedding: ArrayLike<number>; quality: number; faceId: string | null };
      if (body.faceId !== undefined) {
        const [f] = await store.getFaces([body.faceId]);
        if (!f) throw notFound('face');
        await assertCameraVisible(store, principal!, f.cameraId);
        if (f.model !== faces.model) throw new HttpError(400, 'invalid_request', `face ${f.id} was embedded by ${f.model}, the search uses ${faces.model}`);
        probe = { embedding: f.embedding, quality: f.quality, faceId: f.id };
      } else {
        const found = await (await faces.engine()).photo(decodePhoto(body.photo!, 0));
        if (!found) throw new HttpError(400, 'invalid_request', 'photo: no face found (a clear, frontal face is needed)');
        probe = { embedding: found.embedding, quality: found.quality, faceId: null };
      }
      const cameraIds = (await scopedCameraIds(store, principal!, body.cameras)) ?? null;
      const minScore = body.minScore ?? farCurveOf(faces.model)?.suggested ?? 0.5;
      const hits = (await faces.index.search(probe.embedding, body.limit, { fromMs: body.from, toMs: body.to, cameraIds, minScore }))
        .filter((h) => h.face.id !== probe.faceId);
      const cams = await cameraInfo();
      const items = hits.map((h) => ({ ...sighting(h.face, cams), score: Math.round(h.score * 10_000) / 10_000 }));
      const timeline = [...items].sort((a, b) => a.atMs - b.atMs);
      await ctx.audit(req, principal, 'faces.search', probe.faceId, { reason: body.reason, by: body.photo !== undefined ? 'photo' : 'face', hits: items.length, cameras: body.cameras, from: body.from, to: body.to, minScore });
      return { model: faces.model, items, route: routeOf(timeline, cams), probe: { quality: Math.round(probe.quality * 1000) / 1000, faceId: probe.faceId } };
    },
  });
}
