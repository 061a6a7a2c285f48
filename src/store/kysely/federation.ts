/** The federation outbox (filled by writeBatch) and the small settings rows of argus_meta (the publisher's cursor). */
import type { EventRecord, FedCameraRecord, OutboxItem } from '../types.js';
import { fromJson, num, type StoreContext } from './context.js';

export async function readOutbox(ctx: StoreContext, afterSeq: number, limit: number): Promise<OutboxItem[]> {
  const rows = await ctx.db
    .selectFrom('fed_outbox as o')
    // A left join: an event removed since (retention) leaves its place in the order, read as null and skipped, not a gap.
    .leftJoin('events as e', 'e.id', 'o.event_id')
    .select(['o.seq', 'o.event_id', 'e.id', 'e.camera_id', 'e.at_ms', 'e.kind', 'e.payload'])
    .where('o.seq', '>', afterSeq)
    .orderBy('o.seq')
    .limit(Math.max(1, Math.min(limit, 10_000)))
    .execute();
  return rows.map((r) => {
    const event: EventRecord | null = r.id === null || r.camera_id === null || r.at_ms === null || r.kind === null || r.payload === null
      ? null
      : { id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), kind: r.kind, payload: fromJson(r.payload) };
    return { seq: num(r.seq), eventId: r.event_id, event };
  });
}

export async function pruneOutbox(ctx: StoreContext, uptoSeq: number): Promise<number> {
  const r = await ctx.db.deleteFrom('fed_outbox').where('seq', '<=', uptoSeq).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function getMeta(ctx: StoreContext, key: string): Promise<string | null> {
  const r = await ctx.db.selectFrom('argus_meta').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value ?? null;
}

export async function putMeta(ctx: StoreContext, key: string, value: string): Promise<void> {
  await ctx.db.insertInto('argus_meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

export async function upsertFedCamera(ctx: StoreContext, r: FedCameraRecord): Promise<void> {
  const row = { camera_id: r.cameraId, district_id: r.districtId, district_name: r.districtName, updated_at_ms: r.updatedAtMs };
  await ctx.db.insertInto('fed_cameras').values(row)
    .onConflict((oc) => oc.column('camera_id').doUpdateSet({ district_id: row.district_id, district_name: row.district_name, updated_at_ms: row.updated_at_ms }))
    .execute();
}

export async function listFedCameras(ctx: StoreContext): Promise<FedCameraRecord[]> {
  const rows = await ctx.db.selectFrom('fed_cameras').selectAll().orderBy('camera_id').execute();
  return rows.map((r) => ({ cameraId: r.camera_id, districtId: r.district_id, districtName: r.district_name, updatedAtMs: num(r.updated_at_ms) }));
}
