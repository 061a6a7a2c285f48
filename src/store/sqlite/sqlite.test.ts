import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { LATEST_SCHEMA_VERSION } from '../kysely/migrations.js';
import { runStoreConformance } from '../testing/conformance.js';
import { openSqliteStore } from './index.js';

runStoreConformance('sqlite', async (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-store-'));
  const path = join(dir, 'argus.db');
  const store = await openSqliteStore({ path, ...(options?.searchTuning ? { searchTuning: options.searchTuning } : {}) });
  const others: Store[] = [];
  return {
    store,
    concurrentStores: false,
    exec: async (sqlText) => {
      store.connection.exec(sqlText);
    },
    reopen: async () => {
      const s = await openSqliteStore({ path });
      others.push(s);
      return s;
    },
    dispose: async () => {
      for (const s of others) await s.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite adapter', () => {
  it('opens the database in WAL mode with synchronous=NORMAL and foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-store-'));
    try {
      const store = await openSqliteStore({ path: join(dir, 'a.db') });
      expect(store.connection.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.connection.pragma('synchronous', { simple: true })).toBe(1);
      expect(store.connection.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.connection.prepare('select max(version) v from argus_migrations').get()).toEqual({ v: LATEST_SCHEMA_VERSION });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
