/**
 * Worker thread hosting one plate reader (PP-OCR detection + recognition, onnxruntime). Started by
 * plate-host.ts; never imported directly. The reader's work blocks this thread, not the analysis loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { VehicleClass } from '../core/classes.js';
import { createPlateReader, type CropRead, type PlateReader, type PlateReaderOptions } from '../plates/index.js';

/** Main thread → worker. The rgb buffer is transferred. */
export type ToPlateWorker =
  | {
      readonly type: 'read';
      readonly id: number;
      readonly mode: 'find' | 'crop';
      readonly rgb: Uint8Array;
      readonly width: number;
      readonly height: number;
      /** The tracked vehicle the picture shows, when known (the reader's vehicle prior). */
      readonly vehicle?: VehicleClass;
    }
  | { readonly type: 'close' };

/** Worker → main thread. */
export type FromPlateWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly reads: readonly CropRead[] }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

const port = parentPort;
const post = (m: FromPlateWorker): void => port?.postMessage(m);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function read(reader: PlateReader, m: Extract<ToPlateWorker, { type: 'read' }>): Promise<void> {
  try {
    const hints = m.vehicle ? { vehicle: m.vehicle } : {};
    const reads = m.mode === 'find' ? await reader.findAndRead(m.rgb, m.width, m.height, hints) : [await reader.readCrop(m.rgb, m.width, m.height, hints)];
    post({ type: 'result', id: m.id, reads });
  } catch (e) {
    post({ type: 'error', id: m.id, message: message(e) });
  }
}

async function start(): Promise<void> {
  if (!port) throw new Error('plate-worker must run in a worker thread');
  let reader: PlateReader;
  try {
    reader = await createPlateReader(workerData as PlateReaderOptions);
  } catch (e) {
    post({ type: 'fatal', message: message(e) });
    return;
  }
  const live = reader;
  // One job at a time, in order: the host queues and bounds them.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: ToPlateWorker) => {
    if (m.type === 'close') {
      chain = chain.then(() => live.close()).then(
        () => port.close(),
        (e: unknown) => {
          post({ type: 'fatal', message: `close failed: ${message(e)}` });
          port.close();
        },
      );
      return;
    }
    chain = chain.then(() => read(live, m));
  });
  post({ type: 'ready' });
}

start().catch((e: unknown) => post({ type: 'fatal', message: message(e) }));
