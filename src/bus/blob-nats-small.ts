/**
 * A BlobStore for SMALL blobs (plate crops, a few KB each) on a plain JetStream stream: one message per key, the
 * key's subject holding only its latest message (`max_msgs_per_subject` 1), read by a direct get. Every operation is
 * one round trip to the server — put (the publish's ack), get and stat (a direct get of the subject's last message),
 * delete (a purge of the subject) — where the object store (blob-nats.ts) needs two to four for the same small
 * object (its info, then its chunk; a delete rewrites the info). Plate crops cross the bus at the rate of the plate
 * reads of every camera, and the server's consumer waits on each crop before it commits a batch: the round trips are
 * its throughput. Large blobs (evidence clips) stay in the object store, which streams them in chunks.
 *
 * The message carries the bytes and their SHA-256 (`Argus-Sha256` header); `get(ref)` refuses (`checksum_mismatch`)
 * a message whose bytes do not hash to the reference's digest, as the object store does.
 */
import { createHash } from 'node:crypto';
import { readFile, stat as statFile } from 'node:fs/promises';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DiscardPolicy, jetstream, jetstreamManager, JetStreamApiCodes, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BlobRef } from '../core/blob.js';
import { ArgusError, errorMessage } from '../core/errors.js';
import { checkBlobKey, type BlobStore } from './blobs.js';

export interface SmallBlobOptions {
  /** Bucket name (letters, digits, `-`, `_`): the stream `BLOB_<bucket>`. */
  readonly bucket: string;
  readonly replicas?: 1 | 3 | 5;
  /** Blobs older than this are dropped (default 0: kept). */
  readonly ttlMs?: number;
  /** The bucket's size bound: a put beyond it fails (default: none). */
  readonly maxBytes?: number;
  /** Largest blob (default 256 KiB; at most the server's max payload). */
  readonly maxBlobBytes?: number;
  /** One request's wait, ms (default 10 000). */
  readonly timeoutMs?: number;
}

const SHA_HEADER = 'Argus-Sha256';
const DEFAULT_MAX_BLOB = 256 * 1024;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export class NatsSmallBlobStore implements BlobStore {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    readonly bucket: string,
    private readonly maxBlobBytes: number,
  ) {}

  /** Opens the bucket's stream, creating it when it is not there. */
  static async open(nc: NatsConnection, o: SmallBlobOptions): Promise<NatsSmallBlobStore> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.bucket)) throw new ArgusError('invalid_argument', `blob bucket ${JSON.stringify(o.bucket)}: letters, digits, "-", "_"`);
    const stream = `BLOB_${o.bucket}`;
    const timeout = o.timeoutMs ?? 10_000;
    const maxBlob = Math.min(o.maxBlobBytes ?? DEFAULT_MAX_BLOB, nc.info?.max_payload ?? DEFAULT_MAX_BLOB);
    try {
      const jsm = await jetstreamManager(nc, { timeout });
      const cfg = {
        name: stream,
        subjects: [`$ARGUS.blob.${o.bucket}.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.New,
        num_replicas: o.replicas ?? 1,
        max_msgs_per_subject: 1,
        allow_direct: true,
        allow_rollup_hdrs: false,
        deny_delete: false,
        deny_purge: false,
        max_msg_size: maxBlob + 1024,
        ...(o.ttlMs ? { max_age: Math.round(o.ttlMs * 1e6) } : {}),
        ...(o.maxBytes ? { max_bytes: o.maxBytes } : {}),
      };
      try {
        await jsm.streams.info(stream);
      } catch (e) {
        if ((e as { code?: number }).code !== JetStreamApiCodes.StreamNotFound) throw e;
        await jsm.streams.add(cfg);
      }
      return new NatsSmallBlobStore(jetstream(nc, { timeout }), jsm, stream, o.bucket, maxBlob);
    } catch (e) {
      throw new ArgusError('unavailable', `NATS blob stream ${stream}: cannot open: ${errorMessage(e)}`, { cause: e });
    }
  }

  /** The subject of a key: its `/`-separated names base64url-encoded into one token (keys hold dots). */
  private subject(key: string): string {
    return `$ARGUS.blob.${this.bucket}.${Buffer.from(checkBlobKey(key)).toString('base64url')}`;
  }

  async put(key: string, data: Uint8Array): Promise<BlobRef> {
    const subject = this.subject(key);
    if (data.byteLength > this.maxBlobBytes) throw new ArgusError('invalid_argument', `blob ${key}: ${data.byteLength} bytes, more than the ${this.maxBlobBytes} a small-blob bucket holds`);
    const digest = sha256(data);
    const h = natsHeaders();
    h.set(SHA_HEADER, digest);
    await this.io(key, 'write', () => this.js.publish(subject, data, { headers: h }));
    return { key, sha256: digest, bytes: data.byteLength };
  }

  async putFile(key: string, path: string): Promise<BlobRef> {
    const st = await statFile(path);
    if (st.size > this.maxBlobBytes) throw new ArgusError('invalid_argument', `blob ${key}: ${path} is ${st.size} bytes, more than the ${this.maxBlobBytes} a small-blob bucket holds`);
    return this.put(key, new Uint8Array(await readFile(path)));
  }

  async get(ref: BlobRef | string): Promise<Uint8Array | undefined> {
    const key = typeof ref === 'string' ? ref : ref.key;
    const m = await this.last(key);
    if (!m) return undefined;
    const data = m.data;
    const digest = sha256(data);
    if (digest !== m.header?.get(SHA_HEADER)) throw new ArgusError('checksum_mismatch', `blob ${key}: the bytes stored do not match their digest`);
    if (typeof ref !== 'string' && (digest !== ref.sha256 || data.byteLength !== ref.bytes)) {
      throw new ArgusError('checksum_mismatch', `blob ${key}: the stored blob is not the one referenced (digest or size differs)`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  async stat(key: string): Promise<BlobRef | undefined> {
    const m = await this.last(key);
    return m ? { key, sha256: m.header?.get(SHA_HEADER) ?? '', bytes: m.data.byteLength } : undefined;
  }

  async delete(key: string): Promise<boolean> {
    const subject = this.subject(key);
    const r = await this.io(key, 'delete', () => this.jsm.streams.purge(this.stream, { filter: subject }));
    return r.purged > 0;
  }

  private async last(key: string): Promise<StoredMsg | null> {
    const subject = this.subject(key);
    return this.io(key, 'read', async () => {
      try {
        return await this.jsm.direct.getMessage(this.stream, { last_by_subj: subject });
      } catch (e) {
        if ((e as { code?: number }).code === 404 || /no message found|not found/i.test(errorMessage(e))) return null;
        throw e;
      }
    });
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
