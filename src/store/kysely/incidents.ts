/** Field incidents and their photos, the same SQL on both dialects. */
import type { IncidentRecord } from '../store.js';
import { fromJson, num, toJson, type StoreContext } from './context.js';
import type { IncidentTable } from './schema.js';

type Photos = IncidentRecord['photos'];

const incidentOf = (r: IncidentTable, photos: Photos): IncidentRecord => ({
  id: r.id, type: r.type, description: r.description, location: { lat: num(r.lat), lng: num(r.lng) }, atMs: num(r.at_ms), district: r.district,
  reportedBy: r.reported_by, cameraIds: fromJson<string[]>(r.camera_ids), eventIds: fromJson<string[]>(r.event_ids),
  status: r.status as IncidentRecord['status'], createdAtMs: num(r.created_at_ms), updatedAtMs: num(r.updated_at_ms), photos,
});

async function photosOf(ctx: StoreContext, ids: readonly string[]): Promise<Map<string, Photos>> {
  const out = new Map<string, Array<Photos[number]>>();
  if (ids.length === 0) return out;
  const rows = await ctx.db.selectFrom('incident_photos').select(['incident_id', 'n', 'sha256', 'bytes']).where('incident_id', 'in', [...ids]).orderBy('n').execute();
  for (const r of rows) out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), { n: num(r.n), sha256: r.sha256, bytes: num(r.bytes) }]);
  return out;
}

export async function insertIncident(ctx: StoreContext, i: Omit<IncidentRecord, 'photos'>, photos: ReadonlyArray<{ sha256: string; content: Uint8Array }>): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('incidents').values({
      id: i.id, type: i.type, description: i.description, lat: i.location.lat, lng: i.location.lng, at_ms: i.atMs, district: i.district,
      reported_by: i.reportedBy, camera_ids: toJson([...i.cameraIds]), event_ids: toJson([...i.eventIds]), status: i.status,
      created_at_ms: i.createdAtMs, updated_at_ms: i.updatedAtMs,
    }).execute();
    for (const [n, p] of photos.entries()) {
      await trx.insertInto('incident_photos').values({ incident_id: i.id, n, sha256: p.sha256, bytes: p.content.byteLength, content: Buffer.from(p.content.buffer, p.content.byteOffset, p.content.byteLength) }).execute();
    }
  });
}

export async function listIncidents(ctx: StoreContext, f: { fromMs?: number; toMs?: number; limit: number }): Promise<IncidentRecord[]> {
  let q = ctx.db.selectFrom('incidents').selectAll().orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(f.limit);
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  const rows = await q.execute();
  const photos = await photosOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => incidentOf(r, photos.get(r.id) ?? []));
}

export async function getIncident(ctx: StoreContext, id: string): Promise<IncidentRecord | null> {
  const r = await ctx.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? incidentOf(r, (await photosOf(ctx, [id])).get(id) ?? []) : null;
}

export async function updateIncident(ctx: StoreContext, id: string, patch: { cameraIds?: readonly string[]; eventIds?: readonly string[]; status?: 'open' | 'closed' }, atMs: number): Promise<IncidentRecord | null> {
  await ctx.db.updateTable('incidents').set({
    updated_at_ms: atMs,
    ...(patch.cameraIds ? { camera_ids: toJson([...patch.cameraIds]) } : {}),
    ...(patch.eventIds ? { event_ids: toJson([...patch.eventIds]) } : {}),
    ...(patch.status ? { status: patch.status } : {}),
  }).where('id', '=', id).execute();
  return getIncident(ctx, id);
}

export async function getIncidentPhoto(ctx: StoreContext, id: string, n: number): Promise<{ sha256: string; content: Uint8Array } | null> {
  const r = await ctx.db.selectFrom('incident_photos').select(['sha256', 'content']).where('incident_id', '=', id).where('n', '=', n).executeTakeFirst();
  return r ? { sha256: r.sha256, content: new Uint8Array(r.content) } : null;
}
