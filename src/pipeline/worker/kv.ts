/**
 * A JetStream KV bucket of JSON values (the scaled mode's `argus_cameras` and `argus_workers`; the fenced leases are
 * bus/leases.ts): put, delete, and a watch that gives the keys there now, then every change. A value that is not JSON
 * is skipped with a warning, never thrown into the watcher.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../../core/errors.js';
import type { SourceLogger } from '../../video/source.js';

export type KvChange<V> = { readonly op: 'put'; readonly key: string; readonly value: V; readonly revision: number } | { readonly op: 'delete'; readonly key: string; readonly revision: number };

export interface JsonKvOptions {
  readonly bucket: string;
  /** A key not written for this long disappears (default: kept). */
  readonly ttlMs?: number;
  readonly replicas?: 1 | 3 | 5;
  readonly logger: SourceLogger;
}

export class JsonKv<V> {
  private constructor(
    private readonly kv: KV,
    private readonly log: SourceLogger,
    readonly bucket: string,
  ) {}

  /** Opens the bucket, creating it when it is not there. */
  static async open<V>(nc: NatsConnection, o: JsonKvOptions): Promise<JsonKv<V>> {
    try {
      const kv = await new Kvm(nc).create(o.bucket, { history: 1, replicas: o.replicas ?? 1, ...(o.ttlMs ? { ttl: o.ttlMs } : {}) });
      return new JsonKv<V>(kv, o.logger, o.bucket);
    } catch (e) {
      throw new ArgusError('unavailable', `NATS KV ${o.bucket}: cannot open: ${errorMessage(e)}`, { cause: e });
    }
  }

  async put(key: string, value: V): Promise<number> {
    return this.io(key, 'write', () => this.kv.put(key, JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    await this.io(key, 'delete', () => this.kv.delete(key));
  }

  async get(key: string): Promise<V | undefined> {
    const e = await this.io(key, 'read', () => this.kv.get(key));
    return e && e.operation === 'PUT' ? e.json<V>() : undefined;
  }

  /** The keys there now (as puts), then every change, until `stop`. */
  async watch(onChange: (change: KvChange<V>) => void): Promise<{ stop(): Promise<void> }> {
    const it = await this.io('>', 'watch', () => this.kv.watch());
    const follow = async (): Promise<void> => {
      for await (const e of it) {
        if (e.operation !== 'PUT') {
          onChange({ op: 'delete', key: e.key, revision: e.revision });
          continue;
        }
        let value: V;
        try {
          value = e.json<V>();
        } catch (err) {
          this.log.warn({ bucket: this.bucket, key: e.key, err: errorMessage(err) }, 'KV value is not JSON: ignored');
          continue;
        }
        onChange({ op: 'put', key: e.key, value, revision: e.revision });
      }
    };
    const following = follow().catch((e: unknown) => this.log.error({ bucket: this.bucket, err: errorMessage(e) }, 'KV watch ended on an error'));
    return {
      stop: async () => {
        it.stop();
        await following;
      },
    };
  }

  private async io<T>(key: string, what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw new ArgusError('unavailable', `NATS KV ${this.bucket}/${key}: cannot ${what}: ${errorMessage(e)}`, { cause: e });
    }
  }
}
