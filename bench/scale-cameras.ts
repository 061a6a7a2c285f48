/**
 * Simulated cameras for the `scale` bench: the messages a worker's camera runtime publishes, through the runtime's own
 * output path (busOutputs: a plate crop is put into the crops object store and travels as a reference, an evidence
 * package's files go to the evidence object store and the violation carries `blob:evidence/<key>`). Each camera
 * publishes in order (one publish at a time, as a runtime does); cameras run side by side. The mix of a city gateway
 * camera: per 100 events, 74 line crossings, 25 plate reads (each with a real JPEG crop), 1 violation (a two-file
 * evidence package); and each camera's health every 5 s.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CameraMessage, CameraStatus } from '../src/bus/messages.js';
import { box } from '../src/core/box.js';
import type { ArgusEvent } from '../src/core/events.js';
import { ulid } from '../src/core/ids.js';
import { busOutputs, type CameraOutputs, type OutputBlobs } from '../src/pipeline/runtime/outputs.js';
import type { EventBus } from '../src/bus/bus.js';

export const cameraIdOf = (i: number): string => `cam-${String(i).padStart(4, '0')}`;
export const HEALTH_EVERY_MS = 5000;

/** What the simulated cameras published (acknowledged by the bus), by kind. */
export interface Published {
  readonly ids: string[];
  lineCross: number;
  plateRead: number;
  violation: number;
  health: number;
}

const quietLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export class SimCameras {
  readonly published: Published = { ids: [], lineCross: 0, plateRead: 0, violation: 0, health: 0 };
  private readonly out: CameraOutputs;
  private readonly seq: number[];
  private readonly tails: Array<Promise<void>>;
  private healthTimer: NodeJS.Timeout | undefined;
  failures = 0;

  constructor(
    readonly cameras: number,
    bus: EventBus<CameraMessage>,
    blobs: OutputBlobs,
    /** The plate crop every plate read carries (none: plate reads without crops). */
    private readonly crop: Uint8Array | undefined,
    /** Where evidence packages are written before they travel (the evidence stage's folder). */
    private readonly evidenceDir: string,
  ) {
    this.out = busOutputs({ bus, blobs, logger: quietLog });
    this.seq = Array.from({ length: cameras }, () => 0);
    this.tails = Array.from({ length: cameras }, () => Promise.resolve());
  }

  /** The camera's next event, made now (its `atMs` is when it was made: publish → commit is timed from it). */
  private async nextEvent(cam: number): Promise<ArgusEvent> {
    const n = this.seq[cam]!++;
    const atMs = Date.now();
    const cameraId = cameraIdOf(cam);
    const base = { id: ulid(atMs), cameraId, atMs, ptsSec: n * 0.2, trackId: 1000 + n, cls: n % 3 === 0 ? ('car' as const) : ('motorcycle' as const) };
    const slot = n % 100;
    if (slot === 50) {
      const dir = join(this.evidenceDir, base.id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ violationId: base.id, cameraId, atMs, files: ['still.jpg'] }));
      await writeFile(join(dir, 'still.jpg'), this.crop ?? 'no crop');
      return {
        ...base, kind: 'violation', violation: 'red_light', ruleId: 'red-light-1', ruleKind: 'red_light', box: box(400, 220, 470, 320), lineId: 'stop-line',
        plate: '29B1-123.45', measurements: { signal: 'red', signalAgeMs: 2400 }, params: { lineId: 'stop-line' },
        evidence: { uri: dir, manifestSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      };
    }
    if (slot % 4 === 1) {
      const plate = `${29 + (cam % 70)}B1${String(10000 + ((n * 7919) % 90000))}`;
      return {
        ...base, kind: 'plate.read', direction: 'pos', lineId: 'stop-line', reads: 6, ...(this.crop ? { cropJpeg: this.crop } : {}),
        read: { plate, display: `${plate.slice(0, 2)}-${plate.slice(2, 4)} ${plate.slice(4, 7)}.${plate.slice(7)}`, confidence: 0.93, category: 'private', lines: [plate.slice(0, 4), plate.slice(4)], box: box(20, 31, 96, 88) },
      };
    }
    return { ...base, kind: 'line.cross', lineId: 'stop-line', direction: 'pos', box: box(412.5, 233.25, 468.75, 318.5) };
  }

  /** Publishes the camera's next event after its previous one (a camera publishes in order). */
  publishNext(cam: number): Promise<void> {
    const tail = this.tails[cam]!.then(async () => {
      const e = await this.nextEvent(cam);
      try {
        await this.out.event(e);
      } catch {
        this.failures++;
        return;
      }
      this.published.ids.push(e.id);
      if (e.kind === 'line.cross') this.published.lineCross++;
      else if (e.kind === 'plate.read') this.published.plateRead++;
      else this.published.violation++;
    });
    this.tails[cam] = tail;
    return tail;
  }

  /** Every camera publishing as fast as the bus takes it, until `untilMs`. */
  async saturate(untilMs: number): Promise<void> {
    await Promise.all(
      Array.from({ length: this.cameras }, async (_, cam) => {
        while (Date.now() < untilMs) await this.publishNext(cam);
      }),
    );
  }

  /** `ratePerSec` events spread over the cameras for `seconds` (each camera still in order). */
  async paced(ratePerSec: number, seconds: number): Promise<void> {
    const total = Math.round(ratePerSec * seconds);
    const start = performance.now();
    let cam = 0;
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * ratePerSec));
      for (; sent < due; sent++) {
        void this.publishNext(cam);
        cam = (cam + 1) % this.cameras;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(this.tails);
  }

  /** Every camera's health every 5 s, spread evenly (fire and forget, as the runtime sends it); a late timer catches up. */
  startHealth(): void {
    const start = Date.now();
    let sent = 0;
    this.healthTimer = setInterval(() => {
      const due = Math.floor(((Date.now() - start) * this.cameras) / HEALTH_EVERY_MS);
      for (; sent < due; sent++) {
        this.out.health(healthOf(cameraIdOf(sent % this.cameras)));
        this.published.health++;
      }
    }, 50);
  }

  stopHealth(): void {
    clearInterval(this.healthTimer);
  }
}

function healthOf(id: string): CameraStatus {
  return {
    id, health: 'online', analysis: 'running', fps: 5, lastFrameAgeMs: 180, framesAnalysed: 12_345, restarts: 0, signalLost: false, message: null,
    recording: null, plates: { mode: 'vehicles', read: 420, skipped: 3, plates: 97 }, settings: { width: 1280, height: 720, fps: 5, tiles: 2, model: 'yolov8n' },
  };
}
