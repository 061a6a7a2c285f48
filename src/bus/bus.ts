/**
 * The EventBus port: the camera runtime's ONLY output (events, alerts, health; plate crops and evidence by
 * reference, see messages.ts and blobs.ts). One port, two adapters: in-process (memory.ts, the single box) and NATS
 * JetStream (the scaled mode). Both pass one conformance suite (testing/conformance.ts). The contract:
 *
 * - publish(message, keys): resolves once the bus holds the message (JetStream: the stream's ack). `keys.id` is the
 *   idempotence key: a message published again with the same id (a retry after a timeout, a runtime restarted
 *   mid-publish) within the duplicate window is stored once (`duplicate: true`).
 * - consume(durable, handler): a DURABLE consumer. Its position survives the consumer: a consumer started again under
 *   the same name goes on after the last message it acknowledged. Messages come in batches; the batch is
 *   acknowledged when the handler RESOLVES (so after the consumer's own commit), never before. A handler that
 *   rejects, a consumer that stops (or dies) with a batch in hand, or a handler still busy after `ackWaitMs` gets
 *   the batch delivered again (`deliveries` counts). After `maxDeliver` deliveries a message is given to
 *   `onDeadLetter` and not delivered again.
 * - Per-camera order: one consumer receives the messages of one camera in publish order; a batch delivered again
 *   comes before anything published after it.
 * - Durable consumers of different names each get every message (the server's store consumer, analyze's file).
 * - A handler that knows it is waiting on something outside the messages (its database is restarting) keeps its batch
 *   with `control.keepAlive()` (at least once per `ackWaitMs`): the batch is not delivered again meanwhile and no
 *   delivery is counted, so an outage never sends good messages to the dead letter. `control.signal` aborts when the
 *   consumer stops: a waiting handler gives up then (its batch goes to the next consumer of the name).
 */
import { ArgusError, errorMessage } from '../core/errors.js';
import type { CameraMessage } from './messages.js';

export interface MessageKeys {
  /** Idempotence key (an event id, an alert id). */
  readonly id: string;
  /** Order key: messages of one camera keep their order. */
  readonly cameraId: string;
}

export interface Published {
  /** Position in the stream. */
  readonly seq: number;
  /** The id was already published within the duplicate window: nothing new was stored. */
  readonly duplicate: boolean;
}

export interface Delivery<M> {
  readonly message: M;
  readonly keys: MessageKeys;
  readonly seq: number;
  /** 1 on the first delivery, more when it is delivered again. */
  readonly deliveries: number;
}

export interface ConsumeOptions<M> {
  /** The durable consumer's name: its position is kept under it. */
  readonly durable: string;
  /** Most messages per handler call (default 256). */
  readonly batch?: number;
  /** A batch not acknowledged after this long is delivered again (default 30 000 ms). */
  readonly ackWaitMs?: number;
  /** Deliveries of a message before it is given up (default 10). */
  readonly maxDeliver?: number;
  /** Pause before a batch whose handler rejected is delivered again (default 500 ms). */
  readonly retryDelayMs?: number;
  /** A message given up after `maxDeliver` deliveries (log it: it is not delivered again). */
  readonly onDeadLetter?: (delivery: Delivery<M>, error: unknown) => void;
}

/** What a handler may do with the batch in hand (see the contract above). */
export interface BatchControl {
  /** Resets the batch's ack wait: it stays with this handler. */
  keepAlive(): void;
  /** Aborted when the consumer stops. */
  readonly signal: AbortSignal;
}

export type BatchHandler<M> = (batch: readonly Delivery<M>[], control: BatchControl) => Promise<void>;

export interface Subscription {
  /** Stops taking messages. A batch in hand is not acknowledged: it goes to the next consumer of this name. */
  stop(): Promise<void>;
  /** Waits until every message published so far has been acknowledged by this consumer, then stops. */
  drain(timeoutMs?: number): Promise<void>;
}

export interface EventBus<M = CameraMessage> {
  publish(message: M, keys: MessageKeys): Promise<Published>;
  consume(options: ConsumeOptions<M>, handler: BatchHandler<M>): Subscription;
  /** Stops every consumer and refuses further publishes. */
  close(): Promise<void>;
}

/** A message as every adapter sends it: JSON only (bytes would be a path to nowhere on another machine: use a blob reference). */
export function encodeMessage(message: unknown): string {
  try {
    return JSON.stringify(message, (_k, v: unknown) => {
      if (v instanceof Uint8Array || v instanceof ArrayBuffer) throw new ArgusError('invalid_argument', 'a bus message carries raw bytes: put them in the blob store and send the reference');
      return v;
    });
  } catch (e) {
    throw e instanceof ArgusError ? e : new ArgusError('invalid_argument', `a bus message is not plain JSON: ${errorMessage(e)}`, { cause: e });
  }
}
