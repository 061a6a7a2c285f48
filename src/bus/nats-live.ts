/**
 * Live fan-out for the scaled `serve` replicas: every replica's SSE clients must see every camera message as it
 * comes, whichever replica's durable consumer stores it. Each replica follows the event stream with its own
 * ephemeral ORDERED consumer starting after the stream's last message: no acks, no shared position, in stream order, each stored
 * message once (a publish retried with the same id is stored once, so it is seen once; a core subscription would
 * see every attempt). The client recreates the consumer after a gap, a reconnect or a node loss, from where it was.
 * Live view is best effort by design: what a replica missed while it was down is in the store, not replayed here.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../core/errors.js';
import type { MessageKeys } from './bus.js';
import { silentLogger, type BusLogger } from './nats-connect.js';

export interface LiveMessage<M> {
  readonly message: M;
  readonly keys: MessageKeys;
  readonly seq: number;
}

export interface FollowLiveOptions<M> {
  /** The event stream (default `ARGUS_EVENTS`) and its subject prefix (default `argus`), as the bus was opened. */
  readonly stream?: string;
  readonly subjectPrefix?: string;
  /** Called for each message, in stream order; must not throw (a throw is logged, the message skipped). */
  readonly onMessage: (live: LiveMessage<M>) => void;
  readonly logger?: BusLogger;
}

export interface LiveFeed {
  /** Resolves once the feed follows the stream (messages published after this are seen). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Follows the event stream from now on (see the file's comment). */
export function followLive<M>(nc: NatsConnection, o: FollowLiveOptions<M>): LiveFeed {
  const log = o.logger ?? silentLogger;
  const stream = o.stream ?? 'ARGUS_EVENTS';
  const prefix = `${o.subjectPrefix ?? 'argus'}.cam.`;
  let stopped = false;
  let close: (() => Promise<void>) | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const run = async (): Promise<void> => {
    // From the stream's next position rather than DeliverPolicy.New: a consumer recreated before its first message
    // resumes from its start position, which `New` does not have (it would replay the whole stream).
    const last = (await (await jetstreamManager(nc)).streams.info(stream)).state.last_seq;
    const consumer = await jetstream(nc).consumers.get(stream, { opt_start_seq: last + 1 });
    const messages = await consumer.consume({ max_messages: 1024 });
    close = async () => void (await messages.close());
    markReady();
    if (stopped) await close();
    for await (const m of messages) {
      const rest = m.subject.startsWith(prefix) ? m.subject.slice(prefix.length) : '';
      try {
        o.onMessage({ message: m.json<M>(), keys: { id: m.headers?.get('Nats-Msg-Id') ?? '', cameraId: rest.slice(0, rest.indexOf('.')) }, seq: m.seq });
      } catch (e) {
        log.warn({ seq: m.seq, err: errorMessage(e) }, 'live message skipped');
      }
    }
  };
  const running = run().catch((e: unknown) => {
    markReady();
    log.error({ stream, err: errorMessage(e) }, 'live feed stopped on an error');
  });
  return {
    ready,
    stop: async () => {
      stopped = true;
      await close?.();
      await running;
    },
  };
}
