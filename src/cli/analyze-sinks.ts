/**
 * Where `argus analyze` sends what the camera chain produces: as in the service, onto an in-process EventBus (the
 * runtime's only output), plate crops into a temporary blob spool and evidence into --evidence DIR. The events file
 * (--events) is a durable consumer of that bus: each event as one JSON line, the plate crop fetched back and written
 * as base64, the evidence reference resolved to its folder in DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskBlobStore } from '../bus/blob-disk.js';
import type { Subscription } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory.js';
import type { CameraMessage } from '../bus/messages.js';
import { evidenceKeyOf } from '../core/blob.js';
import type { ArgusEvent } from '../core/events.js';
import { JsonlWriter } from '../pipeline/jsonl.js';
import { busOutputs, type CameraOutputs } from '../pipeline/runtime/outputs.js';
import type { SourceLogger } from '../video/source.js';

export interface AnalyzeSinks {
  readonly outputs: CameraOutputs;
  /** Waits until the events file has every event, then closes it, the bus and the spool. */
  close(): Promise<void>;
}

const quiet: SourceLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export async function analyzeSinks(o: { readonly eventsFile?: string | undefined; readonly evidenceDir?: string | undefined }): Promise<AnalyzeSinks> {
  const spool = await mkdtemp(join(tmpdir(), 'argus-analyze-'));
  const crops = new DiskBlobStore(spool);
  const evidence = o.evidenceDir !== undefined ? new DiskBlobStore(o.evidenceDir) : undefined;
  const bus = new MemoryBus<CameraMessage>();
  const file = o.eventsFile !== undefined ? new JsonlWriter(o.eventsFile) : undefined;

  /** The event as the file has always shown it: the crop's bytes in base64, the evidence's folder. */
  const fileEvent = async (e: ArgusEvent): Promise<unknown> => {
    if ((e.kind === 'plate.read' || e.kind === 'track.attributes') && e.crop) {
      const { crop, ...rest } = e;
      const jpeg = await crops.get(crop);
      return jpeg ? { ...rest, cropJpeg: Buffer.from(jpeg).toString('base64') } : rest;
    }
    const key = e.kind === 'violation' && e.evidence ? evidenceKeyOf(e.evidence.uri) : undefined;
    if (e.kind === 'violation' && e.evidence && key !== undefined && evidence) return { ...e, evidence: { ...e.evidence, uri: evidence.pathOf(key) } };
    return e;
  };

  // Always consumed (without --events too): the bus keeps what no consumer has acknowledged.
  const sub: Subscription = bus.consume({ durable: 'analyze-events' }, async (batch) => {
    for (const { message: m } of batch) if (m.kind === 'event' && file) await file.write(await fileEvent(m.event));
  });
  return {
    outputs: busOutputs({ bus, blobs: { crops, evidence }, logger: quiet }),
    async close() {
      try {
        await sub.drain(60_000);
      } finally {
        await bus.close();
        await file?.close();
        await rm(spool, { recursive: true, force: true });
      }
    },
  };
}
