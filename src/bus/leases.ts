/**
 * Leases on JetStream KV (the scaled mode's camera assignment builds on this; nothing about cameras here): a key
 * holds a JSON value and a revision. `create` succeeds only when the key is free; `update(key, value, revision)` only
 * when the revision is the key's latest: a holder that lost its lease (expired, taken) is refused, whatever its
 * timers believe (fencing). The bucket's TTL makes a key that is not renewed disappear: a dead holder's lease frees
 * itself. `hold` renews a lease by heartbeat and says when it is lost; `watch` reports puts, deletes and expiries
 * (KV does not announce an expiry: a key silent for longer than the TTL is looked up, and reported when gone).
 */
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../core/errors.js';
import { silentLogger, type BusLogger } from './nats-connect.js';

export interface LeaseEntry<V> {
  readonly key: string;
  readonly value: V;
  /** The key's revision: a later write always has a higher one. */
  readonly revision: number;
}

export type LeaseChange<V> =
  | { readonly op: 'put'; readonly entry: LeaseEntry<V> }
  | { readonly op: 'delete' | 'expired'; readonly key: string; readonly revision: number };

export interface LeaseStoreOptions {
  /** Bucket name (letters, digits, `-`, `_`). */
  readonly bucket: string;
  /** A key not written for this long disappears (the lease of a dead holder frees itself). */
  readonly ttlMs: number;
  /** Copies: 3 on a 3-node cluster (default 1). */
  readonly replicas?: 1 | 3 | 5;
  readonly logger?: BusLogger;
}

export interface HoldOptions {
  /** Renewal period (default a third of the TTL). */
  readonly heartbeatMs?: number;
  /** Called once when the lease is lost: `taken` (another revision is there), `expired` (not renewed in time). */
  readonly onLost?: (reason: 'taken' | 'expired') => void;
}

const KEY = /^[-/_=.A-Za-z0-9]{1,256}$/;
const WRONG_LAST_SEQUENCE = 10071;

const isStale = (e: unknown): boolean => (e as { code?: number }).code === WRONG_LAST_SEQUENCE;

function checkKey(key: string): string {
  if (!KEY.test(key) || key.startsWith('.') || key.endsWith('.') || key.includes('..')) throw new ArgusError('invalid_argument', `lease key ${JSON.stringify(key.slice(0, 80))}: letters, digits, "-", "_", "/", "=", "." between names`);
  return key;
}

export class KvLeases<V> {
  private constructor(
    private readonly kv: KV,
    readonly ttlMs: number,
    private readonly log: BusLogger,
  ) {}

  static async open<V>(nc: NatsConnection, o: LeaseStoreOptions): Promise<KvLeases<V>> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.bucket)) throw new ArgusError('invalid_argument', `lease bucket ${JSON.stringify(o.bucket)}: letters, digits, "-", "_"`);
    if (!(o.ttlMs >= 1000)) throw new ArgusError('invalid_argument', `lease TTL ${o.ttlMs} ms: at least 1000 ms`);
    try {
      const kv = await new Kvm(nc).create(o.bucket, { history: 1, ttl: o.ttlMs, replicas: o.replicas ?? 1 });
      return new KvLeases<V>(kv, o.ttlMs, o.logger ?? silentLogger);
    } catch (e) {
      throw new ArgusError('unavailable', `NATS KV ${o.bucket}: cannot open: ${errorMessage(e)}`, { cause: e });
    }
  }

  async get(key: string): Promise<LeaseEntry<V> | undefined> {
    const e = await this.io(key, 'read', () => this.kv.get(checkKey(key)));
    return e && e.operation === 'PUT' ? this.entry(e) : undefined;
  }

  /** Writes the key if it is free; its revision. `conflict` when someone holds it. */
  async create(key: string, value: V): Promise<number> {
    return this.io(key, 'create', () => this.kv.create(checkKey(key), JSON.stringify(value)), 'is held');
  }

  /** Writes the key if `revision` is still its latest; the new revision. `conflict` when it is stale (or expired). */
  async update(key: string, value: V, revision: number, timeoutMs?: number): Promise<number> {
    return this.io(key, 'update', () => this.kv.update(checkKey(key), JSON.stringify(value), revision, timeoutMs), `changed since revision ${revision}`);
  }

  /** Deletes the key; given a revision, only if it is still the latest (`conflict` otherwise). */
  async delete(key: string, revision?: number): Promise<void> {
    await this.io(key, 'delete', () => this.kv.delete(checkKey(key), revision === undefined ? {} : { previousSeq: revision }), `changed since revision ${revision}`);
  }

  async list(): Promise<LeaseEntry<V>[]> {
    const out: LeaseEntry<V>[] = [];
    const keys = await this.io('*', 'list', async () => {
      const ks: string[] = [];
      for await (const k of await this.kv.keys()) ks.push(k);
      return ks;
    });
    for (const k of keys) {
      const e = await this.get(k);
      if (e) out.push(e);
    }
    return out;
  }

  /** Creates the lease and renews it until released or lost. `conflict` when someone holds it. */
  async hold(key: string, value: V, o: HoldOptions = {}): Promise<Lease<V>> {
    const sentAt = Date.now();
    const revision = await this.create(key, value);
    return new Lease<V>(this, key, value, revision, sentAt, o.heartbeatMs ?? Math.floor(this.ttlMs / 3), o.onLost);
  }

  /**
   * Every change from now on (and first the keys there now, as puts). An expiry is reported within about a quarter
   * of the TTL after the server dropped the key.
   */
  async watch(onChange: (change: LeaseChange<V>) => void): Promise<{ stop(): Promise<void> }> {
    const known = new Map<string, { revision: number; seenAtMs: number }>();
    const it = await this.io('*', 'watch', () => this.kv.watch());
    const follow = async (): Promise<void> => {
      for await (const e of it) {
        if (e.operation === 'PUT') {
          known.set(e.key, { revision: e.revision, seenAtMs: Math.min(Date.now(), e.created.getTime()) });
          const entry = this.decode(e);
          if (entry) onChange({ op: 'put', entry });
        } else if (known.delete(e.key)) {
          onChange({ op: 'delete', key: e.key, revision: e.revision });
        }
      }
    };
    const following = follow().catch((e: unknown) => this.log.error({ err: errorMessage(e) }, 'lease watch ended on an error'));
    let sweeping = false;
    const sweep = async (): Promise<void> => {
      if (sweeping) return;
      sweeping = true;
      try {
        for (const [key, k] of known) {
          if (Date.now() - k.seenAtMs <= this.ttlMs) continue;
          const now = await this.kv.get(key);
          if (known.get(key) !== k) continue; // a put or delete came meanwhile
          if (!now || now.operation !== 'PUT') {
            known.delete(key);
            onChange({ op: 'expired', key, revision: k.revision });
          }
        }
      } catch (e) {
        this.log.debug({ err: errorMessage(e) }, 'lease expiry check failed; trying again');
      } finally {
        sweeping = false;
      }
    };
    const timer = setInterval(() => void sweep(), Math.max(100, Math.floor(this.ttlMs / 4)));
    return {
      stop: async () => {
        clearInterval(timer);
        it.stop();
        await following;
      },
    };
  }

  private entry(e: KvEntry): LeaseEntry<V> {
    return { key: e.key, value: e.json<V>(), revision: e.revision };
  }

  private decode(e: KvEntry): LeaseEntry<V> | undefined {
    try {
      return this.entry(e);
    } catch (err) {
      this.log.warn({ key: e.key, err: errorMessage(err) }, 'lease value is not JSON: ignored');
      return undefined;
    }
  }

  private async io<T>(key: string, what: string, op: () => Promise<T>, conflict?: string): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof ArgusError) throw e;
      if (conflict && isStale(e)) throw new ArgusError('conflict', `lease ${key} ${conflict}`, { cause: e });
      throw new ArgusError('unavailable', `lease ${key}: cannot ${what}: ${errorMessage(e)}`, { cause: e });
    }
  }
}

