/**
 * The analysis overlay in the scaled mode, over core NATS (ephemeral, not JetStream): a replica with a viewer of a
 * camera's overlay publishes a demand heartbeat on `argus.overlay.want.<camera>` every few seconds; the worker that
 * runs the camera watches its overlay (so the runtime builds frames) until `holdMs` after the last heartbeat, and
 * publishes each frame on `argus.overlay.<camera>`. Nobody watching: no heartbeat, no frame built, nothing sent.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { SourceLogger } from '../../video/source.js';
import type { OverlayFrame, OverlayTap } from '../runtime/overlay.js';

export const OVERLAY_SUBJECT = (cameraId: string): string => `argus.overlay.${cameraId}`;
export const OVERLAY_WANT_SUBJECT = (cameraId: string): string => `argus.overlay.want.${cameraId}`;
/** A replica repeats its demand this often while it has a viewer. */
export const OVERLAY_HEARTBEAT_MS = 3000;
/** The worker keeps publishing this long after the last demand. */
export const OVERLAY_HOLD_MS = 10_000;

/** Camera ids are config ids (letters, digits, `-`, `_`): a NATS subject token. */
const subjectSafe = (id: string): boolean => /^[A-Za-z0-9_-]{1,100}$/.test(id);

export interface OverlayPublisherOptions {
  readonly nc: NatsConnection;
  readonly overlay: OverlayTap;
  /** Whether this worker runs the camera now. */
  readonly runs: (cameraId: string) => boolean;
  readonly logger?: SourceLogger;
  readonly holdMs?: number;
}

/** The worker side: answers demand heartbeats by watching the camera's overlay and publishing its frames. */
export function startOverlayPublisher(o: OverlayPublisherOptions): { stop(): Promise<void>; publishing(): string[] } {
  const holdMs = o.holdMs ?? OVERLAY_HOLD_MS;
  const active = new Map<string, { until: number; unwatch: () => void }>();
  const sub = o.nc.subscribe(OVERLAY_WANT_SUBJECT('*'), {
    callback: (err, m) => {
      if (err) return;
      const id = m.subject.slice(OVERLAY_WANT_SUBJECT('').length);
      if (!subjectSafe(id) || !o.runs(id)) return;
      const cur = active.get(id);
      if (cur) {
        cur.until = Date.now() + holdMs;
        return;
      }
      const unwatch = o.overlay.watch(id, (f: OverlayFrame) => o.nc.publish(OVERLAY_SUBJECT(id), JSON.stringify(f)));
      active.set(id, { until: Date.now() + holdMs, unwatch });
      o.logger?.debug({ cameraId: id }, 'overlay demanded');
    },
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, a] of active) {
      if (a.until > now && o.runs(id)) continue;
      a.unwatch();
      active.delete(id);
    }
  }, Math.min(1000, holdMs / 2));
  sweep.unref();
  return {
    publishing: () => [...active.keys()],
    async stop() {
      clearInterval(sweep);
      for (const a of active.values()) a.unwatch();
      active.clear();
      await sub.drain().catch(() => sub.unsubscribe());
    },
  };
}

/** The replica side: frames of a camera run by a worker, while the returned function has not been called. */
export function subscribeOverlay(nc: NatsConnection, cameraId: string, onFrame: (f: OverlayFrame) => void, heartbeatMs = OVERLAY_HEARTBEAT_MS): () => void {
  if (!subjectSafe(cameraId)) return () => undefined;
  const sub = nc.subscribe(OVERLAY_SUBJECT(cameraId), {
    callback: (err, m) => {
      if (err) return;
      try {
        onFrame(JSON.parse(m.string()) as OverlayFrame);
      } catch {
        // a frame that does not parse is skipped: the next one comes within a frame's time
      }
    },
  });
  const want = (): void => nc.publish(OVERLAY_WANT_SUBJECT(cameraId), '');
  want();
  const timer = setInterval(want, heartbeatMs);
  return () => {
    clearInterval(timer);
    sub.unsubscribe();
  };
}
