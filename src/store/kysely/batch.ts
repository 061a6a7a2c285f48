/** The ingest path: one burst of events and what derives from them, in ONE write transaction (see ../ingest-batch.ts). */
import type { IngestBatch, IngestBatchResult } from '../ingest-batch.js';
import { chunks, type StoreContext, writeTransaction } from './context.js';
import { addCountRows, alertRow, checkCounts, checkEvidencePath, eventRow, evidenceRow, violationRow } from './records.js';
import { checkFace, insertFaceRows } from './faces.js';
import { checkSighting, insertSightingRows } from './sightings.js';
import { checkTrackAttributes, insertTrackAttributeRows } from './track-attributes.js';

export async function writeBatch(ctx: StoreContext, b: IngestBatch): Promise<IngestBatchResult> {
  const { events = [], sightings = [], counts = [], violations = [], evidence = [], alerts = [], outbox = [], faces = [], tracks = [] } = b;
  // Check everything before the transaction: a bad row refuses the whole batch and writes nothing.
  sightings.forEach(checkSighting);
  checkCounts(counts);
  evidence.forEach(checkEvidencePath);
  faces.forEach(checkFace);
  tracks.forEach(checkTrackAttributes);
  if (events.length + sightings.length + counts.length + violations.length + evidence.length + alerts.length + faces.length + tracks.length === 0) {
    return { events: 0, sightings: 0, violations: 0, newAlertIds: [] };
  }
  return writeTransaction(ctx, async (trx) => {
    // `returning id` of an insert that ignores conflicts = the ids that were NOT stored before (both dialects).
    const newEvents = new Set<string>();
    for (const part of chunks(events, 5)) {
      for (const r of await trx.insertInto('events').values(part.map(eventRow)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()) newEvents.add(r.id);
    }
    // A retried batch re-sends its line crossings: count only those whose event is new now.
    await addCountRows(trx, counts.filter((c) => newEvents.has(c.eventId)));
    const newSightings = await insertSightingRows(trx, ctx.dialect, sightings);
    let newViolations = 0;
    for (const part of chunks(violations, 9)) {
      newViolations += (await trx.insertInto('violations').values(part.map(violationRow)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()).length;
    }
    for (const part of chunks(evidence, 8)) await trx.insertInto('evidence').values(part.map(evidenceRow)).onConflict((oc) => oc.column('id').doNothing()).execute();
    await insertFaceRows(trx, faces);
    const newAlertIds: string[] = [];
    for (const part of chunks(alerts, 9)) {
      for (const r of await trx.insertInto('alerts').values(part.map(alertRow)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()) newAlertIds.push(r.id);
    }
    await insertTrackAttributeRows(trx, tracks);
    // Federation: the shared events that are new now, in commit order (the publisher reads them by seq after the commit).
    const shared = new Set(outbox);
    const queued = events.filter((e) => shared.has(e.id) && newEvents.has(e.id)).map((e) => ({ event_id: e.id, camera_id: e.cameraId, at_ms: e.atMs }));
    for (const part of chunks(queued, 3)) await trx.insertInto('fed_outbox').values(part).onConflict((oc) => oc.column('event_id').doNothing()).execute();
    return { events: newEvents.size, sightings: newSightings, violations: newViolations, newAlertIds };
  });
}
