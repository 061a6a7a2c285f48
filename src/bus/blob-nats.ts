/**
 * The BlobStore on the NATS JetStream object store (the scaled mode): one bucket per kind (`argus-crops`,
 * `argus-evidence`), file storage, replicas as the event stream. Files are streamed in chunks, never read whole.
 * The object store keeps each object's SHA-256; `get(ref)` refuses (`checksum_mismatch`) an object whose stored
 * digest or size is not the reference's, and bytes whose own digest is not the stored one (hashed as they arrive):
 * what a consumer fetches is what the worker sent.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Objm, StorageType, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BlobRef } from '../core/blob.js';
import { ArgusError, errorMessage } from '../core/errors.js';
import { NatsSmallBlobStore } from './blob-nats-small.js';
import { checkBlobKey, type BlobStore, type RuntimeBlobs } from './blobs.js';

export interface NatsBlobOptions {
  /** Bucket name (letters, digits, `-`, `_`). */
  readonly bucket: string;
  /** Copies: 3 on a 3-node cluster, 1 on one node (default 1). */
  readonly replicas?: 1 | 3 | 5;
  /** Objects older than this are dropped (default 0: kept). */
  readonly ttlMs?: number;
  /** The bucket's size bound: a put beyond it fails (default: none). */
  readonly maxBytes?: number;
  /** One chunk's wait for its ack, ms (default 10 000). */
  readonly timeoutMs?: number;
}

const DIGEST_PREFIX = 'SHA-256=';

/** The object store's `SHA-256=<base64url>` as lowercase hex ('' when it is not a SHA-256). */
export function digestHex(digest: string): string {
  return digest.startsWith(DIGEST_PREFIX) ? Buffer.from(digest.slice(DIGEST_PREFIX.length), 'base64url').toString('hex') : '';
}

const refOf = (key: string, info: ObjectInfo): BlobRef => ({ key, sha256: digestHex(info.digest), bytes: info.size });

export class NatsBlobStore implements BlobStore {
  private constructor(
    private readonly os: ObjectStore,
    private readonly jsm: JetStreamManager,
    private readonly timeoutMs: number,
    readonly bucket: string,
  ) {}