/**
 * A held lease. `claim` is the revision it was created with: a fencing token for the whole hold (a later claim of
 * the key always has a higher one). `revision` moves at each renewal. It is lost when a renewal is refused (someone
 * else's revision is there) or when no renewal succeeded for the TTL less one heartbeat (the server drops the key at
 * the TTL: the holder stops first).
 */
export class Lease<V> {
  readonly claim: number;
  private rev: number;
  private okAtMs: number;
  private isLost = false;
  private released = false;
  private inFlight = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: KvLeases<V>,
    readonly key: string,
    private value: V,
    revision: number,
    sentAtMs: number,
    private readonly heartbeatMs: number,
    private readonly onLost?: (reason: 'taken' | 'expired') => void,
  ) {
    this.claim = revision;
    this.rev = revision;
    this.okAtMs = sentAtMs;
    this.timer = setInterval(() => {
      // Lost by the clock, whatever a renewal in flight may still bring: the server drops the key at the TTL.
      if (Date.now() - this.okAtMs >= this.store.ttlMs - this.heartbeatMs) this.lose('expired');
      else if (!this.inFlight) this.renewing = this.renew();
    }, heartbeatMs);
  }

  get revision(): number {
    return this.rev;
  }

  get lost(): boolean {
    return this.isLost;
  }

  /** Changes the lease's value (under the same fencing as a renewal). */
  async set(value: V): Promise<void> {
    this.value = value;
    await this.renew();
    if (this.isLost) throw new ArgusError('conflict', `lease ${this.key} is lost`);
  }

  /** Stops renewing and deletes the key if it is still ours. */
  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.timer);
    await this.renewing;
    if (this.isLost) return;
    try {
      await this.store.delete(this.key, this.rev);
    } catch (e) {
      // Taken meanwhile: not ours to delete. Unreachable: the TTL frees it; the caller hears of it.
      if (!(e instanceof ArgusError && e.code === 'conflict')) throw e;
    }
  }

  private async renew(): Promise<void> {
    if (this.isLost || this.released) return;
    const sentAt = Date.now();
    this.inFlight = true;
    try {
      const rev = await this.store.update(this.key, this.value, this.rev, this.heartbeatMs);
      if (!this.isLost) {
        this.rev = rev;
        this.okAtMs = sentAt;
      }
    } catch (e) {
      // Unreachable: tried again at the next heartbeat, until the clock says lost.
      if (e instanceof ArgusError && e.code === 'conflict') this.lose('taken');
    } finally {
      this.inFlight = false;
    }
  }

  private lose(reason: 'taken' | 'expired'): void {
    if (this.isLost) return;
    this.isLost = true;
    clearInterval(this.timer);
    this.onLost?.(reason);
  }
}
