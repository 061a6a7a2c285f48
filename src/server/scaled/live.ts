/**
 * Live push across serve replicas. Every replica follows the event stream with its own ordered consumer
 * (bus/nats-live.ts) and pushes each camera message to its own SSE clients: a browser on either replica sees every
 * event, whichever replica's durable consumer stores it, and sees it once (the durable consumer pushes nothing).
 * What only the storing replica makes (a watch-list hit raised at ingest, a partner's event posted to one replica's
 * API) is sent on a plain NATS subject that every replica follows, the sender included, instead of its own hub.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { CameraMessage } from '../../bus/messages.js';
import type { BusLogger } from '../../bus/nats-connect.js';
import { followLive, type LiveFeed } from '../../bus/nats-live.js';
import { errorMessage } from '../../core/errors.js';
import type { ArgusEvent } from '../../core/events.js';
import { withProducer } from '../bus-consumer.js';
import { eventPayload } from '../ingest.js';
import type { LiveHub, LiveMessage } from '../live.js';
import type { ScaledStatus } from './status.js';

/** Subject of the live messages made by one replica for the clients of all (not a worker protocol subject). */
export const LIVE_PUSH_SUBJECT = 'argus.serve.live';

export interface ScaledLive {
  /** Publishes to the clients of every replica (what the ingest pushes in the scaled mode). */
  readonly everywhere: { publish(m: LiveMessage): void };
  /** Told of every camera event of the stream, on every replica (section control pairs plates across cameras). */
  onEvent(listener: (e: ArgusEvent) => void): void;
  /** Resolves once the stream is followed. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export function startScaledLive(o: { nc: NatsConnection; hub: LiveHub; status: ScaledStatus; log: BusLogger }): ScaledLive {
  const listeners: Array<(e: ArgusEvent) => void> = [];
  const feed: LiveFeed = followLive<CameraMessage>(o.nc, {
    logger: o.log,
    onMessage: ({ message: m }) => {
      if (m.kind === 'event') {
        o.hub.publish({ topic: 'event', cameraId: m.event.cameraId, data: eventPayload(m.producer ? withProducer(m.event, m.producer) : m.event, true) });
        for (const l of listeners) l(m.event);
      } else if (m.kind === 'alert') o.hub.publish({ topic: 'alert', cameraId: m.alert.cameraId, data: m.alert });
      else if (m.kind === 'health') {
        o.status.noteHealth(m);
        o.hub.publish({ topic: 'health', cameraId: m.status.id, data: o.status.status(m.status.id)[0] ?? m.status });
      }
    },
  });
  const sub: Subscription = o.nc.subscribe(LIVE_PUSH_SUBJECT, {
    callback: (err, msg) => {
      if (err) return o.log.warn({ err: errorMessage(err) }, 'live push subscription error');
      try {
        o.hub.publish(msg.json<LiveMessage>());
      } catch (e) {
        o.log.warn({ err: errorMessage(e) }, 'live push message skipped');
      }
    },
  });
  return {
    everywhere: {
      publish: (m) => {
        try {
          o.nc.publish(LIVE_PUSH_SUBJECT, JSON.stringify(m));
        } catch (e) {
          o.log.warn({ err: errorMessage(e) }, 'live push not sent');
        }
      },
    },
    onEvent: (l) => void listeners.push(l),
    ready: feed.ready,
    async stop() {
      sub.unsubscribe();
      await feed.stop();
    },
  };
}
