/**
 * A blob by reference: what travels in a message instead of bytes (a plate crop, a file of an evidence package).
 * The bytes live in an object store (src/bus/blobs.ts); the reader fetches them by key and checks the digest.
 */
export interface BlobRef {
  /** Key in its store: `/`-separated segments of letters, digits, `.`, `_`, `-` (no segment starts with a dot). */
  readonly key: string;
  /** SHA-256 of the bytes, lowercase hex. */
  readonly sha256: string;
  readonly bytes: number;
}

/** An evidence package as a violation refers to it on the bus: `blob:evidence/<key of its folder>`. */
export const EVIDENCE_URI_PREFIX = 'blob:evidence/';

export const evidenceUri = (packageKey: string): string => `${EVIDENCE_URI_PREFIX}${packageKey}`;

/** The package key of an evidence URI written by the runtime, or undefined for any other URI. */
export const evidenceKeyOf = (uri: string): string | undefined => (uri.startsWith(EVIDENCE_URI_PREFIX) ? uri.slice(EVIDENCE_URI_PREFIX.length) : undefined);
