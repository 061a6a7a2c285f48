/** Faces, face watch lists, enrolled persons and match decisions; the same SQL on both dialects. */
import type { Box } from '../../core/box.js';
import { ArgusError } from '../../core/errors.js';
import { embeddingBytes, embeddingOf } from '../../core/face.js';
import type { FaceDecisionRecord, FaceEnrolmentRecord, FaceFilter, FaceListRecord, FacePersonRecord, FaceRecord } from '../faces.js';
import { affected, chunks, fromJson, isForeignKeyViolation, isUniqueViolation, num, numOrNull, toJson, writeTransaction, type StoreContext } from './context.js';
import type { Kysely } from 'kysely';
import type { Database, FaceEnrolmentTable, FacePersonTable, FaceTable } from './schema.js';

const bytesOf = (v: Uint8Array | Buffer): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

const faceOf = (r: FaceTable): FaceRecord => ({
  id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), trackId: numOrNull(r.track_id), box: r.box === null ? null : fromJson<Box>(r.box),
  quality: Number(r.quality), model: r.model, embedding: embeddingOf(bytesOf(r.embedding)), cropRef: r.crop_ref, matched: Number(r.matched) === 1,
});

export const faceRow = (f: FaceRecord): FaceTable => ({
  id: f.id, camera_id: f.cameraId, at_ms: f.atMs, track_id: f.trackId, box: f.box === null ? null : toJson(f.box), quality: f.quality, model: f.model,
  embedding: embeddingBytes(f.embedding), crop_ref: f.cropRef, matched: f.matched ? 1 : 0,
});

const personOf = (r: FacePersonTable): FacePersonRecord => ({
  id: r.id, listId: r.list_id, name: r.name, reason: r.reason, legalBasis: r.legal_basis, note: r.note, expiresAtMs: num(r.expires_at_ms),
  createdBy: r.created_by, createdAtMs: num(r.created_at_ms),
});

const enrolmentOf = (r: FaceEnrolmentTable): FaceEnrolmentRecord => ({
  id: r.id, personId: r.person_id, model: r.model, embedding: embeddingOf(bytesOf(r.embedding)), quality: Number(r.quality), photoRef: r.photo_ref,
  createdAtMs: num(r.created_at_ms),
});

/** Faces of an ingest batch, inside its transaction; a repeated id is ignored. */
export async function insertFaceRows(trx: Kysely<Database>, faces: readonly FaceRecord[]): Promise<number> {
  let n = 0;
  for (const part of chunks(faces, 10)) {
    n += (await trx.insertInto('faces').values(part.map(faceRow)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()).length;
  }
  return n;
}

export function checkFace(f: FaceRecord): void {
  if (f.embedding.length === 0 || f.embedding.some((x) => !Number.isFinite(x))) throw new ArgusError('invalid_argument', `face ${f.id}: the embedding is empty or not finite`);
  if (!(f.quality >= 0 && f.quality <= 1)) throw new ArgusError('invalid_argument', `face ${f.id}: quality ${f.quality} is not in 0…1`);
}

export async function listFaces(ctx: StoreContext, f: FaceFilter): Promise<FaceRecord[]> {
  if (f.cameraIds && f.cameraIds.length === 0) return [];
  let q = ctx.db.selectFrom('faces').selectAll();
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.cameraIds) q = q.where('camera_id', 'in', [...f.cameraIds]);
  if (f.model !== undefined) q = q.where('model', '=', f.model);
  const after = f.after;
  if (after) q = q.where((eb) => eb.or([eb('at_ms', '>', after.atMs), eb.and([eb('at_ms', '=', after.atMs), eb('id', '>', after.id)])]));
  return (await q.orderBy('at_ms').orderBy('id').limit(f.limit).execute()).map(faceOf);
}

export async function getFaces(ctx: StoreContext, ids: readonly string[]): Promise<FaceRecord[]> {
  if (ids.length === 0) return [];
  const out: FaceRecord[] = [];
  for (const part of chunks(ids, 1)) out.push(...(await ctx.db.selectFrom('faces').selectAll().where('id', 'in', part).execute()).map(faceOf));
  return out;
}

export async function pruneFaces(ctx: StoreContext, unmatchedBeforeMs: number, matchedBeforeMs: number): Promise<string[]> {
  return writeTransaction(ctx, async (trx) => {
    const refs: string[] = [];
    const rounds = [
      trx.deleteFrom('faces').where('matched', '=', 0).where('at_ms', '<', unmatchedBeforeMs),
      trx.deleteFrom('faces').where('at_ms', '<', matchedBeforeMs),
    ];
    for (const del of rounds) for (const r of await del.returning('crop_ref').execute()) if (r.crop_ref !== null) refs.push(r.crop_ref);
    return refs;
  });
}

export async function upsertFaceList(ctx: StoreContext, l: FaceListRecord): Promise<void> {
  const row = { id: l.id, name: l.name, description: l.description, threshold: l.threshold, severity: l.severity, created_at_ms: l.createdAtMs };
  try {
    await ctx.db.insertInto('face_lists').values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: l.name, description: l.description, threshold: l.threshold, severity: l.severity })).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `a face list named ${JSON.stringify(l.name)} exists`, { cause: e });
    throw e;
  }
}

