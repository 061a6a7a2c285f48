/**
 * The runtime's outputs, onto the EventBus: events, camera alerts and health, each a message that can travel. A plate
 * crop goes to the crops blob store and the event carries its reference (key, SHA-256, size); an evidence package
 * (written by the evidence stage into its folder) goes to the evidence blob store file by file and the violation
 * carries `blob:evidence/<package key>` with the manifest's SHA-256, never a path of this machine.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EventBus } from '../../bus/bus.js';
import type { BlobStore } from '../../bus/blobs.js';
import { messageKeys, type CameraAlert, type CameraMessage, type CameraStatus, type Producer } from '../../bus/messages.js';
import { evidenceUri } from '../../core/blob.js';
import { errorMessage } from '../../core/errors.js';
import type { ArgusEvent, TrackAttributesEvent } from '../../core/events.js';
import type { FaceSeenEvent } from '../../core/face.js';
import type { HeatmapBucket } from '../../core/heatmap.js';
import type { PlateReadEvent } from '../../core/plate.js';
import type { ViolationEvent } from '../../core/violation.js';
import type { SourceLogger } from '../../video/source.js';

/** Where a camera's outputs go. */
export interface CameraOutputs {
  /** Resolves once the bus holds the event (a camera waits only while the bus is full). */
  event(e: ArgusEvent): Promise<void>;
  alert(a: CameraAlert): Promise<void>;
  /** A closed heatmap bucket (pipeline/heatmap.ts). */
  heatmap(h: HeatmapBucket): Promise<void>;
  health(status: CameraStatus): void;
}

/** The blob stores of a runtime: plate crops, and evidence packages where evidence is written. */
export interface OutputBlobs {
  readonly crops: BlobStore;
  readonly evidence?: BlobStore | undefined;
}

export interface BusOutputsOptions {
  readonly bus: EventBus<CameraMessage>;
  readonly blobs: OutputBlobs;
  readonly logger: SourceLogger;
  /** Who produces a camera's messages (the scaled mode's worker and lease revision), stamped on each; none on the single box. */
  readonly producer?: ((cameraId: string) => Producer | undefined) | undefined;
}

/** The crop (a plate's, a face's) into the blob store; the event keeps its reference only. */
async function travellingCrop<E extends PlateReadEvent | FaceSeenEvent>(e: E, crops: BlobStore): Promise<E> {
  const { cropJpeg, ...rest } = e;
  if (!cropJpeg) return rest as E;
  return { ...rest, crop: await crops.put(`${e.cameraId}/${e.id}.jpg`, cropJpeg) } as E;
}

/** The evidence package's files into the blob store under the package's key (its folder's name: the violation id). */
async function travellingViolation(e: ViolationEvent, evidence: BlobStore | undefined, log: SourceLogger): Promise<ViolationEvent> {
  if (!e.evidence) return e;
  const { evidence: ref, ...rest } = e;
  if (!evidence) {
    log.error({ cameraId: e.cameraId, violationId: e.id }, 'violation evidence has no blob store: sent without evidence');
    return rest;
  }
  const dir = ref.uri;
  const key = basename(dir);
  const files = (await readdir(dir, { withFileTypes: true })).filter((f) => f.isFile());
  for (const f of files) await evidence.putFile(`${key}/${f.name}`, join(dir, f.name));
  return { ...rest, evidence: { uri: evidenceUri(key), ...(ref.manifestSha256 ? { manifestSha256: ref.manifestSha256 } : {}) } };
}

/** A track summary's best crop into the blob store, as a plate crop. */
async function travellingTrack(e: TrackAttributesEvent, crops: BlobStore): Promise<TrackAttributesEvent> {
  const { cropJpeg, ...rest } = e;
  if (!cropJpeg) return rest;
  return { ...rest, crop: await crops.put(`${e.cameraId}/${e.id}.jpg`, cropJpeg) };
}

export async function travelling(e: ArgusEvent, blobs: OutputBlobs, log: SourceLogger): Promise<ArgusEvent> {
  if (e.kind === 'plate.read' || e.kind === 'face.seen') return travellingCrop(e, blobs.crops);
  if (e.kind === 'track.attributes') return travellingTrack(e, blobs.crops);
  if (e.kind === 'violation') return travellingViolation(e, blobs.evidence, log);
  return e;
}

export function busOutputs(o: BusOutputsOptions): CameraOutputs {
  const send = async (m: CameraMessage): Promise<void> => {
    const keys = messageKeys(m);
    const producer = o.producer?.(keys.cameraId);
    await o.bus.publish(producer ? { ...m, producer } : m, keys);
  };
  return {
    event: async (e) => send({ kind: 'event', event: await travelling(e, o.blobs, o.logger) }),
    alert: (alert) => send({ kind: 'alert', alert }),
    heatmap: (heatmap) => send({ kind: 'heatmap', heatmap }),
    health: (status) => {
      send({ kind: 'health', status, atMs: Date.now() }).catch((e: unknown) => o.logger.warn({ cameraId: status.id, err: errorMessage(e) }, 'camera health not sent'));
    },
  };
}
