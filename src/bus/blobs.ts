/**
 * The BlobStore port: bytes that do not travel on the bus (plate crops, the files of evidence packages) are put
 * here and referenced by key with their SHA-256. Adapters: the local disk (blob-disk.ts, the single box) and the
 * NATS JetStream object store (the scaled mode). A store is one bucket (crops, evidence); keys are relative paths of
 * plain names, the same on every adapter. Conformance: testing/blob-conformance.ts.
 */
import type { BlobRef } from '../core/blob.js';
import { ArgusError } from '../core/errors.js';

export interface BlobStore {
  /** Stores the bytes under the key (replacing what was there); resolves with their reference once durable. */
  put(key: string, data: Uint8Array): Promise<BlobRef>;
  /** Stores a file under the key (streamed). */
  putFile(key: string, path: string): Promise<BlobRef>;
  /**
   * The bytes of a key, or undefined when there are none. Given a reference, the bytes must match its digest
   * (`checksum_mismatch` otherwise): what arrives is what was sent.
   */
  get(ref: BlobRef | string): Promise<Uint8Array | undefined>;
  /** The reference of what the key holds now, or undefined. */
  stat(key: string): Promise<BlobRef | undefined>;
  /** Removes the key; false when there was nothing. */
  delete(key: string): Promise<boolean>;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Refuses a key that is not `/`-separated plain names (no `..`, no leading dot or slash, at most 8 levels). */
export function checkBlobKey(key: string): string {
  const parts = key.split('/');
  if (key.length === 0 || key.length > 512 || parts.length > 8 || !parts.every((p) => SEGMENT.test(p))) {
    throw new ArgusError('invalid_argument', `blob key ${JSON.stringify(key.slice(0, 80))}: expected /-separated names of letters, digits, ".", "_", "-"`);
  }
  return key;
}

/** Where the bytes of the runtime go: plate crops (until the consumer has stored them) and evidence packages. */
export interface RuntimeBlobs {
  readonly crops: BlobStore;
  readonly evidence: BlobStore;
}