const listOf = (r: { id: string; name: string; description: string; threshold: number; severity: string; created_at_ms: number }): FaceListRecord => ({
  id: r.id, name: r.name, description: r.description, threshold: Number(r.threshold), severity: r.severity as FaceListRecord['severity'], createdAtMs: num(r.created_at_ms),
});

export async function getFaceList(ctx: StoreContext, id: string): Promise<FaceListRecord | null> {
  const r = await ctx.db.selectFrom('face_lists').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? listOf(r) : null;
}

export async function listFaceLists(ctx: StoreContext): Promise<FaceListRecord[]> {
  return (await ctx.db.selectFrom('face_lists').selectAll().orderBy('name').orderBy('id').execute()).map(listOf);
}

export async function deleteFaceList(ctx: StoreContext, id: string): Promise<boolean> {
  return writeTransaction(ctx, async (trx) => {
    const persons = trx.selectFrom('face_persons').select('id').where('list_id', '=', id);
    await trx.deleteFrom('face_enrolments').where('person_id', 'in', persons).execute();
    await trx.deleteFrom('face_persons').where('list_id', '=', id).execute();
    return affected(await trx.deleteFrom('face_lists').where('id', '=', id).executeTakeFirst()) > 0;
  });
}

export async function addFacePerson(ctx: StoreContext, p: FacePersonRecord, enrolments: readonly FaceEnrolmentRecord[]): Promise<void> {
  for (const e of enrolments) if (e.personId !== p.id) throw new ArgusError('invalid_argument', `enrolment ${e.id} is not of person ${p.id}`);
  try {
    await writeTransaction(ctx, async (trx) => {
      await trx.insertInto('face_persons').values({
        id: p.id, list_id: p.listId, name: p.name, reason: p.reason, legal_basis: p.legalBasis, note: p.note, expires_at_ms: p.expiresAtMs,
        created_by: p.createdBy, created_at_ms: p.createdAtMs,
      }).execute();
      for (const part of chunks(enrolments, 7)) {
        await trx.insertInto('face_enrolments').values(part.map((e) => ({
          id: e.id, person_id: e.personId, model: e.model, embedding: embeddingBytes(e.embedding), quality: e.quality, photo_ref: e.photoRef, created_at_ms: e.createdAtMs,
        }))).execute();
      }
    });
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('not_found', `face list ${p.listId} not found`, { cause: e });
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `person ${p.id} exists`, { cause: e });
    throw e;
  }
}

export async function getFacePerson(ctx: StoreContext, id: string): Promise<FacePersonRecord | null> {
  const r = await ctx.db.selectFrom('face_persons').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? personOf(r) : null;
}

export async function listFacePersons(ctx: StoreContext, listId: string): Promise<FacePersonRecord[]> {
  return (await ctx.db.selectFrom('face_persons').selectAll().where('list_id', '=', listId).orderBy('name').orderBy('id').execute()).map(personOf);
}

export async function listFaceEnrolments(ctx: StoreContext, personId: string): Promise<FaceEnrolmentRecord[]> {
  return (await ctx.db.selectFrom('face_enrolments').selectAll().where('person_id', '=', personId).orderBy('created_at_ms').orderBy('id').execute()).map(enrolmentOf);
}

export async function deleteFacePerson(ctx: StoreContext, id: string): Promise<boolean> {
  return writeTransaction(ctx, async (trx) => {
    await trx.deleteFrom('face_enrolments').where('person_id', '=', id).execute();
    return affected(await trx.deleteFrom('face_persons').where('id', '=', id).executeTakeFirst()) > 0;
  });
}

export async function activeFaceEnrolments(ctx: StoreContext, nowMs: number): Promise<Array<{ person: FacePersonRecord; enrolment: FaceEnrolmentRecord }>> {
  const persons = (await ctx.db.selectFrom('face_persons').selectAll().where('expires_at_ms', '>', nowMs).execute()).map(personOf);
  if (persons.length === 0) return [];
  const byId = new Map(persons.map((p) => [p.id, p]));
  const out: Array<{ person: FacePersonRecord; enrolment: FaceEnrolmentRecord }> = [];
  for (const part of chunks([...byId.keys()], 1)) {
    for (const r of await ctx.db.selectFrom('face_enrolments').selectAll().where('person_id', 'in', part).orderBy('id').execute()) {
      out.push({ person: byId.get(r.person_id)!, enrolment: enrolmentOf(r) });
    }
  }
  return out;
}

export async function decideFaceMatch(ctx: StoreContext, d: FaceDecisionRecord): Promise<FaceDecisionRecord | null> {
  const stored = await ctx.db.insertInto('face_decisions')
    .values({ alert_id: d.alertId, decision: d.decision, note: d.note, decided_by: d.decidedBy, decided_at_ms: d.decidedAtMs })
    .onConflict((oc) => oc.column('alert_id').doNothing()).returning('alert_id').execute();
  return stored.length === 1 ? d : null;
}

export async function getFaceDecisions(ctx: StoreContext, alertIds: readonly string[]): Promise<FaceDecisionRecord[]> {
  const out: FaceDecisionRecord[] = [];
  for (const part of chunks(alertIds, 1)) {
    for (const r of await ctx.db.selectFrom('face_decisions').selectAll().where('alert_id', 'in', part).execute()) {
      out.push({ alertId: r.alert_id, decision: r.decision as FaceDecisionRecord['decision'], note: r.note, decidedBy: r.decided_by, decidedAtMs: num(r.decided_at_ms) });
    }
  }
  return out;
}
