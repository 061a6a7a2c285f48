/** Harness of the conformance suite: a store on a fresh database, raw SQL, reopen, dispose. */
import { afterAll, beforeAll, expect } from 'vitest';
import { isArgusError, type ErrorCode } from '../../core/errors.js';
import type { Store } from '../store.js';

export interface StoreHarness {
  readonly store: Store;
  /** Raw SQL against the same database (tamper tests). */
  exec(sqlText: string): Promise<void>;
  /**
   * True when two stores on one database may write concurrently from this one process (PostgreSQL).
   * better-sqlite3 blocks the thread while it waits for a lock, so SQLite's second writer lives in
   * another process in deployments, never in the same event loop.
   */
  readonly concurrentStores: boolean;
  /** A second store opened on the same database (runs the migrations again). */
  reopen(): Promise<Store>;
  /** Close every store and drop the database. */
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  /** Passed to the adapter: small thresholds drive the plate-search planner through every plan. */
  readonly searchTuning?: { rangeProbeRows?: number; maxCandidateKeys?: number };
}

export type StoreFactory = (options?: HarnessOptions) => Promise<StoreHarness>;

export async function expectArgusError(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(isArgusError(caught, code), `expected ArgusError(${code}), got ${String(caught)}`).toBe(true);
}

export function useHarness(factory: StoreFactory, options?: HarnessOptions): () => StoreHarness {
  let h: StoreHarness | undefined;
  beforeAll(async () => {
    h = await factory(options);
  });
  afterAll(async () => {
    await h?.dispose();
  });
  return () => {
    if (!h) throw new Error('harness not ready');
    return h;
  };
}