  /** Opens the bucket, creating it when it is not there. */
  static async open(nc: NatsConnection, o: NatsBlobOptions): Promise<NatsBlobStore> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.bucket)) throw new ArgusError('invalid_argument', `blob bucket ${JSON.stringify(o.bucket)}: letters, digits, "-", "_"`);
    try {
      const os = await new Objm(nc).create(o.bucket, {
        storage: StorageType.File,
        replicas: o.replicas ?? 1,
        ...(o.ttlMs ? { ttl: Math.round(o.ttlMs * 1e6) } : {}),
        ...(o.maxBytes ? { max_bytes: o.maxBytes } : {}),
      });
      return new NatsBlobStore(os, await jetstreamManager(nc, { timeout: o.timeoutMs ?? 10_000 }), o.timeoutMs ?? 10_000, o.bucket);
    } catch (e) {
      throw new ArgusError('unavailable', `NATS object store ${o.bucket}: cannot open: ${errorMessage(e)}`, { cause: e });
    }
  }

  async put(key: string, data: Uint8Array): Promise<BlobRef> {
    checkBlobKey(key);
    const info = await this.io(key, 'write', () => this.os.putBlob({ name: key }, data, { timeout: this.timeoutMs }));
    const ref = refOf(key, info);
    // The client hashed what it sent; check it hashed these bytes.
    if (ref.sha256 !== createHash('sha256').update(data).digest('hex')) throw new ArgusError('checksum_mismatch', `blob ${key}: stored digest is not the digest of the bytes`);
    return ref;
  }

  async putFile(key: string, path: string): Promise<BlobRef> {
    checkBlobKey(key);
    const file = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    return refOf(key, await this.io(key, `write ${path}`, () => this.os.put({ name: key }, file, { timeout: this.timeoutMs })));
  }

  async get(ref: BlobRef | string): Promise<Uint8Array | undefined> {
    const stream = await this.read(ref);
    if (!stream) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  /**
   * The bytes of a key as a stream (serving a large evidence clip), or undefined. The stream fails with
   * `checksum_mismatch` when the bytes do not match the reference (or the stored digest), before it ends.
   */
  async read(ref: BlobRef | string): Promise<Readable | undefined> {
    const key = checkBlobKey(typeof ref === 'string' ? ref : ref.key);
    const info = await this.io(key, 'read', () => this.os.info(key));
    if (!info || info.deleted || info.options?.link) return this.readStreamed(ref, key);
    const stored = refOf(key, info);
    if (typeof ref !== 'string' && (stored.sha256 !== ref.sha256 || stored.bytes !== ref.bytes)) {
      throw new ArgusError('checksum_mismatch', `blob ${key}: the stored object is not the one referenced (digest or size differs)`);
    }
    if (info.chunks !== 1) return this.readStreamed(ref, key);
    // One chunk (a plate crop, a manifest): fetched by one direct read of its message, rather than by an ordered
    // consumer created and torn down for it (the object store's own get: several round trips and server work).
    const chunk = await this.jsm.streams.getMessage(`OBJ_${this.bucket}`, { last_by_subj: `$O.${this.bucket}.C.${info.nuid}` }).catch(() => null);
    if (!chunk) return this.readStreamed(ref, key); // replaced or deleted meanwhile
    const data = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(chunk.data);
        c.close();
      },
    });
    return Readable.from(verified(key, data, Promise.resolve(null), stored));
  }

  /** The object store's own get: chunk by chunk through an ordered consumer (large objects, or a changed object). */
  private async readStreamed(ref: BlobRef | string, key: string): Promise<Readable | undefined> {
    const res = await this.io(key, 'read', () => this.os.get(key));
    if (!res) return undefined;
    const stored = refOf(key, res.info);
    if (typeof ref !== 'string' && (stored.sha256 !== ref.sha256 || stored.bytes !== ref.bytes)) {
      await res.data.cancel().catch(() => undefined);
      throw new ArgusError('checksum_mismatch', `blob ${key}: the stored object is not the one referenced (digest or size differs)`);
    }
    return Readable.from(verified(key, res.data, res.error, stored));
  }

  async stat(key: string): Promise<BlobRef | undefined> {
    checkBlobKey(key);
    const info = await this.io(key, 'stat', () => this.os.info(key));
    return info && !info.deleted ? refOf(key, info) : undefined;
  }

  async delete(key: string): Promise<boolean> {
    if (!(await this.stat(key))) return false;
    await this.io(key, 'delete', () => this.os.delete(key));
    return true;
  }

  private async io<T>(key: string, what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof ArgusError) throw e;
      throw new ArgusError('io_failed', `blob ${this.bucket}/${key}: cannot ${what}: ${errorMessage(e)}`, { cause: e });
    }
  }
}

/** Yields the chunks, hashing them; throws `checksum_mismatch` at the end when the digest or size is not the expected. */
async function* verified(key: string, data: ReadableStream<Uint8Array>, error: Promise<Error | null>, want: BlobRef): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of data) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (e) {
    throw new ArgusError('checksum_mismatch', `blob ${key}: ${errorMessage(e)}`, { cause: e });
  }
  const failed = await error.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  if (failed) throw new ArgusError('checksum_mismatch', `blob ${key}: ${failed.message}`, { cause: failed });
  if (hash.digest('hex') !== want.sha256 || bytes !== want.bytes) throw new ArgusError('checksum_mismatch', `blob ${key}: the bytes received do not match their digest`);
}

export interface RuntimeBlobOptions {
  readonly replicas?: 1 | 3 | 5;
  /** Bucket name prefix (default `argus`): buckets `<prefix>-crops` and `<prefix>-evidence`. */
  readonly prefix?: string;
  /** Plate crops wait in the bucket until the consumer stored them; dropped after this long (default 7 days). */
  readonly cropsTtlMs?: number;
}

/**
 * The runtime's two buckets on NATS: plate crops (small: a stream read in one round trip, blob-nats-small.ts; kept for
 * a while) and evidence packages (clips: the object store, streamed in chunks; kept).
 */
export async function openNatsRuntimeBlobs(nc: NatsConnection, o: RuntimeBlobOptions = {}): Promise<RuntimeBlobs> {
  const prefix = o.prefix ?? 'argus';
  const replicas = o.replicas ?? 1;
  return {
    crops: await NatsSmallBlobStore.open(nc, { bucket: `${prefix}-crops`, replicas, ttlMs: o.cropsTtlMs ?? 7 * 24 * 3600_000 }),
    evidence: await NatsBlobStore.open(nc, { bucket: `${prefix}-evidence`, replicas }),
  };
}
